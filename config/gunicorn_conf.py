"""gunicorn's configuration for both images: ``gunicorn -c config/gunicorn_conf.py``.

The settings and hooks are made, and tested, in config/gunicorn.py.
"""

from config.gunicorn import configure

globals().update(configure())
