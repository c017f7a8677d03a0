"""A viewer of a shared list is offered no writes: its tasks show read-only (status,
progress, due, tags, who changed them) with a "View only" hint, and none of the
controls the server would refuse (403). Editors and owners keep every control."""

import pytest
from django.test import Client

from bench.measure_ui import seed
from taskapp.planning import services as planning
from taskapp.tasks import lists, services
from tests.ui.helpers import accessible_names, forms_in
from tests.ui.test_page_size import BUDGET, list_page

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def bob_client(other_user):
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def family(user):
    """Ann's list "Family" with one task that has a checklist step, tags and a due date."""
    task_list = lists.list_create(owner=user, name="Family")
    task = services.task_create(
        owner=user, title="Water the plants", list=task_list.pk, tags="home", due_date="2030-01-07"
    )
    planning.subtask_add(task=task, title="Balcony")
    return task_list


def shared_as(family, role):
    lists.member_invite(task_list=family, username="bob", role=role)
    return family.tasks.get()


def row_controls(html, title):
    """The names of the row controls for the task ``title`` (rowlabels.py)."""
    names = accessible_names(html)
    return {
        action
        for action, name in [
            ("select", f"Select {title}"),
            ("done", f"Done: {title}"),
            ("edit", f"Edit {title}"),
            ("delete", f"Delete {title}"),
            ("view", f"View {title}"),
        ]
        if name in names
    }


def test_a_viewer_sees_the_task_read_only_without_any_write_control(bob_client, family):
    task = shared_as(family, "viewer")
    html = bob_client.get(f"/?list={family.pk}").content.decode()
    assert row_controls(html, "Water the plants") == {"view"}
    assert 'role="checkbox"' not in html and 'name="ids"' not in html
    # What the row still says: status (a named image), progress, due, tags, the hint.
    assert '<b class="st" role="img" aria-label="Open"></b>' in html
    assert ">0/1</a>" in html and 'datetime="2030-01-07"' in html and "#home" in html
    assert '<i class="b-ro">View only</i>' in html
    # No bulk bar, and no add box on the list: a hint in its place says why.
    forms = forms_in(html)
    assert "bulk" not in forms and "create-form" not in forms
    assert '<p class="card view-only">' in html
    assert "You can only view this list" in html
    assert f'href="/tasks/{task.id.hex}/edit/"' in html


def test_an_editor_and_the_owner_keep_every_control(logged_in_client, bob_client, family):
    shared_as(family, "editor")
    for client in (bob_client, logged_in_client):
        html = client.get(f"/?list={family.pk}").content.decode()
        assert row_controls(html, "Water the plants") == {"select", "done", "edit", "delete"}
        assert {"bulk", "create-form"} <= set(forms_in(html))
        assert "View only" not in html


def test_all_lists_mixes_own_rows_with_controls_and_viewed_rows_without(
    bob_client, other_user, family
):
    shared_as(family, "viewer")
    services.task_create(owner=other_user, title="Own errand")
    html = bob_client.get("/").content.decode()
    assert row_controls(html, "Own errand") == {"select", "done", "edit", "delete"}
    assert row_controls(html, "Water the plants") == {"view"}
    assert "bulk" in forms_in(html) and "create-form" in forms_in(html)
    assert html.count("View only") == 1


def test_a_row_rendered_alone_for_a_viewer_is_read_only(bob_client, family):
    task = shared_as(family, "viewer")
    html = bob_client.get(f"/tasks/{task.id.hex}/", **HX).content.decode()
    # Alone, the row points at the page's shared labels (l-view, ...): none but View.
    assert 'aria-labelledby="l-view ' in html and "View only" in html
    assert not any(f'"l-{key} ' in html for key in ("sel", "done", "edit", "del"))


