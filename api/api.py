"""The NinjaAPI instance: /api/v1/ (tasks), the original routes, OpenAPI and docs.

Mounted at /api/, so the schema is /api/v1/openapi.json and Swagger UI /api/docs
(its assets are the ninja app's static files: nothing from a CDN).
"""

from django.conf import settings
from ninja import NinjaAPI

from api import errors, legacy, lists, planning, v1
from api.auth import token_auth
from api.parser import JsonParser

DESCRIPTION = """
Taskapp's JSON API. Authenticate with a personal API token (create one at
/accounts/tokens/): `Authorization: Bearer <token>`.

Every error has one shape: `{"error": {"code": "...", "message": "...", "fields": {...}}}`
with a stable `code`: {codes}.

Writes to one task honour `If-Match` with the task's ETag (412 when stale).
See docs/api.md for curl examples.
"""

api = NinjaAPI(
    title="Taskapp API",
    version=settings.VERSION,
    description=DESCRIPTION.replace("{codes}", errors.codes_summary()),
    urls_namespace="api",
    openapi_url="/v1/openapi.json",
    docs_url="/docs",
    auth=token_auth,
    parser=JsonParser(),
)
errors.install(api)
# Before v1: its /tasks/parse and /tasks/{id}/... must not be read as a task id.
api.add_router("/v1", planning.router)
api.add_router("/v1", v1.router)
api.add_router("/v1", lists.router)
api.add_router("", legacy.router)
