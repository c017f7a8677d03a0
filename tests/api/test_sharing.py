"""Sharing a list: every API route lets members in, viewers read only, others not at all.

A non-member (and a former member) gets 404 exactly as for a missing task or list;
a viewer gets 403 on every write; an editor reads and writes the list's tasks.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from taskapp.accounts.models import ApiToken
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task
from tests.api.helpers import snapshot
from tests.streaming import json_body

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def client_for(user):
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def shared(user):
    """ann's list "Family" with one task."""
    family = lists.list_create(owner=user, name="Family")
    task = services.task_create(owner=user, title="Groceries", list=family.pk, tags=["food"])
    return family, task


@pytest.fixture
def bob(other_user):
    return client_for(other_user)


def share(api_client, family, username="bob", role="viewer"):
    return post(
        api_client, f"/api/v1/lists/{family.pk}/members", {"username": username, "role": role}
    )


def test_the_owner_invites_by_username_and_lists_members(api_client, other_user, shared):
    family, _ = shared
    response = share(api_client, family, role="editor")
    assert response.status_code == 200
    assert response.json()["owner"] == "ann"
    assert [(m["username"], m["role"]) for m in response.json()["items"]] == [("bob", "editor")]


def test_it_refuses_an_unknown_user_or_role(api_client, shared):
    family, _ = shared
    assert share(api_client, family, username="nobody").status_code == 422
    assert share(api_client, family, role="admin").status_code == 422


def test_a_viewer_reads_the_list_and_its_tasks(api_client, bob, other_user, shared):
    family, task = shared
    share(api_client, family)
    mine = [(i["name"], i["role"], i["owner"]) for i in bob.get("/api/v1/lists").json()["items"]]
    assert mine == [("Inbox", "owner", "bob"), ("Family", "viewer", "ann")]
    assert bob.get(f"/api/v1/tasks/{task.pk}").status_code == 200
    assert [i["title"] for i in bob.get("/api/v1/tasks").json()["items"]] == ["Groceries"]
    assert bob.get(f"/api/v1/tasks?list={family.pk}").json()["total"] == 1
    assert bob.get("/api/v1/tasks?tag=food").json()["total"] == 1
    assert bob.get("/api/v1/tags").json()["items"] == ["food"]
    assert bob.get("/api/v1/me").json()["counts"]["open"] == 1
    assert bob.get("/api/task/Groceries").status_code == 200
    exported = json_body(bob.get("/api/v1/tasks/export"))
    assert [(row["title"], row["list"]) for row in exported] == [("Groceries", "Family")]


def _writes(family, task):
    """Every route that writes a task of the list, as (method, url, body)."""
    return [
        ("patch", f"/api/v1/tasks/{task.pk}", {"title": "x"}),
        ("put", f"/api/v1/tasks/{task.pk}", {"title": "x"}),
        ("delete", f"/api/v1/tasks/{task.pk}", None),
        ("post", f"/api/v1/tasks/{task.pk}/restore", None),
        ("delete", f"/api/v1/tasks/{task.pk}/permanent", None),
        ("post", "/api/v1/tasks/bulk", {"action": "done", "ids": [str(task.pk)]}),
        ("post", "/api/v1/tasks/bulk", {"action": "purge", "ids": [str(task.pk)]}),
        ("post", "/api/v1/tasks", {"title": "New", "list": str(family.pk)}),
        ("post", "/api/v1/tasks/import", [{"title": "New", "list": str(family.pk)}]),
        ("put", "/api/task/Groceries?desc=x", None),
        ("delete", "/api/task/Groceries", None),
        ("patch", f"/api/v1/lists/{family.pk}", {"name": "Mine"}),
        ("delete", f"/api/v1/lists/{family.pk}", None),
        ("post", f"/api/v1/lists/{family.pk}/members", {"username": "ann"}),
        ("post", f"/api/v1/lists/{family.pk}/transfer", {"username": "bob"}),
    ]


