"""Writes to practice history. Keyword-only, typed, atomic."""

import random
from collections import defaultdict
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User

from .models import Attempt, Choice, PracticeSession, Question, Section, SessionItem, Subsection
from .rules import DIFFICULTIES

MAX_SESSION_SIZE = 100
MAX_TIME_TAKEN_MS = 60 * 60 * 1000


def _pick_questions(*, user: User, questions, size: int) -> list[int]:
    """Unseen questions first, then the rest, random within each group."""
    seen = Attempt.objects.filter(user=user, question=OuterRef("pk"))
    return list(
        questions.annotate(seen=Exists(seen))
        .order_by("seen", "?")
        .values_list("pk", flat=True)[:size]
    )


@transaction.atomic
def session_start(
    *,
    user: User,
    size: int,
    difficulties: Sequence[str] = DIFFICULTIES,
    section: Section | None = None,
    subsection: Subsection | None = None,
    mode: str = PracticeSession.Mode.TUTOR,
) -> PracticeSession:
    """Create a practice session over the scope, with each item's choices shuffled once."""
    if not 1 <= size <= MAX_SESSION_SIZE:
        raise ValidationError(f"Choose between 1 and {MAX_SESSION_SIZE} questions.")
    if subsection is not None:
        section = subsection.section
    questions = Question.objects.published().in_scope(section=section, subsection=subsection)
    questions = questions.filter(difficulty__in=list(difficulties))
    picked = _pick_questions(user=user, questions=questions, size=size)
    if not picked:
        raise ValidationError("No questions match that choice. Try other difficulties.")

    choices: dict[int, list[int]] = defaultdict(list)
    for question_id, choice_id in Choice.objects.filter(question__in=picked).values_list(
        "question_id", "pk"
    ):
        choices[question_id].append(choice_id)
    rng = random.Random()
    session = PracticeSession.objects.create(
        user=user,
        mode=mode,
        title=str(subsection or section or "All sections"),
        section=section,
        subsection=subsection,
        difficulties=sorted(difficulties, key=DIFFICULTIES.index),
        size=len(picked),
    )
    SessionItem.objects.bulk_create(
        SessionItem(
            session=session,
            question_id=question_id,
            position=position,
            choice_order=rng.sample(choices[question_id], k=len(choices[question_id])),
        )
        for position, question_id in enumerate(picked, start=1)
    )
    return session


def item_present(*, item: SessionItem) -> None:
    """Note when the learner first saw the item, to time the answer server-side."""
    if item.presented_at is None:
        item.presented_at = timezone.now()
        SessionItem.objects.filter(pk=item.pk, presented_at__isnull=True).update(
            presented_at=item.presented_at
        )


@transaction.atomic
def attempt_record(*, user: User, item: SessionItem, choice_id: int) -> Attempt:
    """Store the learner's answer to an item, once.

    A second submission of the same item (double click, back button, another
    tab) returns the first attempt unchanged, so it never counts twice.
    """
    locked = SessionItem.objects.select_for_update(of=("self",)).get(pk=item.pk, session__user=user)
    existing = Attempt.objects.filter(item=locked).first()
    if existing is not None:
        return existing
    if choice_id not in locked.choice_order:
        raise ValidationError("That option is not one of this question's choices.")
    choice = Choice.objects.get(pk=choice_id)
    now = timezone.now()
    taken = None
    if locked.presented_at is not None:
        taken = min(int((now - locked.presented_at).total_seconds() * 1000), MAX_TIME_TAKEN_MS)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                question_id=locked.question_id,
                choice=choice,
                correct=choice.correct,
                time_taken_ms=max(taken, 0) if taken is not None else None,
                item=locked,
            )
    except IntegrityError:  # lost a race the row lock did not cover (e.g. SQLite)
        return Attempt.objects.get(item=locked)
    if not SessionItem.objects.filter(session_id=locked.session_id, attempt__isnull=True).exists():
        PracticeSession.objects.filter(pk=locked.session_id, finished_at__isnull=True).update(
            finished_at=now
        )
    return attempt
