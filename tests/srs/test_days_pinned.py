"""The study day, pinned to hand-worked instants (issue 23, mutation testing).

Every expected value below was worked out by hand from the time-zone tables:
Europe/Paris is UTC+1 in winter and UTC+2 from 02:00 UTC on 29 March 2026;
America/New_York is UTC-5 in January.
"""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from srs.days import DayRule

PARIS = DayRule(ZoneInfo("Europe/Paris"), 4)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_learner_without_a_zone_counts_days_in_utc():
    rule = DayRule.for_user(SimpleNamespace(timezone="", day_rollover_hour=4))
    assert rule == DayRule(ZoneInfo("UTC"), 4)
    assert rule.start(date(2026, 1, 15)) == utc(2026, 1, 15, 4)


def test_a_learner_with_a_zone_and_hour_gets_them():
    rule = DayRule.for_user(SimpleNamespace(timezone="America/New_York", day_rollover_hour=6))
    assert rule == DayRule(ZoneInfo("America/New_York"), 6)


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (utc(2026, 1, 15, 2, 59), date(2026, 1, 14)),  # 03:59 in Paris: still yesterday
        (utc(2026, 1, 15, 3, 0), date(2026, 1, 15)),  # 04:00 in Paris: the new day
        (utc(2026, 1, 15, 22, 30), date(2026, 1, 15)),  # 23:30 in Paris
        (utc(2026, 1, 15, 23, 30), date(2026, 1, 15)),  # 00:30 next day in Paris, before 04:00
        (utc(2026, 1, 16, 3, 0), date(2026, 1, 16)),
    ],
)
def test_the_day_an_instant_belongs_to(at, day):
    assert PARIS.day_of(at) == day


def test_a_day_starts_at_the_rollover_hour_local_time():
    assert PARIS.start(date(2026, 1, 15)) == utc(2026, 1, 15, 3)  # 04:00 CET
    assert PARIS.start(date(2026, 6, 15)) == utc(2026, 6, 15, 2)  # 04:00 CEST
    new_york = DayRule(ZoneInfo("America/New_York"), 4)
    assert new_york.start(date(2026, 1, 15)) == utc(2026, 1, 15, 9)  # 04:00 EST
    assert PARIS.start(date(2026, 1, 15)).utcoffset().total_seconds() == 0


def test_a_day_ends_where_the_next_one_starts_even_across_a_clock_change():
    assert PARIS.end(date(2026, 1, 15)) == utc(2026, 1, 16, 3)
    # Summer time begins on 29 March: that study day starts at 04:00 CEST = 02:00 UTC,
    # so the day before lasts 23 hours.
    assert PARIS.end(date(2026, 3, 28)) == utc(2026, 3, 29, 2)
    assert PARIS.end(date(2026, 3, 28)) - PARIS.start(date(2026, 3, 28)) == (
        utc(2026, 3, 29, 2) - utc(2026, 3, 28, 3)
    )


def test_time_of_day_is_counted_from_the_rollover():
    assert PARIS.shifted_time(utc(2026, 1, 15, 10, 15)) == time(7, 15)  # 11:15 local
    assert PARIS.shifted_time(utc(2026, 1, 15, 3, 0)) == time(0, 0)  # 04:00 local
    assert PARIS.shifted_time(utc(2026, 1, 15, 2, 30)) == time(23, 30)  # 03:30 local


@pytest.mark.parametrize(
    ("at", "reminder", "passed"),
    [
        (utc(2026, 1, 15, 17, 59), time(19, 0), False),  # 18:59 local
        (utc(2026, 1, 15, 18, 0), time(19, 0), True),  # 19:00 local, exactly
        (utc(2026, 1, 15, 3, 30), time(19, 0), False),  # 04:30 local: a new day began
        # A reminder at 02:00 belongs to the end of the study day that began at 04:00.
        (utc(2026, 1, 15, 22, 0), time(2, 0), False),  # 23:00 local
        (utc(2026, 1, 16, 0, 59), time(2, 0), False),  # 01:59 local
        (utc(2026, 1, 16, 1, 0), time(2, 0), True),  # 02:00 local
        (utc(2026, 1, 16, 2, 30), time(2, 0), True),  # 03:30 local, same study day
    ],
)
def test_a_reminder_time_passes_within_the_study_day(at, reminder, passed):
    assert PARIS.reminder_passed(at, reminder) is passed
