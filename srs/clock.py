"""The spaced-repetition clock: real time, plus a test-only offset.

`SRS_CLOCK_OFFSET` (a timedelta) lets tests and local development move
"now" forward to when cards are due without sleeping. It is honoured only
when settings.TESTING or settings.DEBUG, so production always runs on real time.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def offset() -> timedelta:
    if not (getattr(settings, "TESTING", False) or settings.DEBUG):
        return timedelta(0)
    return getattr(settings, "SRS_CLOCK_OFFSET", None) or timedelta(0)


def now() -> datetime:
    return timezone.now() + offset()
