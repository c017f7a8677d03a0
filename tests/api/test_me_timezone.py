"""GET and PATCH /api/v1/me: the caller's time zone."""

import json

from taskapp.accounts.models import user_timezone
from tests.api.helpers import error


def patch(client, body):
    return client.patch("/api/v1/me", json.dumps(body), content_type="application/json")


def test_me_names_the_time_zone(api_client):
    assert api_client.get("/api/v1/me").json()["timezone"] == "UTC"


def test_patch_changes_the_time_zone(api_client, user):
    response = patch(api_client, {"timezone": "Pacific/Auckland"})
    assert response.status_code == 200
    assert response.json()["timezone"] == "Pacific/Auckland"
    assert user_timezone(user).key == "Pacific/Auckland"


def test_an_unknown_zone_is_a_validation_error_and_changes_nothing(api_client, user):
    response = patch(api_client, {"timezone": "Pacific/Atlantis"})
    assert response.status_code == 422
    assert response.json() == error("validation_error", fields={"timezone": [
        "Unknown time zone “Pacific/Atlantis”."
    ]})  # fmt: skip
    assert user_timezone(user).key == "UTC"


def test_other_fields_are_refused(api_client, user):
    response = patch(api_client, {"timezone": "Europe/Paris", "username": "mallory"})
    assert response.status_code == 422
    assert user_timezone(user).key == "UTC"
