"""api.page_cache: a kept page of GET /api/v1/tasks is served only while it is
what the database would answer now.

Each write below changes what a page shows; after it, the page must be exactly
the one built from scratch (the cache turned off), on SQLite and on MongoDB.
"""

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api import page_cache
from api.page_cache import pages
from taskapp.accounts.models import ApiToken
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task

PAGE = "/api/v1/tasks?limit=50"
TRASH = "/api/v1/tasks?trash=true"


def client_for(user, **extra):
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)


def built_afresh(client, path, settings) -> dict:
    kept = settings.API_PAGE_CACHE_BYTES
    settings.API_PAGE_CACHE_BYTES = 0
    try:
        return client.get(path).json()
    finally:
        settings.API_PAGE_CACHE_BYTES = kept


@pytest.fixture
def ann(user):
    for number in range(3):
        services.task_create(owner=user, title=f"Task {number}", tags=["home"])
    return user


@pytest.fixture
def bob(other_user):
    return other_user


@pytest.fixture
def family(ann, bob):
    """ann's list "Family" with one task, shared with bob as an editor."""
    family = lists.list_create(owner=ann, name="Family")
    services.task_create(owner=ann, title="Groceries", list=family.pk)
    lists.member_invite(task_list=family, username=bob.username, role="editor")
    return family


def any_task(owner, **filters) -> Task:
    """The owner's oldest task outside the trash (or matching ``filters``)."""
    filters = filters or {"deleted_at__isnull": True}
    return Task.objects.filter(owner=owner, **filters).order_by("created_at").first()


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


# (name, path of the page, change(ann, bob, family, ann_client)); the page is
# ann's, except for the "bob:" cases, where it is bob's (a member's) page.
CHANGES = [
    ("create", PAGE, lambda a, b, f, c: post(c, "/api/v1/tasks", {"title": "New"})),
    ("rename", PAGE, lambda a, b, f, c: services.task_update(task=any_task(a), title="Renamed")),
    ("tags", PAGE, lambda a, b, f, c: services.task_update(task=any_task(a), tags=["work"])),
    ("done", PAGE, lambda a, b, f, c: services.task_set_status(task=any_task(a), status="done")),
    ("trash", PAGE, lambda a, b, f, c: c.delete(f"/api/v1/tasks/{any_task(a).pk}")),
    (
        "restore",
        TRASH,
        lambda a, b, f, c: services.task_restore(task=any_task(a, deleted_at__isnull=False)),
    ),
    (
        "purge",
        TRASH,
        lambda a, b, f, c: services.task_delete_forever(task=any_task(a, deleted_at__isnull=False)),
    ),
    (
        "bulk done",
        PAGE,
        lambda a, b, f, c: services.tasks_bulk(
            owner=a, ids=[t.pk for t in Task.objects.filter(owner=a)], action="done"
        ),
    ),
    (
        "import",
        PAGE,
        lambda a, b, f, c: post(c, "/api/v1/tasks/import", [{"title": "Imported"}]),
    ),
    ("list deleted", PAGE, lambda a, b, f, c: lists.list_delete(task_list=f)),
    (
        "bob: ann adds to the shared list",
        PAGE,
        lambda a, b, f, c: services.task_create(owner=a, title="Milk", list=f.pk),
    ),
    (
        "bob: removed from the list",
        PAGE,
        lambda a, b, f, c: lists.member_remove(task_list=f, username=b.username),
    ),
    (
        "bob: ann moves the task out",
        PAGE,
        lambda a, b, f, c: services.tasks_bulk(
            owner=a, ids=[any_task(a, task_list=f).pk], action="move", list_id=lists.inbox_for(a).pk
        ),
    ),
]


