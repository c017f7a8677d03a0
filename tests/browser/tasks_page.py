"""How the browser tests see the task list: locators by accessible name (the UI
contract in helpers' UI-CONTRACT.md), and checks that need a little JavaScript."""

import os
import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from taskapp.tasks import services

SCREENSHOTS = Path(os.environ.get("ARTIFACTS", "test-artifacts")) / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
PHONE_375 = {"width": 375, "height": 740}  # issue 11's phone

# Set on `window` before an action; it survives only if the page did not navigate.
MARKER = "__taskappNoReload"


def new_task_box(page):
    return page.get_by_role("textbox", name="New task", exact=True)


def search_box(page):
    return page.get_by_role("searchbox", name="Search tasks", exact=True)


def done_box(page, title: str):
    """The Done checkbox (a button with role=checkbox: click it, `check()` would fail
    when the answer replaces the row)."""
    return page.get_by_role("checkbox", name=f"Done: {title}", exact=True)


def rows(page):
    """The list's items."""
    return page.locator("#task-list").get_by_role("listitem")


def row(page, title: str):
    """The list row of the task called ``title`` (found by its Done checkbox)."""
    return rows(page).filter(has=done_box(page, title))


def open_filters(page) -> None:
    """Unfold the filters (status, priority, ...) behind the "Filters" toggle."""
    toggle = page.locator("#filters summary")
    if toggle.locator("xpath=..").get_attribute("open") is None:
        toggle.click()


def editor(page):
    """The edit form of the task being edited: inline in the list, or on a page of its own."""
    return page.locator("li.is-editing")


def fill_editor(page, *, title: str) -> None:
    """Change every field of the open edit form and save."""
    form = editor(page)
    form.get_by_role("textbox", name="Title", exact=True).fill(title)
    form.get_by_role("textbox", name="Description", exact=True).fill("The barista kind.")
    form.get_by_role("combobox", name="Priority", exact=True).select_option(label="High")
    form.get_by_label("Due date", exact=True).fill("2031-03-05")
    form.get_by_role("textbox", name="Tags", exact=True).fill("Shopping, home")
    form.get_by_role("button", name="Save", exact=True).click()


def count(page, kind: str):
    """The number shown for ``kind`` (open, done, overdue) in the counts."""
    return page.locator(f"#count-{kind}")


def shown_titles(page):
    """A locator whose count and texts are the titles listed, via the Done checkboxes."""
    return rows(page).get_by_role("checkbox", name=re.compile(r"^Done: "))


def expect_titles(page, titles) -> None:
    """Exactly these tasks are listed (in any order)."""
    expect(shown_titles(page)).to_have_count(len(titles))
    for title in titles:
        expect(done_box(page, title)).to_be_visible()


def mark_page(page) -> None:
    page.evaluate(f"window.{MARKER} = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate(f"window.{MARKER} === true"), "the page navigated or reloaded"


def assert_assets_loaded(page) -> None:
    """The app's own CSS applies and htmx runs (static files are served)."""
    sheets = page.evaluate(
        """() => Array.from(document.styleSheets)
                .filter(s => s.href)
                .map(s => ({href: s.href, rules: s.cssRules.length}))"""
    )
    assert sheets, "the page links no stylesheet"
    assert all(s["rules"] > 0 for s in sheets), f"empty or unloaded stylesheets: {sheets}"
    assert page.evaluate("typeof window.htmx") == "object", "htmx is not loaded"


# Converts any CSS colour (rgb, oklch, ...) to sRGB through a 1x1 canvas.
_SRGB = """color => {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.fillStyle = color; ctx.fillRect(0, 0, 1, 1);
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
}"""


def page_colours(page) -> tuple[list[int], list[int]]:
    """(background, text) colour of the page as sRGB triples."""
    background, text = page.evaluate(
        """() => {
            const opaque = c => c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c);
            const body = getComputedStyle(document.body);
            const root = getComputedStyle(document.documentElement);
            const bg = [body.backgroundColor, root.backgroundColor].find(opaque) || 'white';
            return [bg, body.color];
        }"""
    )
    return page.evaluate(_SRGB, background), page.evaluate(_SRGB, text)


def luminance(rgb) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def make_sample_tasks(user) -> None:
    """A list that shows every kind of row: overdue, due today, done, tagged, urgent."""
    today = timezone.localdate()
    samples = [
        {"title": "Pay the electricity bill", "due_date": today - timedelta(days=2),
         "priority": "urgent", "tags": ["home", "money"]},
        {"title": "Call the dentist", "due_date": today, "priority": "high"},
        {"title": "Renew passport at the town hall before the summer holidays start",
         "due_date": today + timedelta(days=20), "tags": ["travel"],
         "description": "Bring two photos and the old passport."},
        {"title": "Buy oat milk", "priority": "low", "tags": ["shopping"]},
        {"title": "Water the plants", "status": "done"},
        {"title": "Write the quarterly report", "due_date": today + timedelta(days=3),
         "tags": ["work"]},
    ]  # fmt: skip
    for fields in samples:
        services.task_create(owner=user, **fields)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=path, full_page=True)
    return path


def slow_network(page, latency_ms: int = 300):
    """Every request of ``page`` takes ``latency_ms`` longer (Chromium's own network
    emulation through CDP, as DevTools' throttling does; loopback included)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    return cdp


# Records, for each element that becomes aria-busy (was not before), how long after
# the user's last action event (click, key, change, typing) it did: the busy state's
# delay as the page sees it.
_WATCH_BUSY = """() => {
    window.__busyDelays = [];
    let started = performance.now();
    for (const type of ['click', 'keydown', 'change', 'input']) {
        document.addEventListener(type, () => { started = performance.now(); }, true);
    }
    new MutationObserver(changes => {
        for (const change of changes) {
            if (change.target.getAttribute('aria-busy') === 'true' && change.oldValue !== 'true') {
                window.__busyDelays.push(performance.now() - started);
            }
        }
    }).observe(document.body, {
        attributes: true, attributeFilter: ['aria-busy'], attributeOldValue: true, subtree: true,
    });
}"""


def watch_busy(page) -> None:
    page.evaluate(_WATCH_BUSY)


def busy_delays(page) -> list[float]:
    """The delays recorded since the last call (ms)."""
    return page.evaluate("() => window.__busyDelays.splice(0)")
