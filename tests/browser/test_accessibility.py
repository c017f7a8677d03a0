"""Zero axe-core violations (WCAG 2.1 A and AA, and axe's best practices) on every
page state a user meets, in light and dark theme, on a desktop and a 375 px phone,
and in German.

`make test-browser` installs the pinned axe-core from npm into the cache (mk/ui.mk)
and names its file in AXE_JS; without it these tests fail, they never pass unchecked.
Each tour opens two browser contexts (logged out, logged in) and walks the states
in them; every state is checked in the light theme, then switched to dark in place
(as the toggle does) for the rules that depend on colour. That keeps the whole
check to seconds per tour.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from taskapp.planning import services as planning
from taskapp.tasks import lists, services
from taskapp.tasks.models import Task
from tests.browser.tasks_page import (
    DESKTOP,
    PHONE_375,
    editor,
    make_sample_tasks,
    open_filters,
    rows,
)

pytestmark = pytest.mark.browser

AXE_JS = Path(
    os.environ.get(
        "AXE_JS", Path.home() / ".cache/taskapp/axe-4.14.1/node_modules/axe-core/axe.min.js"
    )
)
AXE_TAGS = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
# The dark theme changes colours only (app.css), so only these rules can differ there.
COLOUR_RULES = {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}
PHONE = {"viewport": PHONE_375, "is_mobile": True, "has_touch": True}
# No request on its way, no swap settling and no animation running.
SETTLED = """() => !document.querySelector('[aria-busy=true], .htmx-request, .htmx-settling')
    && document.getAnimations().every(a => a.playState !== 'running')"""


class Audit:
    """Runs axe on pages and keeps every violation, named by the state it was seen in."""

    def __init__(self, themes=("light", "dark")):
        if not AXE_JS.is_file():
            pytest.fail(f"axe-core is missing at {AXE_JS}: run `make axe` (or make test-browser)")
        self.themes = themes
        self.found: list[str] = []

    def check(self, page, state: str) -> None:
        """The page as it is now, in the light theme and then in the dark one."""
        # The script is injected once per document (a navigation drops it).
        if not page.evaluate("typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE_JS))
        self._run(page, f"{state} (light)", AXE_TAGS, theme="light")
        if "dark" in self.themes:
            self._run(page, f"{state} (dark)", COLOUR_RULES, theme="dark")
        page.evaluate("document.documentElement.setAttribute('data-theme', 'light')")

    def _run(self, page, state: str, rules: dict, theme: str) -> None:
        page.evaluate(f"document.documentElement.setAttribute('data-theme', '{theme}')")
        # A fading notice or a busy list has colours between two states: wait for rest.
        page.wait_for_function(SETTLED)
        result = page.evaluate(
            "runOnly => axe.run(document, {runOnly, resultTypes: ['violations']})", rules
        )
        for violation in result["violations"]:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            self.found.append(
                f"{state}: {violation['id']} ({violation['impact']}) {violation['help']}"
                f"\n    at {targets}\n    {violation['helpUrl']}"
            )

    def assert_clean(self) -> None:
        assert not self.found, f"{len(self.found)} axe violations:\n" + "\n".join(self.found)


def tour_logged_out(pages, audit: Audit, **context) -> None:
    page = pages.open(path="/accounts/login/", bypass_csp=True, **context)
    page.locator("#id_username").fill("ann")
    page.locator("#id_password").fill("wrong password")
    page.locator("form[action$='/login/'] button[type=submit]").click()
    expect(page.locator("#error-login")).to_be_visible()
    audit.check(page, "login with an error")

    page.goto("/accounts/password-reset/")
    audit.check(page, "password reset")
    page.goto("/accounts/signup/")
    audit.check(page, "signup")
    page.locator("form[action$='/signup/'] button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    audit.check(page, "signup with errors")


def tour_logged_in(pages, audit: Audit, user, **context) -> None:
    page = pages.open(user=user, bypass_csp=True, **context)
    expect(page.locator(".empty-new")).to_be_visible()
    audit.check(page, "empty task list")

    make_sample_tasks(user)
    page.reload()
    expect(rows(page)).to_have_count(6)
    audit.check(page, "task list")

    page.locator("#new-task").press("Enter")
    expect(page.locator("#error-title")).to_be_visible()
    # The error answer goes to the add form, not the list: the list is not left busy.
    expect(page.locator("#task-list")).not_to_have_attribute("aria-busy", "true")
    audit.check(page, "task list with an error")

    open_filters(page)
    page.locator("#filters select[name=status]").select_option("open")
    expect(rows(page)).to_have_count(5)
    audit.check(page, "task list filtered")

    select = rows(page).filter(has_text="Buy oat milk").locator("input[type=checkbox]")
    select.check()
    expect(page.locator("#bulk button[value=trash]")).to_be_visible()
    audit.check(page, "task selected (bulk bar)")
    select.uncheck()

    rows(page).filter(has_text="Buy oat milk").locator("a[role=button]").click()
    expect(editor(page)).to_be_visible()
    audit.check(page, "inline edit")
    editor(page).locator("[data-cancel]").click()
    expect(editor(page)).to_have_count(0)

    rows(page).filter(has_text="Call the dentist").locator("button[name=trash]").click()
    expect(page.locator("#notice .notice")).to_be_visible()
    expect(rows(page).filter(has_text="Call the dentist")).to_have_count(0)
    audit.check(page, "task deleted (undo notice)")

    page.goto("/trash/")
    audit.check(page, "trash")

    page.goto("/accounts/tokens/")
    page.locator("#id_name").fill("laptop")
    page.locator(".token-form button[type=submit]").click()
    expect(page.locator("#new-token")).to_be_visible()
    audit.check(page, "tokens with a new token")

    page.goto("/import/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "tasks.csv", "mimeType": "text/csv", "buffer": b"title,priority\n,odd\n"}]
    )
    page.locator("form[action$='/import/'] button[type=submit]").click()
    expect(page.locator("#import-errors")).to_be_visible()
    audit.check(page, "import with errors")

    task = Task.objects.get(owner=user, title="Buy oat milk")
    page.goto(f"/tasks/{task.id.hex}/edit/")
    audit.check(page, "edit page")

    tour_lists_and_plan(page, audit, user)


def tour_lists_and_plan(page, audit: Audit, user) -> None:
    """Lists and the plan of a task together: the lists pages, a list shared with the
    user as a viewer, and its task's read-only plan page."""
    owner, _ = User.objects.get_or_create(username=f"{user.username}-friend")
    family = lists.list_create(owner=owner, name="Family")
    shared = services.task_create(
        owner=owner, title="Water the plants", list=family.pk, due_date="2030-01-07"
    )
    planning.subtask_add(task=shared, title="Balcony")
    lists.member_invite(task_list=family, username=user.username, role="viewer")
    own = lists.list_create(owner=user, name="Work")
    page.goto("/lists/")
    audit.check(page, "lists page")
    page.goto(f"/lists/{own.pk}/share/")
    audit.check(page, "share page")
    page.goto(f"/?list={family.pk}")
    expect(rows(page)).to_have_count(1)
    audit.check(page, "a list shared as a viewer")
    page.goto(f"/tasks/{shared.id.hex}/plan/")
    audit.check(page, "read-only plan page")


@pytest.mark.parametrize("context", [{"viewport": DESKTOP}, PHONE], ids=["desktop", "phone"])
def test_every_page_state_has_no_axe_violations(pages, user, context):
    audit = Audit()
    tour_logged_out(pages, audit, **context)
    tour_logged_in(pages, audit, user, **context)
    audit.assert_clean()


def test_the_german_pages_have_no_axe_violations(pages, user):
    # Colours do not depend on the language: the light theme is enough here.
    audit = Audit(themes=("light",))
    tour_logged_out(pages, audit, locale="de-DE")
    tour_logged_in(pages, audit, user, locale="de-DE")
    audit.assert_clean()
