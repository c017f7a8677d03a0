"""A request that fails (a server error, no answer) says so in the live region
instead of doing nothing; the row stays as it was."""

import pytest
from playwright.sync_api import expect

from taskapp.tasks import services
from tests.browser.tasks_page import done_box

pytestmark = pytest.mark.browser

ACTIONS = "**/tasks/actions/"


def test_it_says_so_when_a_request_fails(pages, user):
    services.task_create(owner=user, title="Buy milk")
    page = pages.open(user=user)

    page.route(ACTIONS, lambda route: route.fulfill(status=500, body="boom"))
    done_box(page, "Buy milk").click()
    notice = page.get_by_role("status").filter(has_text="Something went wrong — try again.")
    expect(notice).to_be_visible()
    expect(done_box(page, "Buy milk")).not_to_be_checked()

    page.unroute(ACTIONS)
    page.route(ACTIONS, lambda route: route.abort())
    done_box(page, "Buy milk").click()
    expect(page.get_by_role("status").filter(has_text="Cannot reach the server.")).to_be_visible()
    expect(done_box(page, "Buy milk")).not_to_be_checked()

    page.unroute(ACTIONS)
    done_box(page, "Buy milk").click()  # and works again once the server answers
    expect(done_box(page, "Buy milk")).to_be_checked()
    # Caused on purpose above: the 500 and htmx's console errors about both failures.
    pages.allow_problems("500 for", "Error Code 500 from /tasks/actions/", ": htmx:")
