"""The learner's day, counted one way everywhere.

A study day runs from the learner's rollover hour (default 04:00) in their own
time zone to the same hour the next day. Cards fall due at the start of a
study day, FSRS counts intervals in study days, "due today" means due before
the current study day ends, and reminders are logged per study day. SQL that
must agree with this (the reminder dispatcher) uses the same rule.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DayRule:
    tz: ZoneInfo
    rollover_hour: int

    @classmethod
    def for_user(cls, user) -> "DayRule":
        return cls(ZoneInfo(user.timezone or "UTC"), user.day_rollover_hour)

    def day_of(self, at: datetime) -> date:
        """The study day that instant `at` belongs to."""
        return (at.astimezone(self.tz) - timedelta(hours=self.rollover_hour)).date()

    def start(self, day: date) -> datetime:
        """The UTC instant study day `day` begins."""
        local = datetime.combine(day, time(self.rollover_hour), tzinfo=self.tz)
        return local.astimezone(UTC)

    def end(self, day: date) -> datetime:
        return self.start(day + timedelta(days=1))

    def shifted_time(self, at: datetime) -> time:
        """Time of day of `at` counted from the rollover (00:00 = the day's start)."""
        return (at.astimezone(self.tz) - timedelta(hours=self.rollover_hour)).time()

    def reminder_passed(self, at: datetime, reminder: time) -> bool:
        """Has the learner's local reminder time passed in the study day of `at`?"""
        moment = datetime.combine(date(2000, 1, 1), reminder) - timedelta(hours=self.rollover_hour)
        return self.shifted_time(at) >= moment.time()
