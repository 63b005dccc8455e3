"""Answers written straight as attempts, to seed item analysis exactly."""

from importlib import import_module

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from quizbank.models import Attempt, Choice, Question
from tests.factories import UserFactory


def attempt(user, question: Question, position: int | None, *, ms=None, at=None) -> Attempt:
    """`user` chose the option at `position` (None: "I don't know")."""
    choice = None if position is None else question.choices.get(position=position)
    return Attempt.objects.create(
        user=user,
        question=question,
        choice=choice,
        correct=bool(choice and choice.correct),
        time_taken_ms=ms,
        created_at=at or timezone.now(),
    )


def attempts_bulk(rows) -> None:
    """rows: (user, question, position); one query for the choices, one insert."""
    rows = list(rows)
    questions = {q.pk for _, q, _ in rows}
    choices = {
        (c.question_id, c.position): c for c in Choice.objects.filter(question__in=questions)
    }
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=question,
            choice=choices[(question.pk, position)],
            correct=choices[(question.pk, position)].correct,
            time_taken_ms=10_000,
            created_at=now,
        )
        for user, question, position in rows
    )


def learners(n: int) -> list:
    """n learners in one insert (no password hashing: they never log in)."""
    start = User.objects.count()
    return User.objects.bulk_create(
        User(email=f"analysed{start + i}@example.com", password="!") for i in range(n)
    )


def editor_group() -> Group:
    """The group the data migration made. A transactional test (browser, races)
    flushes the database after it, data migrations' rows with it, so when it is
    gone run the migration's own function again, on the migration's models."""
    group = Group.objects.filter(name="Editor").first()
    if group is None:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        migration = import_module("editorial.migrations.0002_editor_group")
        state = MigrationExecutor(connection).loader.project_state(
            ("editorial", "0002_editor_group")
        )
        migration.create_editor_group(state.apps, None)
        group = Group.objects.get(name="Editor")
    return group


def editor():
    user = UserFactory(is_staff=True)
    user.groups.add(editor_group())
    return user
