"""due_time: a wall-clock time on the due date, "HH:MM" in and out."""

import json

import pytest

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post("/api/v1/tasks", json.dumps(body), content_type="application/json")


def test_it_keeps_a_due_time_as_hours_and_minutes(api_client):
    response = post(api_client, {"title": "Call", "due_date": "2030-05-01", "due_time": "09:30:45"})
    assert response.status_code == 201
    assert response.json()["due_time"] == "09:30"
    cleared = api_client.patch(
        response.json()["url"], json.dumps({"due_time": None}), content_type="application/json"
    )
    assert cleared.json()["due_time"] is None


@pytest.mark.parametrize("value", ["25:00", "soon", "09:30+02:00"])
def test_it_refuses_a_time_that_is_not_one(api_client, value):
    response = post(api_client, {"title": "Call", "due_time": value})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "due_time": ["Due time must be a time of day (HH:MM)."]
    }
