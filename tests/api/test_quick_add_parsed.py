"""POST /api/v1/tasks?parse=true answers what the line was read as (``parsed``), the
fields sent beside the line win, and the line as typed is never lost."""

from datetime import timedelta

import pytest

from taskapp.planning.models import Recurrence
from taskapp.planning.services import today_of
from taskapp.tasks import lists
from taskapp.tasks.models import TITLE_MAX, Task
from tests.api.helpers import error, expected_task

pytestmark = pytest.mark.django_db

LINE = "Pay rent tomorrow 9:00 !high #home @Bills every month"


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_it_answers_the_task_and_what_the_line_was_read_as(api_client, user):
    bills = lists.list_create(owner=user, name="Bills")
    response = _post(api_client, "/api/v1/tasks?parse=true", {"title": LINE})
    assert response.status_code == 201
    body = response.json()
    task = Task.objects.get()
    tomorrow = (today_of(user) + timedelta(days=1)).isoformat()
    assert body == {
        **expected_task(task.id),
        "parsed": {
            "text": LINE,
            "title": "Pay rent",
            "due_date": tomorrow,
            "due_time": "09:00",
            "priority": "high",
            "tags": ["home"],
            "list_name": "Bills",
            "recurrence": {"frequency": "month", "interval": 1},
            "parts": [
                {"kind": "recurrence", "text": "every month"},
                {"kind": "priority", "text": "!high"},
                {"kind": "tag", "text": "#home"},
                {"kind": "list", "text": "@Bills"},
                {"kind": "due_date", "text": "tomorrow"},
                {"kind": "due_time", "text": "9:00"},
            ],
        },
    }
    assert (body["title"], body["due_date"], body["list"]) == ("Pay rent", tomorrow, str(bills.pk))
    assert response["ETag"] == body["etag"]
    assert response["Location"] == body["url"]


def test_parsed_is_what_the_preview_answers(api_client, user):
    lists.list_create(owner=user, name="Bills")
    line = "Rechnung zahlen nächsten Montag um 14 Uhr !dringend #büro @bills jeden Monat"
    preview = _post(api_client, "/api/v1/tasks/parse", {"text": line}).json()
    created = _post(api_client, "/api/v1/tasks?parse=true", {"title": line}).json()
    assert created["parsed"] == preview
    assert preview["text"] == line


def test_without_parse_the_answer_is_the_plain_task(api_client):
    for path in ("/api/v1/tasks", "/api/v1/tasks?parse=false"):
        body = _post(api_client, path, {"title": "Call #mum tomorrow"}).json()
        assert body == expected_task(body["id"])
        assert (body["title"], body["due_date"], body["tags"]) == ("Call #mum tomorrow", None, [])


def test_fields_sent_beside_the_line_win(api_client, user):
    inbox = lists.inbox_for(user)
    lists.list_create(owner=user, name="Bills")
    sent = {
        "title": "Call mum tomorrow 9:00 !high #family @Bills",
        "priority": "low",
        "tags": ["phone"],
        "due_date": None,
        "list": str(inbox.pk),
    }
    body = _post(api_client, "/api/v1/tasks?parse=true", sent).json()
    assert (body["title"], body["priority"], body["tags"]) == ("Call mum", "low", ["phone"])
    assert (body["due_date"], body["list"]) == (None, str(inbox.pk))
    # What the line said stays visible beside what was saved.
    parsed = body["parsed"]
    assert (parsed["priority"], parsed["tags"], parsed["list_name"]) == (
        "high",
        ["family"],
        "Bills",
    )
    assert parsed["text"] == sent["title"]


def test_a_line_of_nothing_but_markers_is_its_own_title(api_client, user):
    body = _post(api_client, "/api/v1/tasks?parse=true", {"title": "tomorrow !high"}).json()
    tomorrow = (today_of(user) + timedelta(days=1)).isoformat()
    assert (body["title"], body["due_date"], body["priority"]) == (
        "tomorrow !high",
        tomorrow,
        "high",
    )
    assert body["parsed"]["title"] == body["parsed"]["text"] == "tomorrow !high"
    assert [part["kind"] for part in body["parsed"]["parts"]] == ["priority", "due_date"]


LONG = "Pay " + "#t " * (TITLE_MAX // 3)  # "Pay" once read, but too long to be a title


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("   ", "Title is required."),
        (LONG, f"Title must be at most {TITLE_MAX} characters (it has {len(LONG)})."),
    ],
    ids=["blank", "longer than a title"],
)
def test_a_line_that_cannot_be_a_title_is_refused_and_nothing_is_written(api_client, line, message):
    response = _post(api_client, "/api/v1/tasks?parse=true", {"title": line})
    assert response.status_code == 422
    assert response.json() == error("validation_error", fields={"title": [message]})
    assert not Task.objects.exists()


def test_the_line_is_kept_as_typed_with_blanks_collapsed(api_client):
    body = _post(api_client, "/api/v1/tasks?parse=true", {"title": "  Pay   rent\t#x "}).json()
    assert (body["title"], body["parsed"]["text"]) == ("Pay rent", "Pay rent #x")


def test_a_wrong_guess_is_undone_with_put_and_the_parsed_text(api_client, user):
    bills = lists.list_create(owner=user, name="Bills")
    created = _post(api_client, "/api/v1/tasks?parse=true", {"title": LINE}).json()
    assert created["list"] == str(bills.pk)
    url = f"/api/v1/tasks/{created['id']}"
    inbox = str(lists.inbox_for(user).pk)
    body = {"title": created["parsed"]["text"], "list": inbox}
    response = api_client.put(
        url, body, content_type="application/json", HTTP_IF_MATCH=created["etag"]
    )
    assert response.status_code == 200
    assert api_client.delete(f"{url}/recurrence").status_code == 204
    assert response.json() == expected_task(created["id"])
    task = Task.objects.get()
    assert (task.title, task.due_date, task.due_time, task.priority) == (LINE, None, None, 2)
    assert (task.tag_names, str(task.task_list_id)) == ([], inbox)
    assert not Recurrence.objects.exists()
