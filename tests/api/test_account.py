"""GET /api/v1/tags and GET /api/v1/me."""

import pytest

from taskapp.tasks import services

pytestmark = pytest.mark.django_db


def test_it_lists_the_callers_tags_outside_the_trash(api_client, user, other_user):
    services.task_create(owner=user, title="A", tags=["work", "home"])
    services.task_trash(task=services.task_create(owner=user, title="B", tags=["old"]))
    services.task_create(owner=other_user, title="C", tags=["secret"])
    response = api_client.get("/api/v1/tags")
    assert response.status_code == 200
    assert response.json() == {"items": ["home", "work"]}


def test_it_describes_the_caller(api_client, user, task, other_task):
    services.task_create(owner=user, title="Done", status="done")
    response = api_client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "ann",
        "email": "ann@example.com",
        "timezone": "UTC",
        "token": "test",
        "counts": {"open": 1, "done": 1, "overdue": 0, "trash": 0},
    }