@pytest.mark.parametrize(("name", "path", "change"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_change_is_on_the_next_page(name, path, change, ann, bob, family, settings):
    services.task_trash(task=any_task(ann, title="Task 0"))
    ann_client = client_for(ann)
    reader = client_for(bob) if name.startswith("bob:") else ann_client
    before = reader.get(path).json()
    assert reader.get(path).json() == before  # kept, and the same

    change(ann, bob, family, ann_client)

    after = reader.get(path).json()
    assert after != before
    assert after == built_afresh(reader, path, settings)


def test_the_same_page_is_kept_until_something_changes(api_client, user, django_assert_num_queries):
    services.task_create(owner=user, title="One")
    first = api_client.get(PAGE).json()
    with django_assert_num_queries(3):  # token, memberships, state
        assert api_client.get(PAGE).json() == first
    assert pages.size()[0] == 1
    services.task_create(owner=user, title="Two")
    with django_assert_num_queries(5):  # ... and the count and the page, built anew
        assert api_client.get(PAGE).json()["total"] == 2


def test_tomorrow_a_page_is_built_again(api_client, user, monkeypatch):
    """``overdue`` depends on the date: a page kept yesterday is not today's."""
    services.task_create(owner=user, title="Due", due_date=date(2026, 3, 10))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 3, 10))
    assert api_client.get(PAGE).json()["items"][0]["overdue"] is False
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 3, 10) + timedelta(1))
    assert api_client.get(PAGE).json()["items"][0]["overdue"] is True


def test_links_follow_the_host_asked(user, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    services.task_create(owner=user, title="One")
    for host in ("a.example", "b.example", "a.example"):
        page = client_for(user, HTTP_HOST=host).get(PAGE).json()
        assert page["items"][0]["url"].startswith(f"http://{host}/")


def test_a_revoked_token_gets_401_though_its_page_is_kept(user):
    token, raw = ApiToken.issue(user=user, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(PAGE).status_code == 200
    token.revoke()
    assert client.get(PAGE).status_code == 401


def test_users_never_see_each_others_pages(user, other_user):
    services.task_create(owner=user, title="Ann's")
    services.task_create(owner=other_user, title="Bob's")
    assert [t["title"] for t in client_for(user).get(PAGE).json()["items"]] == ["Ann's"]
    assert [t["title"] for t in client_for(other_user).get(PAGE).json()["items"]] == ["Bob's"]


def test_turned_off_every_page_is_built(api_client, user, settings, django_assert_num_queries):
    settings.API_PAGE_CACHE_BYTES = 0
    api_client.get(PAGE)
    with django_assert_num_queries(5):
        api_client.get(PAGE)
    assert pages.size() == (0, 0)


def test_the_pages_kept_stay_within_their_bytes(
    api_client, user, settings, django_assert_num_queries
):
    for number in range(5):
        services.task_create(owner=user, title=f"Task {number}")
    paths = [f"/api/v1/tasks?limit=1&offset={offset}" for offset in range(5)]
    # Each page counts with its key: the path and a fixed overhead.
    sizes = [
        len(api_client.get(path).content) + len(path) + page_cache.ENTRY_OVERHEAD for path in paths
    ]
    pages.clear()
    settings.API_PAGE_CACHE_BYTES = sum(sizes[2:])  # room for the last three
    for path in paths:
        api_client.get(path)
    assert pages.size() == (3, sum(sizes[2:]))
    # The least recently used went first: offset 4 is kept, offset 0 is built again.
    with django_assert_num_queries(3):
        api_client.get("/api/v1/tasks?limit=1&offset=4")
    with django_assert_num_queries(5):
        api_client.get("/api/v1/tasks?limit=1&offset=0")


def test_a_page_larger_than_the_whole_cache_is_not_kept(api_client, user, settings):
    services.task_create(owner=user, title="One")
    settings.API_PAGE_CACHE_BYTES = page_cache.ENTRY_OVERHEAD + 100
    assert api_client.get(PAGE).status_code == 200
    assert pages.size() == (0, 0)


def test_many_small_pages_count_their_keys_too(api_client, user, settings):
    """Empty answers are tiny; what they cost beside their body is counted."""
    settings.API_PAGE_CACHE_BYTES = 10 * page_cache.ENTRY_OVERHEAD
    for number in range(50):
        assert api_client.get(f"/api/v1/tasks?q=nothing{number}").json()["total"] == 0
    count, size = pages.size()
    assert size <= settings.API_PAGE_CACHE_BYTES
    assert count < 10
