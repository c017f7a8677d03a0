"""The API's URLs, included by the root URLconf: everything under /api/, and on
the api role the root document at the host root too, as the original had it."""

from django.conf import settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from api.api import api
from api.legacy import root_document
from api.render import json_response


@csrf_exempt  # no session is used; a POST gets its 405, not the CSRF page's 403
@require_safe
def api_root(request):
    """Name, version and links; public, as the original's ``GET /`` was. Other
    methods answer 405 in the API's error shape."""
    return json_response(root_document(request))


urlpatterns = [
    path("api/", api_root, name="api-index"),
    # Also without the slash: Django's APPEND_SLASH would answer a 301 there, and a
    # client following it loses a POST's body (a 405 now says what is wrong).
    path("api", api_root, name="api-index-bare"),
    path("api/", api.urls),
]
if settings.ROLE == "api":
    urlpatterns.append(path("", api_root, name="api-root"))
