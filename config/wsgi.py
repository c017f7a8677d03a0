"""The WSGI application (gunicorn: config.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

from config.chunked import ChunkedBodies
from config.env import load_settings
from config.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
load_settings()  # a bad environment: one line naming the variable, no traceback
application = ChunkedBodies(get_wsgi_application())
warm_up()  # under gunicorn, in the master: the forked workers start warm
