"""The WSGI application (gunicorn: taskapp.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

from taskapp.env import load_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskapp.settings")
load_settings()  # a bad environment: one line naming the variable, no traceback
application = get_wsgi_application()
