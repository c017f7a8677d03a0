"""GET /api/v1/tasks: filters, sorting, pagination, a fixed number of queries."""

from datetime import timedelta
from unittest.mock import ANY

import pytest
from django.utils import timezone

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.api.helpers import error, expected_task

pytestmark = pytest.mark.django_db


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def some_tasks(user, today):
    """Four tasks of ann's, created in this order, and one in the trash."""
    make = services.task_create
    make(
        owner=user, title="Alpha", priority="low", due_date=today - timedelta(days=2), tags=["home"]
    )
    make(owner=user, title="Bravo", description="call the bank", priority="urgent", tags=["work"])
    done = make(owner=user, title="Charlie", due_date=today - timedelta(days=5), tags=["work"])
    services.task_set_status(task=done, status="done")
    make(owner=user, title="Delta", priority="high", due_date=today + timedelta(days=3))
    services.task_trash(task=make(owner=user, title="Echo"))
    # Distinct timestamps (tasks made within one millisecond would tie).
    start = timezone.now() - timedelta(hours=1)
    for title, created, updated in [
        ("Alpha", 1, 1),
        ("Bravo", 2, 2),
        ("Charlie", 3, 4),
        ("Delta", 5, 5),
        ("Echo", 6, 6),
    ]:
        Task.objects.filter(owner=user, title=title).update(
            created_at=start + timedelta(minutes=created),
            updated_at=start + timedelta(minutes=updated),
        )


def test_it_lists_whole_tasks_newest_first(api_client, task):
    response = api_client.get("/api/v1/tasks")
    assert response.status_code == 200
    assert response.json() == {
        "items": [expected_task(task.id)],
        "total": 1,
        "limit": 50,
        "offset": 0,
        "next": None,
    }


def test_it_lists_only_the_callers_tasks(api_client, task, other_task):
    assert titles(api_client.get("/api/v1/tasks")) == ["Buy milk"]


@pytest.mark.usefixtures("some_tasks")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Delta", "Charlie", "Bravo", "Alpha"]),
        ("status=done", ["Charlie"]),
        ("status=open", ["Delta", "Bravo", "Alpha"]),
        ("tag=work", ["Charlie", "Bravo"]),
        ("priority=urgent", ["Bravo"]),
        ("q=BANK", ["Bravo"]),
        ("q=lph", ["Alpha"]),
        ("overdue=true", ["Alpha"]),
        ("overdue=false", ["Delta", "Charlie", "Bravo"]),
        ("trash=true", ["Echo"]),
        ("sort=title", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("sort=-title", ["Delta", "Charlie", "Bravo", "Alpha"]),
        ("sort=due", ["Charlie", "Alpha", "Delta", "Bravo"]),
        ("sort=-due", ["Delta", "Alpha", "Charlie", "Bravo"]),
        ("sort=-priority", ["Bravo", "Delta", "Charlie", "Alpha"]),
        ("sort=created", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("sort=-updated", ["Delta", "Charlie", "Bravo", "Alpha"]),
        ("status=open&sort=priority", ["Alpha", "Delta", "Bravo"]),
    ],
)
def test_it_filters_and_sorts(api_client, query, expected):
    assert titles(api_client.get(f"/api/v1/tasks?{query}")) == expected


@pytest.mark.usefixtures("some_tasks")
def test_it_filters_by_due_dates(api_client, today):
    before = (today - timedelta(days=2)).isoformat()
    after = (today - timedelta(days=2)).isoformat()
    assert titles(api_client.get(f"/api/v1/tasks?due_before={before}&sort=due")) == [
        "Charlie",
        "Alpha",
    ]
    assert titles(api_client.get(f"/api/v1/tasks?due_after={after}&sort=due")) == [
        "Alpha",
        "Delta",
    ]


@pytest.mark.usefixtures("some_tasks")
def test_it_pages_with_a_next_link(api_client):
    first = api_client.get("/api/v1/tasks?sort=title&limit=3&status=open")
    assert first.json()["total"] == 3
    assert first.json()["next"] is None
    first = api_client.get("/api/v1/tasks?sort=title&limit=3")
    body = first.json()
    assert [item["title"] for item in body["items"]] == ["Alpha", "Bravo", "Charlie"]
    assert (body["total"], body["limit"], body["offset"]) == (4, 3, 0)
    assert body["next"] == "http://testserver/api/v1/tasks?sort=title&limit=3&offset=3"
    second = api_client.get(body["next"])
    assert titles(second) == ["Delta"]
    assert second.json()["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("offset=-1", "offset"),
        ("limit=many", "limit"),
        ("sort=colour", "sort"),
        ("status=later", "status"),
        ("priority=7", "priority"),
        ("due_before=tomorrow", "due_before"),
        ("overdue=perhaps", "overdue"),
    ],
)
def test_it_names_a_bad_query_parameter(api_client, query, field):
    response = api_client.get(f"/api/v1/tasks?{query}")
    assert response.status_code == 422
    assert response.json() == error("validation_error", "Some fields are invalid.", {field: ANY})


@pytest.mark.parametrize("limit", [5, 50])
def test_it_lists_a_page_in_a_fixed_number_of_queries(
    api_client, user, limit, django_assert_num_queries
):
    for number in range(60):
        services.task_create(owner=user, title=f"Task {number}", tags=["a", f"t{number}"])
    api_client.get("/api/v1/tasks")  # records the token's last use (a write a minute)
    path = f"/api/v1/tasks?limit={limit}&tag=a&sort=title"
    # The token with its user, the caller's list memberships, the state of their
    # tasks (api.page_cache), the count, the page: tags ride on the task rows.
    with django_assert_num_queries(5):
        response = api_client.get(path)
    assert len(response.json()["items"]) == limit
    assert response.json()["items"][0]["tags"] == ["a", "t0"]
    # Asked again with nothing changed: the kept page, after the same checks.
    with django_assert_num_queries(3):
        again = api_client.get(path)
    assert again.json() == response.json()
