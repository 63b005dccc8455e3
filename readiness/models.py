"""The learner's goal, the forecast computed when their answers change (one row
per study day, so yesterday's stays as a snapshot), and today's plan."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Goal(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goal"
    )
    interview_date = models.DateField(null=True, blank=True)
    target_score = models.PositiveSmallIntegerField(
        "target score (%)", default=80, validators=[MinValueValidator(25), MaxValueValidator(100)]
    )
    minutes_per_day = models.PositiveSmallIntegerField(
        "minutes a day", default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.target_score}% by {self.interview_date or 'no date'}"


class Forecast(models.Model):
    """The expected syllabus-mock score on the date, plan followed and if the
    learner stops now, each with its 80% interval; points out of 100."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forecasts"
    )
    day = models.DateField(help_text="The learner's study day it was made on.")
    target_date = models.DateField()
    mean = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    stop_mean = models.FloatField()
    stop_low = models.FloatField()
    stop_high = models.FloatField()
    enough = models.BooleanField(help_text="Enough answers for a forecast.")
    answers = models.PositiveIntegerField(default=0)
    # [{"number", "title", "plan": {mean, low, high, enough}, "stop": {…}}]
    sections = models.JSONField(default=list)
    due_forecast = models.JSONField(default=list, help_text="Reviews due on each of 14 days.")
    minutes_needed = models.PositiveSmallIntegerField(null=True, blank=True)
    # The same forecast for a mock sat the next day: what a mock is checked against.
    next_day_mean = models.FloatField(null=True, blank=True)
    next_day_low = models.FloatField(null=True, blank=True)
    next_day_high = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_forecast_per_day")]
        indexes = [models.Index(fields=["user", "-day"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.mean:.0f} ({self.low:.0f}–{self.high:.0f})"


class Plan(models.Model):
    """What to do today: the reviews due and the new questions, in order."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_plan"
    )
    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    new_question_ids = models.JSONField(default=list)
    minutes = models.PositiveIntegerField(default=0)
    new_limited = models.BooleanField(
        default=False,
        help_text="The learner's daily new-question limit, not their minutes, holds the plan back.",
    )
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.reviews} reviews + {self.new} new"

    @property
    def new(self) -> int:
        return len(self.new_question_ids)


class Mock(models.Model):
    """A syllabus mock the learner sat, beside the forecast made the day before."""

    session = models.OneToOneField(
        "quizbank.PracticeSession", on_delete=models.CASCADE, related_name="readiness_mock"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    score = models.FloatField(null=True, blank=True, help_text="Points, once it ends.")
    forecast_mean = models.FloatField(null=True, blank=True)
    forecast_low = models.FloatField(null=True, blank=True)
    forecast_high = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-day"])]

    def __str__(self) -> str:
        return f"{self.user_id} mock {self.day}: {self.score}"
