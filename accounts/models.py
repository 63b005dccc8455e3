import zoneinfo
from datetime import time
from functools import lru_cache

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone: listing them reads the zoneinfo folder, so once per process."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(DjangoUserManager):
    """Users sign in with their email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=60, blank=True)
    # The learner's own day: streaks, "today" and reminders are counted in it.
    timezone = models.CharField(max_length=64, default="UTC", choices=timezone_choices)
    # Spaced repetition: the learner's day starts at this local hour, not midnight,
    # so a late-night session still counts as "today" (as in Anki).
    day_rollover_hour = models.PositiveSmallIntegerField(
        "day starts at", default=4, validators=[MaxValueValidator(23)]
    )
    reminders_enabled = models.BooleanField("e-mail me when reviews are due", default=True)
    # Why reminders were turned off for the learner (a mail server refused the
    # address); shown on the profile, cleared when they turn reminders back on.
    reminders_off_reason = models.CharField(max_length=300, blank=True)
    reminder_time = models.TimeField("reminder time", default=time(18, 0))
    desired_retention = models.FloatField(
        default=0.9, validators=[MinValueValidator(0.8), MaxValueValidator(0.95)]
    )
    review_limit = models.PositiveSmallIntegerField(
        "reviews per day", default=200, validators=[MaxValueValidator(9999)]
    )
    new_limit = models.PositiveSmallIntegerField(
        "new questions per day", default=10, validators=[MaxValueValidator(999)]
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def cache_tag(self) -> str:
        """The learner in cache keys: id and join time, so a recycled id (a test
        database) never reads another learner's entries."""
        joined = int(self.date_joined.timestamp() * 1e6) if self.date_joined else 0
        return f"{self.pk}:{joined}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)
