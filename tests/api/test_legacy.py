"""The original FastAPI backend's routes, driven with its documented curl examples.

Each test quotes the curl command from the original's README (section 2.2.2)
and sends the same request, plus the Bearer token the original did not need.
"""

import json

import pytest

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.api.helpers import error, snapshot
from tests.streaming import json_body

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def legacy(task) -> dict:
    return {"id": str(task.id), "title": task.title, "description": task.description}


def test_root_document(client, settings):
    # sudo curl http://api.taskapp.acme.com   (on the api role; /api/ on every role)
    settings.VERSION = "9.9.9"
    response = client.get("/api/", **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "name": "Taskapp",
        "version": "9.9.9",
        "links": {
            "tasks": "http://testserver/api/v1/tasks",
            "openapi": "http://testserver/api/v1/openapi.json",
            "docs": "http://testserver/api/docs",
            "original_tasks": "http://testserver/api/task",
        },
    }


def test_fetch_all_tasks(api_client, user, task, other_task):
    # sudo curl -i http://api.taskapp.acme.com/api/task
    later = services.task_create(owner=user, title="Later")
    services.task_trash(task=services.task_create(owner=user, title="Trashed"))
    Task.objects.filter(pk=later.pk).update(created_at=task.created_at.replace(year=2100))
    response = api_client.get("/api/task")
    assert response.status_code == 200
    assert response.streaming  # any number of tasks costs the same memory
    assert json_body(response) == [legacy(task), legacy(later)]
    assert json_body(api_client.get("/api/task/")) == json_body(response)


def test_fetch_single_task(api_client, task):
    # sudo curl -i http://api.taskapp.acme.com/api/task/{title}
    response = api_client.get("/api/task/Buy milk")
    assert response.status_code == 200
    assert response.json() == legacy(task)
    assert api_client.get("/api/task/Buy%20milk/").json() == legacy(task)


def test_fetch_single_task_unknown(api_client, other_task):
    response = api_client.get("/api/task/Bob's task")
    assert response.status_code == 404
    assert response.json() == error("not_found", "No task with this title.")


def test_add_new_task(api_client, user):
    # curl -X 'POST' 'http://api.taskapp.acme.com/api/task/' -H 'accept: application/json'
    #   -H 'Content-Type: application/json' -d '{"title": "test","description": "test"}'
    response = api_client.post(
        "/api/task/",
        '{"title": "test","description": "test"}',
        content_type="application/json",
        **JSON,
    )
    assert response.status_code == 200
    task = Task.objects.get(owner=user)
    assert response.json() == {"id": str(task.id), "title": "test", "description": "test"}


def test_add_new_task_rejects_bad_bodies(api_client, user):
    response = api_client.post(
        "/api/task/", '{"description": "x"}', content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"title": ["This field is required."]}
    response = api_client.post("/api/task/", "{", content_type="application/json")
    assert response.json() == error("invalid_json")
    response = api_client.post("/api/task/", "title=x", content_type="text/plain")
    assert response.status_code == 415
    assert snapshot(user) == []


def test_delete_task(api_client, user):
    # curl -X 'DELETE' 'http://api.taskapp.acme.com/api/task/test' -H 'accept: application/json'
    task = services.task_create(owner=user, title="test", description="test")
    response = api_client.delete("/api/task/test", **JSON)
    assert response.status_code == 200
    assert response.json() == legacy(task)
    assert Task.objects.get(pk=task.pk).in_trash
    assert api_client.get("/api/task/test").status_code == 404


def test_update_task(api_client, user):
    # curl -X 'PUT' 'http://api.taskapp.acme.com/api/task/string/?desc=string2'
    #   -H 'accept: application/json'
    task = services.task_create(owner=user, title="string", description="string")
    response = api_client.put("/api/task/string/?desc=string2", **JSON)
    assert response.status_code == 200
    assert response.json() == {"id": str(task.id), "title": "string", "description": "string2"}
    assert Task.objects.get(pk=task.pk).description == "string2"
    assert api_client.put("/api/task/string?desc=three").json()["description"] == "three"


def test_update_task_needs_desc(api_client, user, task):
    before = snapshot(user)
    response = api_client.put("/api/task/Buy milk/")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"desc": ["This field is required."]}
    assert snapshot(user) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/task/Twin"), ("put", "/api/task/Twin/?desc=x"), ("delete", "/api/task/Twin")],
)
def test_it_answers_409_for_a_title_of_several_tasks(api_client, user, method, path):
    first = services.task_create(owner=user, title="Twin")
    second = services.task_create(owner=user, title="Twin")
    Task.objects.filter(pk=second.pk).update(created_at=first.created_at.replace(year=2100))
    before = snapshot(user)
    response = getattr(api_client, method)(path)
    assert response.status_code == 409
    ids = [str(first.id), str(second.id)]
    assert response.json() == error(
        "conflict",
        f"2 tasks have this title; address one by id under /api/v1/tasks/: {ids[0]}, {ids[1]}",
        {"ids": ids},
    )
    assert snapshot(user) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/task/Bob's task"),
        ("put", "/api/task/Bob's task/?desc=x"),
        ("delete", "/api/task/Bob's task"),
    ],
)
def test_it_does_not_reach_another_users_task(api_client, other_user, other_task, method, path):
    before = snapshot(other_user)
    response = getattr(api_client, method)(path)
    assert response.status_code == 404
    assert snapshot(other_user) == before


def test_root_view_mounted_at_the_host_root_on_the_api_role(rf, settings):
    # api/urls.py mounts api_root at "/" when TASKAPP_ROLE=api.
    from api.urls import api_root

    settings.ROLE = "api"
    settings.ALLOWED_HOSTS = ["api.taskapp.acme.com"]
    response = api_root(rf.get("/", HTTP_HOST="api.taskapp.acme.com"))
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["name"] == "Taskapp"
    assert body["links"]["tasks"] == "http://api.taskapp.acme.com/api/v1/tasks"


def test_every_error_is_json_on_the_api_role(client, settings):
    settings.ROLE = "api"
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.json() == error("not_found")
