"""URLs of the API role: everything under /api/, and the root document."""

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
