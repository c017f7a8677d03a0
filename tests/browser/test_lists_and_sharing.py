"""Lists, sharing and password reset in a real browser, without JavaScript (every
form is a plain POST) and, for the sidebar, on a phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from taskapp.tasks.models import Task, TaskList
from tests.browser.tasks_page import PHONE, done_box, new_task_box

pytestmark = pytest.mark.browser


def test_lists_and_sharing_work_without_javascript(pages, user, other_user):
    page = pages.open(user=user, path="/lists/", java_script_enabled=False)
    page.get_by_label("Name").fill("Family")
    page.get_by_label("Colour").select_option("green")
    page.get_by_role("button", name="Create list").click()
    expect(page.get_by_text("List “Family” created.")).to_be_visible()

    # The sidebar leads to the list; a task added there goes into it.
    page.goto("/")
    page.get_by_role("navigation", name="Lists").get_by_role(
        "link", name=re.compile("^Family")
    ).click()
    expect(page.get_by_role("heading", level=1, name="Family")).to_be_visible()
    new_task_box(page).fill("Groceries")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(done_box(page, "Groceries")).to_be_visible()
    assert Task.objects.get(title="Groceries").task_list.name == "Family"

    # Share it with bob as a viewer.
    page.goto("/lists/")
    page.get_by_role("link", name="Share").click()
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("cell", name="bob", exact=True)).to_be_visible()

    bob = pages.open(user=other_user, path="/", java_script_enabled=False)
    sidebar = bob.get_by_role("navigation", name="Lists")
    expect(sidebar.get_by_role("link", name=re.compile("Family"))).to_be_visible()
    # A viewer sees the task read-only: no Done box to click (tests/browser/test_view_only.py).
    expect(bob.get_by_text("Groceries", exact=True)).to_be_visible()
    expect(done_box(bob, "Groceries")).to_have_count(0)

    # Bob leaves; the list and its task are gone for him.
    bob.goto("/lists/")
    bob.get_by_role("button", name="Leave “Family”").click()
    expect(bob.get_by_text("You left “Family”.")).to_be_visible()
    bob.goto("/")
    expect(done_box(bob, "Groceries")).to_have_count(0)


def test_the_lists_fold_into_a_menu_on_a_phone(pages, user):
    TaskList.objects.create(owner=user, name="Work")
    page = pages.open(user=user, path="/", viewport=PHONE)
    menu = page.get_by_role("navigation", name="Lists")
    expect(menu.get_by_role("link", name=re.compile("^Work"))).to_be_hidden()
    menu.get_by_text("Lists", exact=True).click()  # the <summary> opens it
    expect(menu.get_by_role("link", name=re.compile("^Work"))).to_be_visible()
    menu.get_by_role("link", name=re.compile("^Work")).click()
    expect(page.get_by_role("heading", level=1, name="Work")).to_be_visible()
    # On a wide screen the sidebar is open from the start.
    wide = pages.open(user=user, path="/")
    sidebar = wide.get_by_role("navigation", name="Lists")
    expect(sidebar.get_by_role("link", name=re.compile("^Work"))).to_be_visible()


def test_a_forgotten_password_is_reset_by_e_mail(pages, user, live_server):
    page = pages.open(path="/accounts/login/", java_script_enabled=False)
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, link))
    page.get_by_label("New password", exact=True).fill("a brand new secret 4")
    page.get_by_label("New password confirmation").fill("a brand new secret 4")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password("a brand new secret 4")
