"""The question bank (sections, subsections, questions, choices) and practice history."""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Q, Value
from django.urls import reverse
from django.utils import timezone

from .markdown import render_markdown, search_text, snippet_html
from .rules import (
    CHOICE_SNIPPET_CHARS,
    NOTE_MAX_LENGTH,
    REPORT_MAX_LENGTH,
    STEM_SNIPPET_CHARS,
    Difficulty,
)


class Section(models.Model):
    number = models.CharField(max_length=8, unique=True)
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    band = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("practice-section", args=[self.slug])


class Subsection(models.Model):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="subsections")
    number = models.CharField(max_length=12, unique=True)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    floor = models.PositiveSmallIntegerField(default=0)
    target = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="subsection_slug_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("practice-subsection", args=[self.section.slug, self.slug])


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)


class Question(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    external_id = models.SlugField(
        "ID", max_length=120, unique=True, help_text="The stable id used in the YAML files."
    )
    subsection = models.ForeignKey(Subsection, on_delete=models.PROTECT, related_name="questions")
    difficulty = models.CharField(max_length=6, choices=Difficulty.choices)
    stem = models.TextField(help_text="Markdown; code in fenced blocks, maths in $…$ or $$…$$.")
    stem_html = models.TextField(editable=False)
    # One line of rendered HTML for lists (maths as MathML, code as code).
    stem_snippet = models.TextField(editable=False, blank=True, default="")
    explanation = models.TextField(help_text="Markdown, 60–250 words.")
    explanation_html = models.TextField(editable=False)
    tags = models.JSONField(default=list, blank=True)
    # Plain text of stem, choices, explanation and tags for /search/ (a GIN
    # full-text index on Postgres, icontains on SQLite); see search_document_refresh.
    search_document = models.TextField(editable=False, blank=True, default="")
    # Postgres only: the document's English tsvector, stored so ranking does not
    # parse every matching document again (GIN-indexed, migration 0007).
    search_vector = SearchVectorField(null=True, editable=False)
    references = models.JSONField(default=list, blank=True)
    figure_file = models.CharField(
        max_length=200, blank=True, help_text="An SVG under fixtures/questionbank/figures/."
    )
    figure_alt = models.TextField(blank=True, help_text="What a screen reader says; 40+ chars.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    position = models.PositiveIntegerField(default=0, help_text="Order within its file.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["subsection__section__position", "subsection__position", "position"]
        indexes = [
            models.Index(fields=["subsection", "status", "difficulty"]),
            # The dashboard's cache key (the bank's newest edit and sizes) and the
            # analytics' question -> subsection joins read these alone, never the
            # wide rows with their rendered HTML (issue 15).
            models.Index(fields=["status", "updated_at"], name="question_bank_version"),
            models.Index(fields=["id", "subsection"], name="question_subsection"),
        ]

    def __str__(self) -> str:
        return self.external_id

    def save(self, *args, **kwargs):
        # Rendered once here, never per request.
        self.stem_html = render_markdown(self.stem)
        self.stem_snippet = snippet_html(self.stem_html, STEM_SNIPPET_CHARS)
        self.explanation_html = render_markdown(self.explanation)
        self.search_document = self._search_text()
        super().save(*args, **kwargs)
        if connection.vendor == "postgresql":
            Question.objects.filter(pk=self.pk).update(search_vector=_vector(self.search_document))

    def _search_text(self) -> str:
        choices = list(self.choices.values_list("text", flat=True)) if self.pk else []
        return search_text(self.stem, *choices, self.explanation, " ".join(self.tags or []))

    def search_document_refresh(self) -> None:
        """Rebuild the search text once the choices changed (each choice's save calls it)."""
        self.search_document = self._search_text()
        fields = {"search_document": self.search_document}
        if connection.vendor == "postgresql":
            fields["search_vector"] = _vector(self.search_document)
        Question.objects.filter(pk=self.pk).update(**fields)


SEARCH_CONFIG = "english"


def _vector(document: str) -> SearchVector:
    return SearchVector(Value(document, output_field=models.TextField()), config=SEARCH_CONFIG)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    text_html = models.TextField(editable=False)
    text_snippet = models.TextField(editable=False, blank=True, default="")
    correct = models.BooleanField(default=False)
    why = models.TextField(help_text="Markdown: why this option is right or wrong.")
    why_html = models.TextField(editable=False)
    misconception = models.SlugField(max_length=120, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_position"),
            models.UniqueConstraint(
                fields=["question"], condition=Q(correct=True), name="one_correct_choice"
            ),
        ]
        indexes = [
            # The dashboard's misconceptions: a learner's wrong answers counted per
            # choice, joined to their misconception without reading the wide rows.
            models.Index(
                fields=["id"],
                include=["misconception", "question"],
                condition=~Q(misconception=""),
                name="choice_misconception",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text, inline=True)
        self.text_snippet = snippet_html(self.text_html, CHOICE_SNIPPET_CHARS)
        self.why_html = render_markdown(self.why)
        super().save(*args, **kwargs)
        self.question.search_document_refresh()


class PracticeSession(models.Model):
    class Mode(models.TextChoices):
        TUTOR = "tutor", "Tutor"
        TIMED = "timed", "Timed mock interview"
        REVIEW = "review", "Spaced review"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TUTOR)
    title = models.CharField(max_length=200)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL)
    subsection = models.ForeignKey(Subsection, null=True, blank=True, on_delete=models.SET_NULL)
    difficulties = models.JSONField(default=list, blank=True)
    size = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Timed mode: the server's end time; nothing is accepted after it.
    deadline = models.DateTimeField(null=True, blank=True)
    # Timed mode: which item the learner is on since when, to time each item.
    current_item = models.ForeignKey(
        "SessionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_mode_display()})"

    def get_absolute_url(self) -> str:
        return reverse("session-detail", args=[self.pk])

    @property
    def is_timed(self) -> bool:
        return self.mode == self.Mode.TIMED

    def is_over(self, now: datetime | None = None) -> bool:
        """Finished, or a timed test whose deadline has passed (the one rule for
        "is this test over?": past its deadline nothing more is accepted)."""
        if self.finished_at is not None:
            return True
        return self.is_timed and (now or timezone.now()) >= self.deadline


class SessionItem(models.Model):
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    # Choice ids in the order this learner sees them: shuffled once, stable on reload.
    choice_order = models.JSONField()
    presented_at = models.DateTimeField(null=True, blank=True)
    # Timed mode keeps the answer here, changeable until the end; tutor mode
    # records an Attempt at once.
    response = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked = models.BooleanField(default=False, help_text="Marked for review (timed mode).")
    time_spent_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="item_position"),
            models.UniqueConstraint(fields=["session", "question"], name="item_question"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.position}"

    def get_absolute_url(self) -> str:
        return reverse("session-item", args=[self.session_id, self.position])


class Confidence(models.TextChoices):
    SURE = "sure", "Sure"
    GUESS = "guess", "Guess"


class Attempt(models.Model):
    # No index of its own: every index below starts with the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attempts",
        db_index=False,
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    # Null when the learner pressed "I don't know".
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    correct = models.BooleanField()
    confidence = models.CharField(max_length=5, choices=Confidence.choices, blank=True)
    time_taken_ms = models.PositiveIntegerField(null=True, blank=True)
    # One attempt per item: a double submit can never be counted twice.
    item = models.OneToOneField(
        SessionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempt"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "question", "-created_at"]),
            # The dashboard's windows (last 90 days, 26 weeks...) read the index
            # alone: what they count rides in it (issue 15).
            models.Index(
                fields=["user", "-created_at", "question", "correct", "confidence", "choice"],
                name="attempt_recent",
            ),
            models.Index(fields=["question", "choice"]),
            models.Index(fields=["user", "confidence", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.question_id} {'✓' if self.correct else '✗'}"

    @property
    def dont_know(self) -> bool:
        return self.choice_id is None


class QuestionProgress(models.Model):
    """Each learner's running record of one question, kept up to date as they
    answer, so "missed", "unused" and "seen" never scan the attempt history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_progress"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    correct_attempts = models.PositiveIntegerField(default=0)
    last_correct = models.BooleanField()
    last_choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_answered_at = models.DateTimeField()
    last_answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="progress_per_question")
        ]
        indexes = [models.Index(fields=["user", "last_correct"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id}"


class Annotation(models.Model):
    """A learner's flag and private note on a question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    flagged = models.BooleanField(default=False)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="annotation_per_question")
        ]
        indexes = [models.Index(fields=["user", "flagged"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id}"


class ProblemReport(models.Model):
    """A learner's report that something is wrong with a question."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    choice = models.ForeignKey(
        Choice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The reporter's answer when they reported.",
    )
    reason = models.TextField(max_length=REPORT_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]
        constraints = [
            # A second report on the same question updates the open one: no flooding.
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(status="open"),
                name="one_open_report_per_learner_question",
            )
        ]

    def __str__(self) -> str:
        return f"Report on {self.question_id} ({self.get_status_display()})"
