"""A new account starts in the browser's time zone; the settings page changes it."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from taskapp.accounts.models import user_timezone
from tests.browser.axe import page_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("java_script", "zone"), [(True, "America/Chicago"), (False, "Europe/Vienna")]
)
def test_sign_up_then_change_the_time_zone(pages, db, java_script, zone):
    # Without JavaScript the zone comes from the language the browser asks for.
    page = pages.open(
        path="/accounts/signup/",
        timezone_id="America/Chicago",
        java_script_enabled=java_script,
        locale="de-AT",  # Accept-Language: de-AT
    )
    page.get_by_label("Benutzername").fill("dora")
    page.get_by_label("Passwort", exact=True).fill("a long pass phrase 7")
    page.get_by_label("Passwort bestätigen").fill("a long pass phrase 7")
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    dora = User.objects.get(username="dora")
    assert user_timezone(dora).key == zone

    page.get_by_role("link", name="Einstellungen").first.click()
    expect(page.get_by_label("Zeitzone")).to_have_value(zone)
    page.get_by_label("Zeitzone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Einstellungen gespeichert.")).to_be_visible()
    assert user_timezone(User.objects.get(username="dora")).key == "Asia/Tokyo"
    assert page_violations(pages, dora, "/accounts/settings/") == []
