"""Taskapp's WSGI app wrapped for the gunicorn tests only (never in production URLs).

- every response carries ``X-Worker-Pid``, so a test can tell the workers apart;
- ``GET /__slow?seconds=N`` sleeps N seconds, then answers 200: an in-flight
  request to keep busy across a SIGTERM.
"""

import os
import time
from urllib.parse import parse_qs

from config.wsgi import application as taskapp_application


def application(environ, start_response):
    def start_with_pid(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], exc_info)

    if environ.get("PATH_INFO") == "/__slow":
        seconds = float(parse_qs(environ.get("QUERY_STRING", "")).get("seconds", ["1"])[0])
        time.sleep(seconds)
        start_with_pid("200 OK", [("Content-Type", "text/plain")])
        return [b"slow done"]
    return taskapp_application(environ, start_with_pid)