def _send(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_viewer_gets_403_on_every_write_and_nothing_changes(api_client, bob, user, shared):
    family, task = shared
    share(api_client, family)
    before = snapshot(user)
    for method, url, body in _writes(family, task):
        response = _send(bob, method, url, body)
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["error"]["code"] == "forbidden"
    assert snapshot(user) == before


@pytest.mark.parametrize("former", [False, True])
def test_a_non_member_or_former_member_gets_404_everywhere(api_client, bob, shared, former):
    family, task = shared
    if former:
        share(api_client, family, role="editor")
        assert bob.delete(f"/api/v1/lists/{family.pk}/members/bob").status_code == 204  # leaves
    reads = [
        f"/api/v1/tasks/{task.pk}",
        f"/api/v1/tasks?list={family.pk}",
        f"/api/v1/lists/{family.pk}",
        f"/api/v1/lists/{family.pk}/members",
        "/api/task/Groceries",
    ]
    for url in reads:
        assert bob.get(url).status_code == 404, url
    for method, url, body in _writes(family, task):
        response = _send(bob, method, url, body)
        if url.endswith("/bulk"):
            assert response.json()["not_found"] == [str(task.pk)]
        elif url.endswith("/api/v1/tasks") or url.endswith("/import"):
            assert response.status_code in (201, 422)  # their own Inbox / no such list
            assert not Task.objects.filter(task_list=family, title="New").exists()
        else:
            assert response.status_code == 404, (method, url, response.content)
    seen = [item["title"] for item in bob.get("/api/v1/tasks").json()["items"]]
    assert "Groceries" not in seen
    assert bob.get("/api/v1/tags").json()["items"] == []


def test_an_editor_writes_and_updated_by_names_them(api_client, bob, shared):
    family, task = shared
    share(api_client, family, role="editor")
    changed = bob.patch(
        f"/api/v1/tasks/{task.pk}", json.dumps({"status": "done"}), content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["updated_by"] == "bob"
    created = post(bob, "/api/v1/tasks", {"title": "Milk", "list": str(family.pk)})
    assert created.status_code == 201
    assert Task.objects.get(pk=created.json()["id"]).owner.username == "ann"
    assert api_client.get(f"/api/v1/tasks/{task.pk}").json()["updated_by"] == "bob"
    bulk = post(bob, "/api/v1/tasks/bulk", {"action": "delete", "ids": [str(task.pk)]})
    assert bulk.json()["touched"] == [str(task.pk)]
    assert bob.get("/api/v1/tasks?trash=true").json()["total"] == 1
    # Still not the owner: the list itself is not theirs to change.
    assert bob.delete(f"/api/v1/lists/{family.pk}").status_code == 403


def test_the_original_api_answers_409_for_a_title_in_own_and_shared_lists(
    api_client, bob, other_user, shared
):
    family, _ = shared
    share(api_client, family, role="editor")
    services.task_create(owner=other_user, title="Groceries")
    response = bob.get("/api/task/Groceries")
    assert response.status_code == 409
    assert len(response.json()["error"]["fields"]["ids"]) == 2


def test_the_owner_removes_a_member_and_transfers_ownership(api_client, bob, other_user, shared):
    family, task = shared
    share(api_client, family, role="editor")
    response = post(api_client, f"/api/v1/lists/{family.pk}/transfer", {"username": "bob"})
    assert response.status_code == 200, response.json()
    assert (response.json()["owner"], response.json()["role"]) == ("bob", "editor")
    assert Task.objects.get(pk=task.pk).owner == other_user
    members = bob.get(f"/api/v1/lists/{family.pk}/members").json()
    assert (members["owner"], members["items"][0]["username"]) == ("bob", "ann")
    assert bob.delete(f"/api/v1/lists/{family.pk}/members/ann").status_code == 204
    assert api_client.get(f"/api/v1/tasks/{task.pk}").status_code == 404
    assert bob.get("/api/v1/tags").json()["items"] == ["food"]


def test_a_shared_page_costs_a_fixed_number_of_queries(api_client, user, django_assert_num_queries):
    """However many lists are shared with a user, a page of tasks costs the same."""
    carol = User.objects.create_user("carol", password="x" * 12)
    carol_client = client_for(carol)

    def shared_lists(count, shared_total):
        for number in range(count):
            task_list = lists.list_create(owner=user, name=f"S{number}")
            services.task_create(owner=user, title=f"t{number}", list=task_list.pk)
            lists.member_invite(task_list=task_list, username="carol", role="viewer")
        carol_client.get("/api/v1/lists")  # records the token's last use, makes the Inbox
        # token, memberships, state (api.page_cache), count, page; then the kept page
        with django_assert_num_queries(5):
            page = carol_client.get("/api/v1/tasks?limit=50").json()
        with django_assert_num_queries(3):
            assert carol_client.get("/api/v1/tasks?limit=50").json() == page
        assert page["total"] == shared_total
        with django_assert_num_queries(5):  # token, memberships, Inbox, lists, counts
            carol_client.get("/api/v1/lists")

    shared_lists(2, shared_total=2)
    shared_lists(10, shared_total=12)
