"""Repeat rules and reminder times: month ends, leap years, DST, with fixed dates."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from taskapp.planning.rules import Rule, next_date, reminder_instant, weekday_mask

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


def _series(rule, start, n):
    dates, current = [], start
    for _ in range(n):
        current = next_date(rule, current)
        dates.append(current)
    return dates


def test_it_repeats_every_n_days_and_weeks_across_a_year_end():
    assert next_date(Rule("day", 3), date(2024, 12, 30)) == date(2025, 1, 2)
    assert next_date(Rule("week", 2), date(2024, 12, 25)) == date(2025, 1, 8)


def test_it_keeps_the_31st_after_short_months():
    rule = Rule("month", 1, anchor_day=31)
    assert _series(rule, date(2024, 1, 31), 4) == [
        date(2024, 2, 29),  # leap year
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert next_date(rule, date(2025, 1, 31)) == date(2025, 2, 28)


def test_it_repeats_on_the_last_day_of_the_month():
    rule = Rule("month", 1, last_day=True)
    assert _series(rule, date(2023, 12, 31), 3) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
    ]
    assert next_date(rule, date(2025, 1, 31)) == date(2025, 2, 28)


def test_it_moves_feb_29_to_feb_28_and_back_in_leap_years():
    rule = Rule("year", 1, anchor_day=29, anchor_month=2)
    assert _series(rule, date(2024, 2, 29), 4) == [
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_it_repeats_on_chosen_weekdays():
    workdays = Rule("week", 1, weekdays=weekday_mask(["mon", "tue", "wed", "thu", "fri"]))
    # Friday 2025-03-07 -> Monday 2025-03-10
    assert next_date(workdays, date(2025, 3, 7)) == date(2025, 3, 10)
    assert next_date(workdays, date(2025, 3, 10)) == date(2025, 3, 11)
    every_other_monday_thursday = Rule("week", 2, weekdays=weekday_mask(["mon", "thu"]))
    assert _series(every_other_monday_thursday, date(2025, 3, 3), 4) == [
        date(2025, 3, 6),
        date(2025, 3, 17),
        date(2025, 3, 20),
        date(2025, 3, 31),
    ]


def test_it_describes_a_rule():
    assert Rule("week", 2, weekdays=weekday_mask(["mon", "thu"])).describe() == (
        "every 2 weeks on mon, thu"
    )
    assert Rule("month", 1, last_day=True).describe() == "every month on the last day"


def test_a_reminder_the_day_before_keeps_its_wall_time_across_dst():
    # Europe/Berlin springs forward on 2025-03-30: due Monday 31st at 9:00 CEST.
    at = reminder_instant("1d_before", due_date=date(2025, 3, 31), due_time=time(9), tz=BERLIN)
    assert at.astimezone(BERLIN) == datetime(2025, 3, 30, 9, tzinfo=BERLIN)
    assert at == datetime(2025, 3, 30, 7, tzinfo=UTC)  # CEST is UTC+2
    winter = reminder_instant("at_due", due_date=date(2025, 3, 29), due_time=time(9), tz=BERLIN)
    assert winter == datetime(2025, 3, 29, 8, tzinfo=UTC)  # CET is UTC+1


def test_an_hour_before_is_sixty_real_minutes_across_the_autumn_change():
    # 2025-10-26 03:00 CEST becomes 02:00 CET; due 03:30 CET -> reminder 02:30 CET.
    at = reminder_instant("1h_before", due_date=date(2025, 10, 26), due_time=time(3, 30), tz=BERLIN)
    assert at == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)


def test_a_time_skipped_by_dst_lands_after_the_change():
    at = reminder_instant("at_due", due_date=date(2025, 3, 30), due_time=time(2, 30), tz=BERLIN)
    assert at == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_relative_reminders_need_a_due_date_and_default_to_nine():
    assert reminder_instant("at_due", due_date=None, due_time=None, tz=UTC) is None
    assert reminder_instant("at_due", due_date=date(2025, 1, 2), due_time=None, tz=UTC) == (
        datetime(2025, 1, 2, 9, tzinfo=UTC)
    )


@pytest.mark.parametrize("bad", [["xyz"], ["funday"]])
def test_unknown_weekdays_are_refused(bad):
    with pytest.raises(ValueError):
        weekday_mask(bad)
