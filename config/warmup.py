"""What Django otherwise does on a worker's first request, done once at start.

Django imports the URLconf on the first request, and with it the API: ninja
builds a pydantic model per operation and response (~140 ms of CPU). Under
gunicorn the app is loaded in the master (``preload_app``), so doing that work
here means every worker, including each recycled one, starts with it done
and shares the master's memory (docs/performance.md). No database connection
is opened: a connection must not be shared by forked workers.
"""

import gc

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports the URLconf and the API)
    for path in ("/healthz", "/api/v1/tasks"):
        if settings.SERVES_API or path == "/healthz":
            resolver.resolve(path)
    is_language_prefix_patterns_used(settings.ROOT_URLCONF)  # LocaleMiddleware's question
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Not found")  # loads the message catalogs
    # Everything made so far lives as long as the process: move it out of the
    # garbage collector's sight. A forked worker's collections would otherwise
    # walk (and so write to, un-sharing the pages of) every object of the master.
    gc.collect()
    gc.freeze()
