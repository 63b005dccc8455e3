"""The question bank (sections, subsections, questions, choices) and practice history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .markdown import render_markdown


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


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)

    def in_scope(self, *, section=None, subsection=None):
        if subsection is not None:
            return self.filter(subsection=subsection)
        if section is not None:
            return self.filter(subsection__section=section)
        return self


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
    explanation = models.TextField(help_text="Markdown, 60–250 words.")
    explanation_html = models.TextField(editable=False)
    tags = models.JSONField(default=list, blank=True)
    references = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    position = models.PositiveIntegerField(default=0, help_text="Order within its file.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["subsection__section__position", "subsection__position", "position"]
        indexes = [models.Index(fields=["subsection", "status", "difficulty"])]

    def __str__(self) -> str:
        return self.external_id

    def save(self, *args, **kwargs):
        # Rendered once here, never per request.
        self.stem_html = render_markdown(self.stem)
        self.explanation_html = render_markdown(self.explanation)
        super().save(*args, **kwargs)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    text_html = models.TextField(editable=False)
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

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text, inline=True)
        self.why_html = render_markdown(self.why)
        super().save(*args, **kwargs)


class PracticeSession(models.Model):
    class Mode(models.TextChoices):
        TUTOR = "tutor", "Tutor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TUTOR)
    title = models.CharField(max_length=200)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL)
    subsection = models.ForeignKey(Subsection, null=True, blank=True, on_delete=models.SET_NULL)
    difficulties = models.JSONField(default=list, blank=True)
    size = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_mode_display()})"

    def get_absolute_url(self) -> str:
        return reverse("session-detail", args=[self.pk])


class SessionItem(models.Model):
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    # Choice ids in the order this learner sees them: shuffled once, stable on reload.
    choice_order = models.JSONField()
    presented_at = models.DateTimeField(null=True, blank=True)

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


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="attempts")
    correct = models.BooleanField()
    time_taken_ms = models.PositiveIntegerField(null=True, blank=True)
    # One attempt per item: a double submit can never be counted twice.
    item = models.OneToOneField(
        SessionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempt"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "question", "-created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.question_id} {'✓' if self.correct else '✗'}"
