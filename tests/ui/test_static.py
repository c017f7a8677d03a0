"""Production static files: collectstatic with the compressed manifest storage, and
pages that reference the hashed names with DEBUG off."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


def test_pages_use_hashed_static_files_that_are_served(collected, user, settings):
    assert settings.DEBUG is False
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(re.search(r"/static/ui/app\.[0-9a-f]{12}\.css$", url) for url in urls)
    assert any(
        re.search(r"/static/ui/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js$", url) for url in urls
    )
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert "max-age=315360000" in response["Cache-Control"], url
        response.close()
    assert (collected / "ui" / "vendor" / "htmx-LICENSE.txt").exists()
