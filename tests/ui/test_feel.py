"""Issue 11 (fast hands, slow networks, small screens): what the views do for it.
The browser side (latency, focus, layout) is in tests/browser/test_feel.py."""

import re

import pytest
from django.conf import settings

from taskapp.accounts.models import ApiToken
from taskapp.tasks import services
from taskapp.tasks.models import Status, Task
from tests.ui.helpers import form_data, forms_in

HX = {"HTTP_HX_REQUEST": "true"}


# --- No dead ends without JavaScript ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ("/tasks/new/", "/"),
        ("/tasks/actions/", "/"),
        ("/tasks/{id}/undo/", "/"),
        ("/tasks/{id}/restore/", "/trash/"),
        ("/tasks/{id}/purge/", "/trash/"),
    ],
)
def test_a_get_on_a_post_only_address_redirects_and_changes_nothing(
    logged_in_client, task, path, to
):
    services.task_trash(task=task)
    response = logged_in_client.get(path.format(id=task.id.hex))
    assert response.status_code == 302 and response["Location"] == to
    assert Task.objects.get(pk=task.pk).deleted_at is not None


def test_a_get_of_logout_sends_a_visitor_to_log_in(client, db):
    response = client.get("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_a_failed_add_page_changes_language_back_to_the_list(logged_in_client):
    response = logged_in_client.post("/tasks/new/", {"title": " ", "next": "/?q=milk"})
    assert response.status_code == 422
    language = form_data(response.content, "/i18n/setlang/")
    assert language["next"] == ["/?q=milk"]  # not /tasks/new/, which only takes POST


# --- Bulk delete with Undo -----------------------------------------------------------


def _tasks(user, *titles):
    return [services.task_create(owner=user, title=title) for title in titles]


def test_bulk_delete_answers_an_undo_that_restores_those_tasks(logged_in_client, user):
    milk, bread, _kept = _tasks(user, "Milk", "Bread", "Kept")
    data = {"action": "trash", "ids": [milk.id.hex, bread.id.hex], "next": "/"}
    html = logged_in_client.post("/tasks/actions/", data, **HX).content.decode()
    assert "Moved 2 tasks to the trash." in html
    undo = form_data(html, "/tasks/actions/")
    assert undo["action"] == ["restore"] and set(undo["ids"]) == {milk.id.hex, bread.id.hex}
    assert Task.objects.filter(deleted_at__isnull=False).count() == 2

    html = logged_in_client.post("/tasks/actions/", undo, **HX).content.decode()
    assert not Task.objects.filter(deleted_at__isnull=False).exists()
    assert "Restored 2 tasks." in html
    assert re.search(r'<div id="notice"[^>]*hx-swap-oob="innerHTML"></div>', html)


def test_bulk_delete_without_javascript_shows_undo_on_the_next_page(logged_in_client, user):
    (milk,) = _tasks(user, "Milk")
    data = {"action": "trash", "ids": [milk.id.hex], "next": "/"}
    assert logged_in_client.post("/tasks/actions/", data).status_code == 302
    page = logged_in_client.get("/").content.decode()
    assert "Moved 1 task to the trash." in page
    undo = form_data(page, "/tasks/actions/") if "/tasks/actions/" in forms_in(page) else None
    assert undo and undo["action"] == ["restore"] and undo["ids"] == [milk.id.hex]


# --- Done tasks sink ------------------------------------------------------------------


def test_done_tasks_come_after_open_ones_in_every_sort(logged_in_client, user):
    _, done, _ = _tasks(user, "A old", "B done", "C new")
    services.task_set_status(task=done, status=Status.DONE)
    for query, expected in [
        ("", ["C new", "A old", "B done"]),
        ("?sort=title", ["A old", "C new", "B done"]),
    ]:
        html = logged_in_client.get(f"/{query}").content.decode()
        titles = re.findall(r'<span id="t[^"]*">([^<]+)</span>', html)
        assert titles == expected, query


# --- Token revoke asks first -------------------------------------------------------


def test_revoke_without_confirm_asks_on_a_page(logged_in_client, user):
    token, raw = ApiToken.issue(user=user, name="deploy")
    for response in (
        logged_in_client.post(f"/accounts/tokens/{token.id}/revoke/"),
        logged_in_client.get(f"/accounts/tokens/{token.id}/revoke/"),
    ):
        assert response.status_code == 200
        assert "Revoke the token “deploy”?" in response.content.decode()
        assert ApiToken.objects.for_raw_token(raw) is not None
    confirm = form_data(response.content, f"/accounts/tokens/{token.id}/revoke/")
    assert confirm["confirm"] == ["1"]
    logged_in_client.post(f"/accounts/tokens/{token.id}/revoke/", confirm)
    assert ApiToken.objects.for_raw_token(raw) is None


def test_the_tokens_page_asks_before_revoking_with_javascript(logged_in_client, user):
    ApiToken.issue(user=user, name="deploy")
    html = logged_in_client.get("/accounts/tokens/").content.decode()
    assert 'data-confirm="Revoke the token “deploy”? Scripts that use it stop working."' in html


# --- Session expiry, log-in and log-out --------------------------------------------


def _expired(client):
    """A browser whose session cookie the server no longer knows."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    return client


def test_an_expired_session_says_so_on_the_login_page(client, db):
    response = _expired(client).get("/", follow=True)
    assert "Your session has expired. Please log in again." in response.content.decode()


def test_a_first_visit_is_not_called_expired(client, db):
    response = client.get("/", follow=True)
    assert "expired" not in response.content.decode()


@pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
def test_a_title_sent_after_expiry_comes_back_after_login(client, user, headers):
    extra = {"HTTP_HX_CURRENT_URL": "http://testserver/?q=rent"} if headers else {}
    response = _expired(client).post(
        "/tasks/new/", {"title": "Pay rent", "next": "/?q=rent"}, **headers, **extra
    )
    login_url = response["HX-Redirect"] if headers else response["Location"]
    assert login_url == "/accounts/login/?next=/%3Fq%3Drent"
    page = client.get(login_url)
    assert "Your session has expired." in page.content.decode()
    data = form_data(page.content, "/accounts/login/", username="ann", password="correct horse 1")
    response = client.post("/accounts/login/", data)
    assert response["Location"] == "/?q=rent"
    html = client.get("/?q=rent").content.decode()
    assert form_data(html, "create-form")["title"] == ["Pay rent"]
    assert not Task.objects.exists()  # kept, not saved behind the user's back
    assert form_data(client.get("/").content, "create-form")["title"] == [""]  # once


def test_an_edit_sent_after_expiry_reopens_with_what_was_typed(client, user, task):
    page_client = client
    page_client.force_login(user)
    edit = form_data(page_client.get(f"/tasks/{task.id.hex}/edit/").content, f"edit-{task.id.hex}")
    page_client.logout()
    edit["title"] = ["Buy oat milk"]
    response = _expired(client).post(f"/tasks/{task.id.hex}/edit/", edit)
    assert response["Location"] == f"/accounts/login/?next=/tasks/{task.id.hex}/edit/"
    client.post("/accounts/login/", {"username": "ann", "password": "correct horse 1"})
    html = client.get(f"/tasks/{task.id.hex}/edit/").content.decode()
    again = form_data(html, f"edit-{task.id.hex}")
    assert again["title"] == ["Buy oat milk"] and again["version"] == [str(task.version)]
    assert Task.objects.get(pk=task.pk).title == "Buy milk"


def test_logging_out_says_so(logged_in_client):
    response = logged_in_client.post("/accounts/logout/", follow=True)
    assert "You have been logged out." in response.content.decode()


def test_a_failed_login_focuses_the_password(client, user):
    html = client.post(
        "/accounts/login/", {"username": "ann", "password": "wrong"}
    ).content.decode()
    assert re.search(r'<input type="password" name="password"[^>]*autofocus', html)
    assert not re.search(r'<input type="text" name="username"[^>]*autofocus', html)
    assert 'value="ann"' in html


def test_signup_shows_the_password_rules_before_any_error(client, db):
    html = client.get("/accounts/signup/").content.decode()
    assert 'id="id_password1_helptext"' in html
    assert "at least 8 characters" in html


def test_messages_come_below_the_title_on_every_page(logged_in_client, user):
    token, _ = ApiToken.issue(user=user, name="old")
    logged_in_client.post(f"/accounts/tokens/{token.id}/revoke/", {"confirm": "1"})
    html = logged_in_client.get("/accounts/tokens/").content.decode()
    assert html.index("<h1>") < html.index("Token “old” revoked.")


# --- Trash ------------------------------------------------------------------------


def test_the_trash_has_the_counts_its_actions_update_and_an_empty_state(logged_in_client, task):
    services.task_trash(task=task)
    html = logged_in_client.get("/trash/").content.decode()
    assert 'id="counts"' in html  # the out-of-band target of restore and purge
    assert "The trash is empty." in html  # shown by CSS once the last row is gone


# --- Compression ------------------------------------------------------------------


def test_the_list_is_compressed_by_the_app(logged_in_client, user):
    for i in range(50):
        services.task_create(owner=user, title=f"Task number {i}", tags=["home"])
    plain = logged_in_client.get("/")
    packed = logged_in_client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 4
    assert "Accept-Encoding" in packed["Vary"]


def test_german_pages_have_the_new_words(logged_in_client, user):
    services.task_create(owner=user, title="Milch")
    html = logged_in_client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert ">Filter</summary>" in html and "Alle auswählen" in html
    assert 'data-left="Noch {n} Zeichen"' in html
