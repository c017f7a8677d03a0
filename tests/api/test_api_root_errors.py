"""Errors outside the one JSON shape (issue 10): ``POST /api`` used to answer a
301 to /api/ (APPEND_SLASH), and a client following it lost the body."""

import pytest
from django.test import Client


@pytest.mark.parametrize("path", ["/api", "/api/"])
def test_a_post_to_the_api_root_answers_405_in_the_error_shape(path):
    response = Client(enforce_csrf_checks=True).post(path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_the_api_root_answers_without_a_redirect(client):
    response = client.get("/api")
    assert response.status_code == 200
    assert response.json()["name"] == "Taskapp"
