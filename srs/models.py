"""Spaced repetition: one FSRS card per (learner, question), its review log,
and the reminder log that makes each day's e-mail go out exactly once."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Card(models.Model):
    """A learner's FSRS memory state for one question (created at its first answer)."""

    class State(models.IntegerChoices):  # the values of fsrs.State
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    question = models.ForeignKey("quizbank.Question", on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    # Always the start of a study day (the learner's rollover hour), in UTC.
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="card_per_question")
        ]
        indexes = [models.Index(fields=["user", "due"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id} due {self.due:%Y-%m-%d}"


class ReviewLog(models.Model):
    """One answer as the scheduler saw it. Times are UTC."""

    class Rating(models.IntegerChoices):  # the values of fsrs.Rating
        AGAIN = 1, "Again"
        HARD = 2, "Hard"
        GOOD = 3, "Good"
        EASY = 4, "Easy"

    class Kind(models.TextChoices):
        NEW = "new", "First answer"
        REVIEW = "review", "Due review"
        EARLY = "early", "Before it was due"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attempt = models.OneToOneField(
        "quizbank.Attempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="review"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    # False for a right answer before the card was due: it leaves the schedule alone.
    rescheduled = models.BooleanField(default=True)
    in_review = models.BooleanField(default=False, help_text="Answered in a spaced-review session.")
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True, help_text="After the review.")
    difficulty = models.FloatField(null=True, blank=True, help_text="After the review.")
    due = models.DateTimeField(help_text="After the review.")

    class Meta:
        indexes = [models.Index(fields=["user", "kind", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.card_id} {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"


class ReminderLog(models.Model):
    """At most one reminder per learner per local study day: the dispatcher
    claims the row (unique), the task sends and marks it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    local_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=60, blank=True)
    due_count = models.PositiveIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "local_date"], name="one_reminder_per_day")
        ]
        indexes = [
            models.Index(
                fields=["queued_at"], name="reminder_queued", condition=models.Q(status="queued")
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.local_date} {self.status}"
