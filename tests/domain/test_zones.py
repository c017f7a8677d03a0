"""A new user's time zone: the browser's, else one their Accept-Language implies."""

import pytest
from django.core.exceptions import ValidationError

from taskapp.accounts.models import Profile, user_timezone
from taskapp.accounts.zones import set_timezone, zone_for_new_user, zone_from_accept_language


@pytest.mark.parametrize(
    ("header", "zone"),
    [
        ("de-AT,de;q=0.9,en;q=0.8", "Europe/Vienna"),
        # Germany's two zones (Berlin, Busingen) keep one clock: the first is taken.
        ("fr;q=0.9, de-DE;q=0.8", "Europe/Berlin"),
        ("en-GB", "Europe/London"),
        # By quality, not by position.
        ("en-GB;q=0.5, de-CH", "Europe/Zurich"),
        # Clocks apart within the country: no guess.
        ("en-US,en;q=0.9", None),
        ("es-ES", None),
        # No region, or nothing usable.
        ("de", None),
        ("", None),
        ("garbage;q=x,,;;", None),
    ],
)
def test_a_region_with_one_clock_gives_its_zone(header, zone):
    assert zone_from_accept_language(header) == zone


def test_the_browsers_zone_wins_then_the_header_then_utc():
    assert zone_for_new_user("America/Chicago", "de-AT") == "America/Chicago"
    assert zone_for_new_user("Mars/Olympus_Mons", "de-AT") == "Europe/Vienna"
    assert zone_for_new_user("", "en-US") == "UTC"


def test_setting_a_zone_keeps_it_and_refuses_an_unknown_one(user):
    assert user_timezone(user).key == "UTC"
    assert set_timezone(user, " Asia/Tokyo ") == "Asia/Tokyo"
    assert user_timezone(Profile.objects.get(user=user).user).key == "Asia/Tokyo"
    with pytest.raises(ValidationError) as refused:
        set_timezone(user, "Asia/Atlantis")
    assert list(refused.value.message_dict) == ["timezone"]
    assert Profile.objects.get(user=user).timezone == "Asia/Tokyo"
