"""/api/v1/lists: CRUD, the Inbox, archive, delete to the trash and restore, moves."""

import json

import pytest

from taskapp.tasks import lists, services
from taskapp.tasks.models import Task, TaskList
from tests.streaming import body

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_it_lists_the_inbox_first_with_open_counts(api_client, user):
    services.task_create(owner=user, title="One")
    work = lists.list_create(owner=user, name="Work", colour="blue")
    services.task_create(owner=user, title="Two", list=str(work.pk))
    services.task_create(owner=user, title="Done", list=str(work.pk), status="done")
    response = api_client.get("/api/v1/lists")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["name"], i["inbox"], i["open_count"], i["role"]) for i in items] == [
        ("Inbox", True, 1, "owner"),
        ("Work", False, 1, "owner"),
    ]
    assert items[1]["colour"] == "blue" and items[1]["owner"] == "ann"


def test_it_creates_renames_recolours_and_archives_a_list(api_client, user):
    created = post(api_client, "/api/v1/lists", {"name": "  Home  ", "colour": "green"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["name"], body["colour"], body["open_count"]) == ("Home", "green", 0)
    assert created["Location"] == body["url"]
    changed = patch(api_client, body["url"], {"name": "House", "colour": "red", "archived": True})
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["archived"]) == ("House", True)
    names = [item["name"] for item in api_client.get("/api/v1/lists").json()["items"]]
    assert names == ["Inbox"]
    archived = api_client.get("/api/v1/lists?archived=true").json()["items"]
    assert [item["name"] for item in archived] == ["House"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "A", "colour": "plaid"}, "colour"),
    ],
)
def test_it_refuses_a_bad_list(api_client, body, field):
    response = post(api_client, "/api/v1/lists", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_the_inbox_cannot_be_renamed_archived_or_deleted(api_client, user):
    inbox = lists.inbox_for(user)
    url = f"/api/v1/lists/{inbox.pk}"
    assert patch(api_client, url, {"name": "Other"}).status_code == 422
    assert patch(api_client, url, {"archived": True}).status_code == 422
    assert api_client.delete(url).status_code == 422
    assert TaskList.objects.get(pk=inbox.pk).name == "Inbox"


def test_deleting_a_list_trashes_its_tasks_and_restoring_brings_them_back(api_client, user):
    work = lists.list_create(owner=user, name="Work")
    kept = services.task_create(owner=user, title="Kept", list=work.pk)
    earlier = services.task_create(owner=user, title="Earlier", list=work.pk)
    services.task_trash(task=earlier)
    assert api_client.delete(f"/api/v1/lists/{work.pk}").status_code == 204
    assert Task.objects.get(pk=kept.pk).in_trash
    assert [i["name"] for i in api_client.get("/api/v1/lists").json()["items"]] == ["Inbox"]
    trash = api_client.get("/api/v1/lists?trash=true").json()["items"]
    assert [i["name"] for i in trash] == ["Work"] and trash[0]["deleted_at"]
    restored = api_client.post(f"/api/v1/lists/{work.pk}/restore")
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None
    assert not Task.objects.get(pk=kept.pk).in_trash
    assert Task.objects.get(pk=earlier.pk).in_trash  # trashed before: stays there


def test_a_task_of_a_deleted_list_restores_into_the_inbox(api_client, user):
    work = lists.list_create(owner=user, name="Work")
    task = services.task_create(owner=user, title="Kept", list=work.pk)
    api_client.delete(f"/api/v1/lists/{work.pk}")
    response = api_client.post(f"/api/v1/tasks/{task.pk}/restore")
    assert response.status_code == 200
    assert response.json()["list"] == str(lists.inbox_for(user).pk)


def test_it_filters_tasks_by_list_and_creates_into_one(api_client, user):
    work = lists.list_create(owner=user, name="Work")
    services.task_create(owner=user, title="Home thing")
    created = post(api_client, "/api/v1/tasks", {"title": "Report", "list": str(work.pk)})
    assert created.status_code == 201 and created.json()["list"] == str(work.pk)
    listed = api_client.get(f"/api/v1/tasks?list={work.pk}").json()
    assert [item["title"] for item in listed["items"]] == ["Report"]


def test_it_moves_one_task_and_many(api_client, user):
    work = lists.list_create(owner=user, name="Work")
    one, two = (services.task_create(owner=user, title=t) for t in ("One", "Two"))
    moved = patch(api_client, f"/api/v1/tasks/{one.pk}", {"list": str(work.pk)})
    assert moved.status_code == 200 and moved.json()["list"] == str(work.pk)
    bulk = post(
        api_client,
        "/api/v1/tasks/bulk",
        {"action": "move", "ids": [str(one.pk), str(two.pk)], "list": str(work.pk)},
    )
    assert bulk.status_code == 200
    assert bulk.json()["touched"] == [str(two.pk)] and bulk.json()["unchanged"] == [str(one.pk)]
    assert set(Task.objects.filter(task_list=work).values_list("title", flat=True)) == {
        "One",
        "Two",
    }


def test_it_refuses_a_move_to_someone_elses_list(api_client, user, other_user, task):
    theirs = lists.list_create(owner=other_user, name="Theirs")
    response = patch(api_client, f"/api/v1/tasks/{task.pk}", {"list": str(theirs.pk)})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"list": ["No such list."]}
    assert api_client.get(f"/api/v1/tasks?list={theirs.pk}").status_code == 404


def test_an_export_carries_the_list_and_imports_into_lists_of_that_name(
    api_client, other_api_client, user, other_user
):
    work = lists.list_create(owner=user, name="Work")
    services.task_create(owner=user, title="Report", list=work.pk)
    exported = body(api_client.get("/api/v1/tasks/export?format=csv")).decode()
    assert ",Work," in exported
    response = other_api_client.post("/api/v1/tasks/import", exported, content_type="text/csv")
    assert response.status_code == 201
    imported = Task.objects.get(owner=other_user)
    assert (imported.task_list.name, imported.task_list.owner) == ("Work", other_user)


def test_an_old_export_without_lists_imports_into_the_inbox(api_client, user):
    old = [{"title": "Old", "status": "open", "priority": "low", "tags": ["a"]}]
    response = post(api_client, "/api/v1/tasks/import", old)
    assert response.status_code == 201
    assert Task.objects.get(owner=user).task_list == lists.inbox_for(user)


def test_it_lists_lists_in_a_fixed_number_of_queries(api_client, user, django_assert_num_queries):
    for number in range(8):
        work = lists.list_create(owner=user, name=f"L{number}")
        services.task_create(owner=user, title="t", list=work.pk)
    api_client.get("/api/v1/lists")  # records the token's last use
    # Token, memberships, the Inbox, the lists with their owners, the counts.
    with django_assert_num_queries(5):
        assert len(api_client.get("/api/v1/lists").json()["items"]) == 9