def test_the_task_page_of_a_viewer_shows_the_fields_and_no_form(bob_client, user, family):
    task = shared_as(family, "viewer")
    services.task_update(task=task, by=user, description="Twice a week")
    response = bob_client.get(f"/tasks/{task.id.hex}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Water the plants</h1>" in html and "View only" in html
    assert "Twice a week" in html and "#home" in html and "Family" in html
    assert f"/tasks/{task.id.hex}/edit/" not in forms_in(html)
    assert f'href="/tasks/{task.id.hex}/plan/"' in html
    # A save is still refused, and htmx (a page from before the role changed) is
    # sent to the whole read-only page rather than swapping it into a row.
    assert bob_client.post(f"/tasks/{task.id.hex}/edit/", {"title": "x"}).status_code == 403
    hx = bob_client.get(f"/tasks/{task.id.hex}/edit/", **HX)
    assert hx["HX-Redirect"] == f"/tasks/{task.id.hex}/edit/"


def test_the_plan_page_of_a_viewer_offers_no_checklist_reminder_or_repeat_form(bob_client, family):
    task = shared_as(family, "viewer")
    html = bob_client.get(f"/tasks/{task.id.hex}/plan/").content.decode()
    assert "Balcony" in html and "read-only" in html
    assert not [action for action in forms_in(html) if action.startswith("/tasks/")]
    assert "Task details" in html and "Edit the task" not in html


def test_the_plan_page_of_an_editor_offers_every_form(bob_client, family):
    task = shared_as(family, "editor")
    html = bob_client.get(f"/tasks/{task.id.hex}/plan/").content.decode()
    hexid = task.id.hex
    assert {f"/tasks/{hexid}/steps/", f"/tasks/{hexid}/reminders/", f"/tasks/{hexid}/repeat/"} <= (
        set(forms_in(html))
    )
    assert "Edit the task" in html


def test_the_trash_offers_a_viewer_no_restore_or_delete(bob_client, user, family):
    task = shared_as(family, "viewer")
    services.task_trash(task=task, by=user)
    html = bob_client.get("/trash/").content.decode()
    assert "Water the plants" in html and "View only" in html
    assert f"/tasks/{task.id.hex}/" not in html  # neither Restore nor Delete forever
    user_html = Client()
    user_html.force_login(user)
    assert f"/tasks/{task.id.hex}/restore/" in user_html.get("/trash/").content.decode()


def test_the_lists_page_offers_members_only_leave(bob_client, family):
    for role, says in [("viewer", "view only"), ("editor", "can edit")]:
        shared_as(family, role)
        html = bob_client.get("/lists/").content.decode()
        assert f"shared by ann ({says})" in html
        assert "Leave “Family”" in html
        forms = forms_in(html)
        assert f"/lists/{family.pk}/" not in forms  # rename, colour, archive
        assert f'href="/lists/{family.pk}/delete/"' not in html
        share = bob_client.get(f"/lists/{family.pk}/share/").content.decode()
        assert "Invite" not in share and "Transfer ownership" not in share


def test_viewer_rows_cost_no_extra_query(bob_client, user, django_assert_num_queries):
    family = lists.list_create(owner=user, name="Family")
    lists.member_invite(task_list=family, username="bob", role="viewer")
    for count in (5, 45):
        for number in range(count):
            services.task_create(owner=user, title=f"T{count}-{number}", list=family.pk)
        bob_client.get("/")
        # As for an owner's page (tests/ui/test_task_list.py).
        with django_assert_num_queries(15):
            html = bob_client.get("/").content.decode()
    assert html.count('class="b-ro"') == 50


def test_fifty_viewer_rows_are_smaller_than_fifty_owner_rows(user, other_user):
    seed(user, 50)
    family = lists.list_create(owner=user, name="Family")
    user.tasks.update(task_list=family)
    lists.member_invite(task_list=family, username="bob", role="viewer")
    owner_page, viewer_page = list_page(user), list_page(other_user)
    assert viewer_page.count('class="b-ro"') == 50
    # 27.0 KB against 41.9 KB (docs/performance.md, "UI").
    assert len(viewer_page.encode()) < 0.7 * len(owner_page.encode()) < BUDGET


@pytest.mark.parametrize(("role", "mark"), [("viewer", "(ann · view only)"), ("editor", "(ann)")])
def test_the_sidebar_marks_the_lists_a_user_can_only_view(bob_client, family, role, mark):
    shared_as(family, role)
    nav = bob_client.get("/").content.decode().split('<nav class="list-nav"')[1].split("</nav>")[0]
    assert f"Family <small>{mark}</small>" in nav
