"""The admin on both backends: task and token lists, filters, search, actions, forms."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db.models import F

from taskapp.accounts.models import ApiToken, FailureCounter
from taskapp.tasks import services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db

TASKS = "/admin/tasks/task/"
TOKENS = "/admin/accounts/apitoken/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def tasks(user, other_user):
    made = {
        "open": services.task_create(owner=user, title="ann open", due_date="2000-01-01", tags="x"),
        "done": services.task_create(owner=user, title="ann done", status="done", priority="high"),
        "bob": services.task_create(owner=other_user, title="bob task", description="needle"),
        "trashed": services.task_create(owner=user, title="ann trashed"),
    }
    services.task_trash(task=made["trashed"])
    return made


def listed(response):
    assert response.status_code == 200
    return sorted(task.title for task in response.context["cl"].result_list)


def test_it_shows_staff_every_users_tasks(staff_client, tasks):
    response = staff_client.get(TASKS)
    assert listed(response) == ["ann done", "ann open", "ann trashed", "bob task"]
    assert b"x" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=done", ["ann done"]),
        ("priority__exact=3", ["ann done"]),
        ("trash=yes", ["ann trashed"]),
        ("trash=no", ["ann done", "ann open", "bob task"]),
        ("due=overdue", ["ann open"]),
        ("due=none", ["ann done", "ann trashed", "bob task"]),
        ("due=today", []),
        ("due=later", []),
        ("q=needle", ["bob task"]),
        ("q=bob", ["bob task"]),
        ("q=trashed", ["ann trashed"]),
    ],
)
def test_it_filters_and_searches(staff_client, tasks, query, expected):
    assert listed(staff_client.get(f"{TASKS}?{query}")) == expected


def test_it_filters_by_owner(staff_client, tasks, other_user):
    assert listed(staff_client.get(f"{TASKS}?owner__id__exact={other_user.pk}")) == ["bob task"]


def test_it_drills_down_by_creation_date(staff_client, tasks):
    task = tasks["bob"]
    year = task.created_at.year
    response = staff_client.get(
        f"{TASKS}?created_at__year={year}&created_at__month={task.created_at.month}"
    )
    assert len(listed(response)) == 4
    assert staff_client.get(f"{TASKS}?created_at__year={year - 1}").context["cl"].result_count == 0


def test_it_marks_done_through_the_service(staff_client, tasks):
    ids = [tasks["open"].pk, tasks["done"].pk]
    response = staff_client.post(
        TASKS, {"action": "mark_done", "_selected_action": ids}, follow=True
    )
    assert "1 task marked as done." in [str(m) for m in response.context["messages"]]
    task = Task.objects.get(pk=tasks["open"].pk)
    assert (task.status, task.version) == ("done", 2)
    assert task.completed_at is not None
    assert Task.objects.get(pk=tasks["done"].pk).version == 1


def test_it_restores_from_the_trash_through_the_service(staff_client, tasks):
    ids = [tasks["trashed"].pk, tasks["bob"].pk]
    response = staff_client.post(
        TASKS, {"action": "restore_from_trash", "_selected_action": ids}, follow=True
    )
    assert "1 task restored." in [str(m) for m in response.context["messages"]]
    task = Task.objects.get(pk=tasks["trashed"].pk)
    assert (task.deleted_at, task.version) == (None, 3)


def test_it_shows_the_change_form_with_read_only_timestamps(staff_client, tasks):
    response = staff_client.get(f"{TASKS}{tasks['open'].pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.fields) == {
        "title",
        "description",
        "status",
        "priority",
        "due_date",
        "due_time",
        "seen_version",
    }
    assert form.fields["seen_version"].initial == tasks["open"].version
    for name in ("created_at", "updated_at", "completed_at", "deleted_at", "version", "owner"):
        assert name in response.context["adminform"].readonly_fields


def test_it_saves_a_change_through_the_service(staff_client, tasks):
    task = tasks["open"]
    data = {
        "title": "  renamed ",
        "description": "",
        "status": "done",
        "priority": "4",
        "due_date": "",
    }
    response = staff_client.post(f"{TASKS}{task.pk}/change/", data)
    assert response.status_code == 302
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.status, stored.priority, stored.due_date, stored.version) == (
        "renamed",
        "done",
        4,
        None,
        2,
    )
    assert stored.completed_at is not None
    assert stored.tag_names == ["x"]


def test_it_saves_nothing_and_says_so_when_the_task_changed_meanwhile(
    staff_client, tasks, monkeypatch
):
    task = tasks["open"]
    real_update = services.task_update

    def racing_update(*, task, **fields):
        # Someone else saves between the admin reading the task and writing it.
        Task.objects.filter(pk=task.pk).update(title="theirs", version=F("version") + 1)
        return real_update(task=task, **fields)

    monkeypatch.setattr(services, "task_update", racing_update)
    data = {"title": "mine", "description": "", "status": "open", "priority": "2", "due_date": ""}
    url = f"{TASKS}{task.pk}/change/"
    response = staff_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert Task.objects.get(pk=task.pk).title == "theirs"
    page = staff_client.get(url).content.decode()
    assert "This task was changed elsewhere; nothing was saved." in page
    assert "was changed successfully" not in page
    assert not LogEntry.objects.exists()


def test_it_refuses_to_overwrite_a_change_made_after_the_form_was_loaded(staff_client, tasks):
    task = tasks["open"]
    url = f"{TASKS}{task.pk}/change/"
    loaded = staff_client.get(url).context["adminform"].form["seen_version"].value()
    services.task_update(task=task, title="saved by the other admin")
    data = {
        "title": "mine",
        "description": "",
        "status": "open",
        "priority": "2",
        "due_date": "",
        "seen_version": loaded,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert Task.objects.get(pk=task.pk).title == "saved by the other admin"
    assert (
        "This task was changed elsewhere; nothing was saved."
        in staff_client.get(url).content.decode()
    )


def test_it_shows_validation_errors_on_the_change_form(staff_client, tasks):
    task = tasks["open"]
    data = {"title": "   ", "description": "", "status": "open", "priority": "2", "due_date": ""}
    response = staff_client.post(f"{TASKS}{task.pk}/change/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert Task.objects.get(pk=task.pk).version == 1


def test_it_sends_non_staff_to_the_login_page(logged_in_client, tasks):
    for url in (TASKS, TOKENS, f"{TASKS}{tasks['open'].pk}/change/"):
        response = logged_in_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_it_lists_tokens_without_their_hash(staff_client, user):
    token, raw = ApiToken.issue(user=user, name="laptop")
    response = staff_client.get(TOKENS)
    assert response.status_code == 200
    assert b"laptop" in response.content
    assert token.prefix.encode() in response.content
    assert token.token_hash.encode() not in response.content
    detail = staff_client.get(f"{TOKENS}{token.pk}/change/")
    assert detail.status_code == 200
    assert token.token_hash.encode() not in detail.content
    assert raw.encode() not in detail.content


def test_it_filters_tokens_by_revoked(staff_client, user):
    ApiToken.issue(user=user, name="kept")
    gone, _ = ApiToken.issue(user=user, name="gone")
    gone.revoke()
    active = staff_client.get(f"{TOKENS}?revoked=no").context["cl"].result_list
    assert [t.name for t in active] == ["kept"]
    assert [
        t.name for t in staff_client.get(f"{TOKENS}?revoked=yes").context["cl"].result_list
    ] == ["gone"]
    assert staff_client.get(f"{TOKENS}?q=ann").context["cl"].result_count == 2


def test_it_revokes_tokens(staff_client, user):
    token, raw = ApiToken.issue(user=user, name="t")
    response = staff_client.post(
        TOKENS, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 token revoked." in [str(m) for m in response.context["messages"]]
    assert ApiToken.objects.for_raw_token(raw) is None


def test_it_creates_a_token_and_shows_the_secret_once(staff_client, user):
    response = staff_client.post(f"{TOKENS}add/", {"user": user.pk, "name": " ci "})
    assert response.status_code == 200  # the page itself, not a redirect
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.name == "ci"
    # The admin's object is the issued token: the log entry and the page name it.
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.object_repr) == (str(token.pk), str(token))
    assert f"Token “ci” for {user.username} was created." in response.content.decode()
    raw = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)
    assert ApiToken.objects.for_raw_token(raw) == token
    # Not in a message (a cookie may store those), so in no later response.
    assert not any(raw in str(m) for m in response.context["messages"])
    assert raw not in response.cookies.output()
    assert raw.encode() not in staff_client.get(TOKENS).content
    assert raw not in str(dict(staff_client.session))


def test_it_refuses_a_token_without_a_name(staff_client, user):
    response = staff_client.post(f"{TOKENS}add/", {"user": user.pk, "name": "  "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_it_shows_failure_counters_read_only(staff_client):
    from django.utils import timezone

    FailureCounter.objects.create(key="login:192.0.2.1", count=3, window_ends_at=timezone.now())
    response = staff_client.get("/admin/accounts/failurecounter/")
    assert response.status_code == 200
    assert b"login:192.0.2.1" in response.content
    assert staff_client.get("/admin/accounts/failurecounter/add/").status_code == 403
