"""The settings page (time zone) and the zone a new account starts with."""

import pytest
from django.contrib.auth.models import User

from taskapp.accounts.models import Profile

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "dora",
    "password1": "a long pass phrase 7",
    "password2": "a long pass phrase 7",
}


def zone_of(username) -> str:
    return Profile.objects.get(user=User.objects.get(username=username)).timezone


def test_sign_up_takes_the_browsers_zone(client):
    assert (
        client.post("/accounts/signup/", {**SIGNUP, "timezone": "America/Chicago"}).status_code
        == 302
    )
    assert zone_of("dora") == "America/Chicago"


def test_without_javascript_sign_up_guesses_from_the_language(client):
    client.post(
        "/accounts/signup/", {**SIGNUP, "timezone": ""}, HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9"
    )
    assert zone_of("dora") == "Europe/Vienna"


def test_an_unknown_browser_zone_and_no_region_leave_utc(client):
    client.post("/accounts/signup/", {**SIGNUP, "timezone": "x" * 300}, HTTP_ACCEPT_LANGUAGE="en")
    assert zone_of("dora") == "UTC"


def test_the_sign_up_page_asks_the_browser(client):
    assert b'name="timezone" value="" data-browser-zone' in client.get("/accounts/signup/").content


def test_the_settings_page_shows_and_changes_the_zone(logged_in_client, user):
    page = logged_in_client.get("/accounts/settings/").content.decode()
    assert '<option value="UTC" selected>UTC</option>' in page
    assert '<option value="America/New_York">America/New York</option>' in page
    response = logged_in_client.post(
        "/accounts/settings/", {"timezone": "Europe/Berlin"}, follow=True
    )
    assert response.redirect_chain == [("/accounts/settings/", 302)]
    assert "Settings saved." in response.content.decode()
    assert zone_of(user.username) == "Europe/Berlin"
    assert '<option value="Europe/Berlin" selected>' in response.content.decode()


def test_a_bad_zone_is_named_next_to_the_field_and_changes_nothing(logged_in_client, user):
    response = logged_in_client.post("/accounts/settings/", {"timezone": "Europe/Atlantis"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-timezone"' in html and 'aria-invalid="true"' in html
    assert Profile.objects.filter(user=user, timezone="Europe/Atlantis").count() == 0


def test_settings_need_a_login(client):
    response = client.get("/accounts/settings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_settings_page_in_german(logged_in_client):
    html = logged_in_client.get("/accounts/settings/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Einstellungen" in html and "Zeitzone" in html
