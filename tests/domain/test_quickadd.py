"""The quick-add parser: English and German, and plain text is never lost."""

from datetime import date, time

import pytest

from taskapp.planning.quickadd import parse

WEDNESDAY = date(2025, 3, 5)


def test_it_reads_the_example_of_the_issue():
    parsed = parse("Pay rent tomorrow 9:00 !high #home @Bills every month", today=WEDNESDAY)
    assert parsed.title == "Pay rent"
    assert parsed.due_date == date(2025, 3, 6)
    assert parsed.due_time == time(9, 0)
    assert parsed.priority == "high"
    assert parsed.tags == ["home"]
    assert parsed.list_name == "Bills"
    assert parsed.recurrence == {"frequency": "month", "interval": 1}
    assert [kind for kind, _ in parsed.parts] == [
        "recurrence",
        "priority",
        "tag",
        "list",
        "due_date",
        "due_time",
    ]
    assert parsed.text == "Pay rent tomorrow 9:00 !high #home @Bills every month"


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Müll rausbringen morgen", "Müll rausbringen", date(2025, 3, 6)),
        ("Zahnarzt nächsten Montag", "Zahnarzt", date(2025, 3, 10)),
        ("Call mom next wednesday", "Call mom", date(2025, 3, 12)),
        ("Call mom wednesday", "Call mom", date(2025, 3, 5)),
        ("Steuer übermorgen", "Steuer", date(2025, 3, 7)),
        ("Report in 3 days", "Report", date(2025, 3, 8)),
        ("Bericht in 2 Wochen", "Bericht", date(2025, 3, 19)),
        ("Pay 2025-04-01", "Pay", date(2025, 4, 1)),
        ("Zahlen 1.4.", "Zahlen", date(2025, 4, 1)),
        ("Zahlen 3.1.", "Zahlen", date(2026, 1, 3)),  # past this year: next year
        ("Plan heute", "Plan", WEDNESDAY),
        ("Plan next month", "Plan", date(2025, 4, 5)),
    ],
)
def test_it_reads_dates_in_english_and_german(text, title, due):
    parsed = parse(text, today=WEDNESDAY)
    assert (parsed.title, parsed.due_date) == (title, due)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("Meet at 9", time(9)),
        ("Meet 9am", time(9)),
        ("Meet 12am", time(0)),
        ("Meet 3:30pm", time(15, 30)),
        ("Treffen um 14 Uhr", time(14)),
        ("Treffen 18:45", time(18, 45)),
    ],
)
def test_a_time_alone_means_today(text, at):
    parsed = parse(text, today=WEDNESDAY)
    assert parsed.due_time == at
    assert parsed.due_date == WEDNESDAY
    assert parsed.title in ("Meet", "Treffen")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Gym every 2 weeks", {"frequency": "week", "interval": 2}),
        ("Gym every monday", {"frequency": "week", "interval": 1, "weekdays": ["mon"]}),
        ("Stand-up every weekday", {"frequency": "week", "interval": 1,
                                    "weekdays": ["mon", "tue", "wed", "thu", "fri"]}),
        ("Rent every last day of the month", {"frequency": "month", "interval": 1,
                                              "last_day": True}),
        ("Gießen jeden Tag", {"frequency": "day", "interval": 1}),
        ("Putzen alle 3 Wochen", {"frequency": "week", "interval": 3}),
        ("Steuer jährlich", {"frequency": "year", "interval": 1}),
        ("Sport jeden Montag", {"frequency": "week", "interval": 1, "weekdays": ["mon"]}),
    ],
)  # fmt: skip
def test_it_reads_repeat_rules(text, rule):
    parsed = parse(text, today=WEDNESDAY)
    assert parsed.recurrence == rule
    assert parsed.due_date is not None  # a series starts somewhere


@pytest.mark.parametrize(
    "text",
    [
        "Buy 3 apples",
        "Email bob@example.com",
        "Read chapter 12",
        "Wow!",
        "C# tutorial",
        "Meeting mo and do",
    ],
)
def test_ordinary_words_and_numbers_stay_in_the_title(text):
    parsed = parse(text, today=WEDNESDAY)
    assert parsed.title == text
    assert parsed.due_date is None
    assert parsed.parts == []


def test_markers_alone_keep_the_text_as_the_title():
    parsed = parse("#home !high", today=WEDNESDAY)
    assert parsed.title == "#home !high"
    assert parsed.tags == ["home"]
    assert parsed.priority == "high"


def test_unknown_priority_words_stay_in_the_title():
    parsed = parse("Say !hello", today=WEDNESDAY)
    assert parsed.title == "Say !hello"
    assert parsed.priority is None


def test_german_priorities_and_several_tags():
    parsed = parse("Rechnung !dringend #büro #Steuer #büro", today=WEDNESDAY)
    assert parsed.priority == "urgent"
    assert parsed.tags == ["büro", "steuer"]
    assert parsed.title == "Rechnung"


def test_an_impossible_date_is_left_as_text():
    parsed = parse("Pay 31.2.2025", today=WEDNESDAY)
    assert parsed.due_date is None
    assert parsed.title == "Pay 31.2.2025"


def test_as_dict_is_json_ready():
    data = parse("Pay rent tomorrow 9:00 every month", today=WEDNESDAY).as_dict()
    assert data["due_date"] == "2025-03-06"
    assert data["due_time"] == "09:00"
    assert data["parts"][0] == {"kind": "recurrence", "text": "every month"}
