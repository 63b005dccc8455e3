from datetime import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def clock(settings):
    """Move srs's clock (which readiness shares): `clock.to(datetime)`."""

    class Clock:
        def to(self, when: datetime) -> None:
            settings.SRS_CLOCK_OFFSET = when - timezone.now()

    settings.SRS_ENABLE_FUZZ = False
    return Clock()
