"""How the list looks: light and dark themes, a phone screen, German. Saves the
screenshots of the list page that `make test` points to."""

import re
import time
from datetime import date

import pytest
from playwright.sync_api import expect

from taskapp.tasks import services
from tests.browser.tasks_page import (
    DESKTOP,
    PHONE,
    contrast,
    done_box,
    luminance,
    make_sample_tasks,
    page_colours,
    row,
    rows,
    screenshot,
)

pytestmark = pytest.mark.browser

SAMPLE_TITLES = 6


def expect_theme(page, theme: str) -> None:
    """The page is drawn in ``theme`` with readable text (WCAG AA contrast). Polls
    briefly, so that a colour transition after the toggle does not fail the test."""
    deadline = time.monotonic() + 2
    while True:
        background, text = page_colours(page)
        dark = luminance(background) < 0.2
        light = luminance(background) > 0.6
        if (dark if theme == "dark" else light) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(100)
    assert dark if theme == "dark" else light, f"background {background} is not {theme}"
    assert contrast(background, text) >= 4.5, f"text {text} on {background} is hard to read"


def test_it_follows_the_system_theme_and_remembers_the_toggle(pages, user):
    make_sample_tasks(user)
    light = pages.open(user=user, color_scheme="light")
    expect(rows(light)).to_have_count(SAMPLE_TITLES)
    expect_theme(light, "light")
    screenshot(light, "list-desktop-light.png")

    dark = pages.open(user=user, color_scheme="dark")
    expect(rows(dark)).to_have_count(SAMPLE_TITLES)
    expect_theme(dark, "dark")
    screenshot(dark, "list-desktop-dark.png")

    # On a light system the toggle switches to dark, and the choice survives a reload.
    toggle = light.get_by_role("button", name="Toggle dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(light.locator("html")).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect_theme(light, "dark")
    light.reload()
    expect(light.locator("html")).to_have_attribute("data-theme", "dark")
    expect(light.get_by_role("button", name="Toggle dark mode")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect_theme(light, "dark")

    light.get_by_role("button", name="Toggle dark mode").click()
    light.reload()
    expect(light.locator("html")).to_have_attribute("data-theme", "light")
    expect_theme(light, "light")


def test_it_fits_a_phone_screen(pages, user):
    make_sample_tasks(user)
    page = pages.open(user=user, viewport=PHONE, is_mobile=True, has_touch=True)
    expect(rows(page)).to_have_count(SAMPLE_TITLES)
    assert_no_horizontal_scroll(page)
    screenshot(page, "list-phone.png")

    # The overdue and due-today rows stand out.
    expect(row(page, "Pay the electricity bill")).to_have_class(re.compile(r"\bis-overdue\b"))
    expect(row(page, "Call the dentist")).to_have_class(re.compile(r"\bis-due-today\b"))

    # The inline edit form fits too, and the row works by touch.
    page.get_by_role("button", name="Edit Buy oat milk").tap()
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Cancel").tap()
    done_box(page, "Buy oat milk").tap()
    expect(done_box(page, "Buy oat milk")).to_be_checked()
    assert_no_horizontal_scroll(page)


def assert_filters_fit(page) -> None:
    """Every filter select shows its chosen option whole (German labels are long)."""
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('#filters select')).filter(select => {
            const style = getComputedStyle(select);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const text = ctx.measureText(select.selectedOptions[0].text).width;
            const room = select.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight) - 20;  // the arrow
            return text > room;
        }).map(select => select.name)"""
    )
    assert not cut, f"these filters cut off their text: {cut}"


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_it_speaks_the_browsers_language(pages, user):
    make_sample_tasks(user)
    services.task_create(owner=user, title="Book the spring trip", due_date=date(2031, 3, 5))
    page = pages.open(user=user, locale="de-DE")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1, name="Aufgaben")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_have_count(0)
    expect(done_box(page, "Call the dentist")).to_have_count(0)  # "Done: ..." is translated
    trip = rows(page).filter(has_text="Book the spring trip")
    expect(trip).to_contain_text("März")  # dates in the user's language
    dentist = rows(page).filter(has_text="Call the dentist")
    expect(dentist).to_contain_text("Heute fällig")
    expect(dentist).not_to_contain_text("heute")  # the date is not said twice
    assert_filters_fit(page)
    screenshot(page, "list-desktop-de.png")
    page.set_viewport_size(PHONE)
    assert_filters_fit(page)
    page.set_viewport_size(DESKTOP)

    # The switcher changes the language for good (with JS it submits on change).
    language = page.get_by_role("combobox", name="Sprache", exact=True)
    expect(language.locator("option:checked")).to_have_text("Deutsch")
    language.select_option(label="English")
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    expect(done_box(page, "Call the dentist")).to_be_visible()
    expect(trip).not_to_contain_text("März")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    expect(done_box(page, "Call the dentist")).to_be_visible()
