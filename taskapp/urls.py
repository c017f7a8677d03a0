"""URLs for the three roles (settings.ROLE): all, api, ui.

The API lives under /api/ wherever it is served; on the api role it also answers
at the host root, as the original did (http://api.<host>/).
"""

from django.conf import settings
from django.urls import include, path

from taskapp import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
if settings.METRICS_ON_APP_PORT:
    # Off by default: under gunicorn the metrics port serves every worker's
    # metrics, and the public ingress must not expose them (docs/operations.md).
    urlpatterns.append(path("", include("django_prometheus.urls")))

if settings.SERVES_API:
    from api.urls import api_root
    from api.urls import urlpatterns as api_urlpatterns

    urlpatterns += api_urlpatterns
    if settings.ROLE == "api":
        urlpatterns.append(path("", api_root, name="api-root"))

if settings.SERVES_UI:
    from django.contrib import admin

    urlpatterns += [
        path("admin/", admin.site.urls),
        path("i18n/", include("django.conf.urls.i18n")),
        path("", include("ui.urls")),
    ]

handler400 = "taskapp.errors.bad_request"
handler403 = "taskapp.errors.permission_denied"
handler404 = "taskapp.errors.page_not_found"
handler500 = "taskapp.errors.server_error"
