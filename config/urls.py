"""The root URLconf for the three roles (settings.ROLE): all, api, ui.

The API lives under /api/ wherever it is served (api/urls.py; on the api role it
also answers at the host root, as the original did: http://api.<host>/).
"""

from django.conf import settings
from django.urls import include, path

from api.calendar import calendar_feed
from config import probes

urlpatterns = [
    path("healthz", probes.healthz, name="healthz"),
    path("readyz", probes.readyz, name="readyz"),
    # Every role: the feed URL is handed out by the API and by the web UI alike.
    path("calendar/<str:secret>.ics", calendar_feed, name="calendar-feed"),
]
if settings.METRICS_ON_APP_PORT:
    # Off by default: under gunicorn the metrics port serves every worker's
    # metrics, and the public ingress must not expose them (docs/operations.md).
    urlpatterns.append(path("", include("django_prometheus.urls")))

if settings.SERVES_API:
    urlpatterns.append(path("", include("api.urls")))

if settings.SERVES_UI:
    from django.contrib import admin

    from ui.accounts import admin_password_change, refuses_when_rate_limited

    urlpatterns += [
        # The admin's password forms, behind the app's failure limiter (ui/accounts.py).
        path("admin/login/", refuses_when_rate_limited(admin.site.login), name="admin-login"),
        path(
            "admin/password_change/",
            admin.site.admin_view(admin_password_change),
            name="admin-password-change",
        ),
        path("admin/", admin.site.urls),
        path("i18n/", include("django.conf.urls.i18n")),
        path("", include("ui.urls")),
    ]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
