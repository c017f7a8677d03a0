"""Taskapp's plumbing: settings, URLs, WSGI and gunicorn, middleware, probes, logs,
metrics and the environment readers. The domain (taskapp.tasks, taskapp.accounts)
never imports it; pyproject.toml's import contracts say who may import whom."""
