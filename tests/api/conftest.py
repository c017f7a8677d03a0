"""The OpenAPI check of every response the API tests receive (the users, tokens
and tasks are tests/conftest.py's)."""

import pytest
from django.test import Client

from tests.api.openapi_check import OpenApi
from tests.streaming import body

_published: list[OpenApi] = []  # the document, fetched once per test run


def _openapi(request) -> OpenApi:
    if not _published:
        response = request(Client(), PATH_INFO="/api/v1/openapi.json", REQUEST_METHOD="GET")
        _published.append(OpenApi(response.json()))
    return _published[0]


@pytest.fixture(autouse=True)
def _responses_match_the_openapi_schema(monkeypatch):
    """Every response under /api/ is checked against /api/v1/openapi.json: its
    status is documented for the route, its body fits the documented schema."""
    original = Client.request

    def request(self, **environ):
        response = original(self, **environ)
        path = environ["PATH_INFO"]
        if path.startswith("/api/") and not path.startswith(("/api/docs", "/api/v1/openapi")):
            _openapi(original).check(
                environ["REQUEST_METHOD"],
                path,
                response.status_code,
                response.get("Content-Type", ""),
                body(response),
            )
        return response

    monkeypatch.setattr(Client, "request", request)
