"""The API's URLs, included by the root URLconf: everything under /api/, and on
the api role the root document at the host root too, as the original had it."""

from django.conf import settings
from django.urls import path

from api.api import api
from api.legacy import root_document
from api.render import json_response


def api_root(request):
    """Name, version and links; public, as the original's ``GET /`` was."""
    return json_response(root_document(request))


urlpatterns = [
    path("api/", api_root, name="api-index"),
    path("api/", api.urls),
]
if settings.ROLE == "api":
    urlpatterns.append(path("", api_root, name="api-root"))
