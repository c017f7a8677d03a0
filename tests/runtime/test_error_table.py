"""api.errors: one table of codes, used for every error answer, all documented."""

import json
import re
from pathlib import Path

import pytest
from django.http import HttpResponse, HttpResponseGone, HttpResponseNotAllowed

from api import errors

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"

pytestmark = pytest.mark.django_db


def test_it_documents_every_code_and_no_other():
    errors_section = DOCS.read_text().split("## Errors", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| [0-9x]{3} \| `(\w+)` \|", errors_section, re.MULTILINE))
    assert documented == set(errors.ERRORS)


def test_it_takes_a_bare_status_to_its_general_code():
    assert [errors.code_for_status(s) for s in (400, 404, 405, 409, 422)] == [
        "bad_request",
        "not_found",
        "method_not_allowed",
        "conflict",
        "validation_error",
    ]
    # Specific codes are never guessed from a status alone.
    assert errors.code_for_status(503) == "server_error"
    assert errors.code_for_status(410) == "client_error"


def test_it_rewrites_an_unknown_4xx_keeping_its_status():
    response = errors.rewrite(HttpResponseGone("<h1>gone</h1>"))
    assert response.status_code == 410
    assert response.content == (
        b'{"error": {"code": "client_error", "message": "The request was refused."}}'
    )


def test_it_rewrites_a_405_naming_the_allowed_methods():
    response = errors.rewrite(HttpResponseNotAllowed(["GET", "PUT"]))
    assert response.status_code == 405
    assert response["Allow"] == "GET, PUT"
    assert json.loads(response.content)["error"] == {
        "code": "method_not_allowed",
        "message": "This method is not allowed here; allowed: GET, PUT.",
    }


def test_it_rewrites_a_server_error_page():
    response = errors.rewrite(HttpResponse("<h1>Bad gateway</h1>", status=502))
    assert response.status_code == 502
    assert json.loads(response.content) == errors.error_body("server_error")


def test_the_api_description_lists_every_code(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    for code in errors.ERRORS:
        assert f"{code} (" in description
    assert "{codes}" not in description


def test_it_answers_503_for_an_outage_also_with_debug_on(api_client, database_down, settings):
    # ninja's own catch-all answers a traceback when DEBUG is on; ours lets the
    # error through to config.middleware.
    settings.DEBUG = True
    response = api_client.get("/api/v1/tasks")
    assert response.status_code == 503
    assert response.json() == errors.error_body("database_unavailable")


def test_it_answers_a_crash_as_server_error_also_with_debug_on(api_client, settings, monkeypatch):
    from taskapp.tasks import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "owner_tags", broken)
    settings.DEBUG = True
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/tags")
    assert response.status_code == 500
    assert response.json() == errors.error_body("server_error")
    assert b"secret internals" not in response.content
