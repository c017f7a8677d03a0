from datetime import timedelta

import pytest
from django.utils import timezone

from taskapp.tasks import services
from tests.ui.helpers import accessible_names

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tasks(user):
    today = timezone.localdate()
    return {
        "milk": services.task_create(owner=user, title="Buy milk", tags="home", priority="high"),
        "report": services.task_create(
            owner=user,
            title="Write report",
            description="quarterly numbers",
            due_date=today - timedelta(days=2),
        ),
        "call": services.task_create(owner=user, title="Call mum", due_date=today),
    }


def titles(response) -> list[str]:
    html = response.content.decode()
    return [t for t in ("Buy milk", "Write report", "Call mum") if f">{t}</span>" in html]


def test_it_sends_visitors_to_login(client):
    response = client.get("/?q=x")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_shows_the_empty_state_to_a_new_user(logged_in_client):
    response = logged_in_client.get("/")
    assert response.status_code == 200
    assert b"No tasks yet" in response.content
    assert b"<h1>Tasks</h1>" in response.content


def test_it_lists_only_my_tasks(logged_in_client, tasks, other_user):
    services.task_create(owner=other_user, title="Bob's secret")
    response = logged_in_client.get("/")
    assert set(titles(response)) == {"Buy milk", "Write report", "Call mum"}
    assert b"Bob&#x27;s secret" not in response.content
    html = response.content.decode()
    assert f'name="ids" value="{tasks["milk"].id.hex}"' in html
    names = accessible_names(html)
    for name in ("Done: Buy milk", "Select Buy milk", "Edit Buy milk", "Delete Buy milk"):
        assert name in names


def test_it_shows_counts(logged_in_client, tasks):
    html = logged_in_client.get("/").content.decode()
    assert '<strong id="count-open">3</strong> open' in html
    assert '<strong id="count-done">0</strong> done' in html
    assert '<strong id="count-overdue">1</strong> overdue' in html


def test_it_marks_overdue_and_due_today_rows(logged_in_client, tasks):
    html = logged_in_client.get("/").content.decode()
    assert (
        f'<li class="is-overdue"><input type="checkbox" name="ids" value="{tasks["report"].id.hex}"'
        in html
    )
    assert (
        f'<li class="is-due-today"><input type="checkbox" name="ids" value="{tasks["call"].id.hex}"'
        in html
    )


def test_it_says_due_today_once(logged_in_client, tasks):
    html = logged_in_client.get("/?due=today").content.decode()
    assert "Due today" in html
    assert ">today</time>" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=milk", ["Buy milk"]),
        ("q=QUARTERLY", ["Write report"]),
        ("tag=home", ["Buy milk"]),
        ("priority=high", ["Buy milk"]),
        ("due=overdue", ["Write report"]),
        ("due=today", ["Call mum"]),
        ("status=done", []),
    ],
)
def test_it_filters(logged_in_client, tasks, query, expected):
    response = logged_in_client.get(f"/?{query}")
    assert sorted(titles(response)) == sorted(expected)


def test_it_filters_this_week(logged_in_client, user):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    services.task_create(owner=user, title="Buy milk", due_date=monday)
    services.task_create(owner=user, title="Write report", due_date=monday + timedelta(days=7))
    services.task_create(owner=user, title="Call mum")
    assert titles(logged_in_client.get("/?due=week")) == ["Buy milk"]


def test_it_keeps_the_filters_in_the_form(logged_in_client, tasks):
    html = logged_in_client.get("/?q=milk&status=open&sort=title").content.decode()
    assert 'name="q" value="milk"' in html
    assert '<option value="open" selected>' in html
    assert '<option value="title" selected>' in html


def test_it_sorts_by_title(logged_in_client, tasks):
    html = logged_in_client.get("/?sort=title").content.decode()
    positions = [html.index(f">{t}</span>") for t in ("Buy milk", "Call mum", "Write report")]
    assert positions == sorted(positions)


def test_it_ignores_invalid_filter_values(logged_in_client, tasks):
    response = logged_in_client.get("/?status=nope&priority=huge&sort=drop&due=later&page=x")
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_it_paginates(logged_in_client, user):
    for number in range(55):
        services.task_create(owner=user, title=f"T{number:02d}")
    first = logged_in_client.get("/?sort=title").content.decode()
    second = logged_in_client.get("/?sort=title&page=2").content.decode()
    assert ">T49</span>" in first and ">T50</span>" not in first
    assert ">T50</span>" in second and ">T54</span>" in second
    assert "Page 2 of 2" in second
    assert 'href="?sort=title&amp;page=2"' in first


def test_it_answers_htmx_with_the_list_partial(logged_in_client, tasks):
    response = logged_in_client.get("/?q=milk", **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="task-list"')
    assert "<html" not in html
    assert titles(response) == ["Buy milk"]
    assert "HX-Request" in response["Vary"]


def test_it_answers_a_history_restore_with_the_whole_page(logged_in_client, tasks):
    response = logged_in_client.get("/?q=milk", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert b"<html" in response.content


def test_it_costs_the_same_queries_for_5_and_50_tasks(
    logged_in_client, user, django_assert_num_queries
):
    for number in range(5):
        services.task_create(owner=user, title=f"T{number}", tags="a,b", due_date="2030-01-01")
    logged_in_client.get("/")
    # session, user, memberships, tags, page count, four counts, the page of tasks,
    # the sidebar (the Inbox, the lists, their open counts), and the plan: checklist
    # progress and repeat rules (tests/ui/test_planning.py: the same with steps).
    # 11 with planning alone, 13 with lists alone: both together add up to 15.
    with django_assert_num_queries(15):
        logged_in_client.get("/")
    for number in range(45):
        services.task_create(owner=user, title=f"U{number}", tags="c", due_date="2030-01-01")
    with django_assert_num_queries(15):
        response = logged_in_client.get("/")
    assert response.content.count(b'role="checkbox"') == 50


def test_it_pushes_a_clean_url_after_filtering_with_htmx(logged_in_client, tasks):
    # The filter form sends every field; the address bar keeps only what narrows the view.
    query = "q=buy&status=open&priority=&due=&tag=&sort=-created"
    response = logged_in_client.get(f"/?{query}", **HX)
    assert response["HX-Push-Url"] == "/?q=buy&status=open"
    assert 'name="next" value="/?q=buy&amp;status=open"' in response.content.decode()
    assert logged_in_client.get("/?sort=-created", **HX)["HX-Push-Url"] == "/"


def test_it_redirects_a_filter_form_without_javascript_to_the_clean_url(logged_in_client, tasks):
    response = logged_in_client.get("/?q=milk&status=&priority=&due=&tag=&sort=title")
    assert response.status_code == 302 and response["Location"] == "/?q=milk&sort=title"
    assert logged_in_client.get("/?q=milk&sort=title").status_code == 200


def test_its_tag_links_keep_the_other_filters_and_start_at_page_one(logged_in_client, tasks):
    html = logged_in_client.get("/?q=milk&status=open&tag=home&page=2").content.decode()
    assert 'href="?q=milk&amp;status=open&amp;tag=home"' in html
    assert 'href="?tag=home"' in logged_in_client.get("/").content.decode()


def test_a_row_rendered_alone_keeps_the_filters_in_its_tag_links(logged_in_client, tasks):
    milk = tasks["milk"]
    current = {"HTTP_HX_CURRENT_URL": "http://testserver/?priority=high"}
    response = logged_in_client.post("/tasks/actions/", {"done": milk.id.hex}, **HX, **current)
    assert 'href="?priority=high&amp;tag=home"' in response.content.decode()
