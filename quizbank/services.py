"""Writes to practice history. Keyword-only, typed, atomic."""

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User

from . import dashboard, tasks
from .models import (
    Annotation,
    Attempt,
    Choice,
    Confidence,
    PracticeSession,
    ProblemReport,
    Question,
    QuestionProgress,
    Section,
    SessionItem,
    Subsection,
)
from .rules import (
    DIFFICULTIES,
    MAX_SESSION_SIZE,
    MAX_TIME_TAKEN_MS,
    NOTE_MAX_LENGTH,
    REPORT_MAX_LENGTH,
    SECONDS_PER_TIMED_QUESTION,
)
from .selectors import Pool, question_pool_list
from .signals import attempt_recorded


def _pick(questions: QuerySet, size: int) -> list[int]:
    """Unseen questions first (no progress row), then the rest; random within each."""
    return list(
        questions.order_by(F("seen").asc(nulls_first=True), "?").values_list("pk", flat=True)[:size]
    )


@transaction.atomic
def session_create(
    *,
    user: User,
    question_ids: Sequence[int],
    title: str,
    mode: str = PracticeSession.Mode.TUTOR,
    section: Section | None = None,
    subsection: Subsection | None = None,
    difficulties: Sequence[str] = DIFFICULTIES,
    seconds_per_question: int = SECONDS_PER_TIMED_QUESTION,
) -> PracticeSession:
    """A session over these questions, in this order, each item's choices shuffled once."""
    if not question_ids:
        raise ValidationError("No questions match that choice.")
    choices: dict[int, list[int]] = defaultdict(list)
    for question_id, choice_id in Choice.objects.filter(question__in=question_ids).values_list(
        "question_id", "pk"
    ):
        choices[question_id].append(choice_id)
    now = timezone.now()
    timed = mode == PracticeSession.Mode.TIMED
    session = PracticeSession.objects.create(
        user=user,
        mode=mode,
        title=title[:200],
        section=section,
        subsection=subsection,
        difficulties=sorted(set(difficulties), key=DIFFICULTIES.index),
        size=len(question_ids),
        created_at=now,
        deadline=now + timedelta(seconds=seconds_per_question * len(question_ids))
        if timed
        else None,
    )
    rng = random.Random()
    SessionItem.objects.bulk_create(
        SessionItem(
            session=session,
            question_id=question_id,
            position=position,
            choice_order=rng.sample(choices[question_id], k=len(choices[question_id])),
        )
        for position, question_id in enumerate(question_ids, start=1)
    )
    return session


def session_start(
    *,
    user: User,
    size: int,
    difficulties: Sequence[str] = DIFFICULTIES,
    section: Section | None = None,
    subsection: Subsection | None = None,
    sections: Sequence[Section] = (),
    subsections: Sequence[Subsection] = (),
    pool: str = Pool.ALL,
    mode: str = PracticeSession.Mode.TUTOR,
    title: str = "",
) -> PracticeSession:
    """A session of `size` questions drawn from a scope and pool, unseen first."""
    if not 1 <= size <= MAX_SESSION_SIZE:
        raise ValidationError(f"Choose between 1 and {MAX_SESSION_SIZE} questions.")
    if subsection is not None:
        section = subsection.section
    scope_sections = [*sections, *([section] if section and not subsection else [])]
    scope_subsections = [*subsections, *([subsection] if subsection else [])]
    questions = question_pool_list(
        user=user,
        pool=pool,
        sections=scope_sections,
        subsections=scope_subsections,
        difficulties=difficulties,
    )
    picked = _pick(questions, size)
    if not picked:
        raise ValidationError("No questions match that choice. Try other difficulties.")
    if not title:
        title = str(subsection or section or "Custom test")
    return session_create(
        user=user,
        question_ids=picked,
        title=title,
        mode=mode,
        section=section,
        subsection=subsection,
        difficulties=difficulties,
    )


def item_present(*, item: SessionItem) -> None:
    """Note when the learner first saw the item, to time the answer server-side."""
    if item.presented_at is None:
        item.presented_at = timezone.now()
        SessionItem.objects.filter(pk=item.pk, presented_at__isnull=True).update(
            presented_at=item.presented_at
        )


# One statement whichever the case (first answer or not, another tab racing):
# an insert that, on the learner's existing row, adds to it instead. Postgres
# and SQLite spell it alike.
_PROGRESS_UPSERT = """
INSERT INTO quizbank_questionprogress (user_id, question_id, attempts, correct_attempts,
    last_correct, last_choice_id, last_attempt_id, first_answered_at, last_answered_at)
VALUES (%s, %s, 1, %s, %s, %s, %s, %s, %s)
ON CONFLICT (user_id, question_id) DO UPDATE SET
    attempts = quizbank_questionprogress.attempts + 1,
    correct_attempts = quizbank_questionprogress.correct_attempts + excluded.correct_attempts,
    last_correct = excluded.last_correct,
    last_choice_id = excluded.last_choice_id,
    last_attempt_id = excluded.last_attempt_id,
    last_answered_at = excluded.last_answered_at
"""


def _progress_record(attempt: Attempt) -> None:
    """Fold one attempt into the learner's per-question progress row."""
    at = connection.ops.adapt_datetimefield_value(attempt.created_at)
    with connection.cursor() as cursor:
        cursor.execute(
            _PROGRESS_UPSERT,
            [
                attempt.user_id,
                attempt.question_id,
                int(attempt.correct),
                attempt.correct,
                attempt.choice_id,
                attempt.pk,
                at,
                at,
            ],
        )


# One attempt per item (the item's unique key), in one statement: a second
# submission of the same item (double click, another tab) inserts nothing and
# returns no id, so it never counts twice and needs no lock or savepoint.
_ATTEMPT_INSERT = """
INSERT INTO quizbank_attempt (user_id, question_id, choice_id, correct, confidence,
    time_taken_ms, item_id, created_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (item_id) DO NOTHING
RETURNING id
"""


def _attempt_store(
    *,
    item: SessionItem,
    choice: Choice | None,
    confidence: str = "",
    time_taken_ms: int | None,
    now,
    in_review: bool,
) -> Attempt | None:
    """Store the item's answer with its progress and tell features (srs) of it;
    None when the item already has one."""
    session = item.session
    # The learner object when the caller has it, so receivers (srs) need not load it.
    learner = (
        {"user": session.user}
        if PracticeSession.user.is_cached(session)
        else {"user_id": session.user_id}
    )
    # The question too when the caller has it (the cached one), for the same reason.
    question = (
        {"question": item.question}
        if SessionItem.question.is_cached(item)
        else {"question_id": item.question_id}
    )
    attempt = Attempt(
        **learner,
        **question,
        choice=choice,
        correct=bool(choice and choice.correct),
        confidence=confidence if confidence in Confidence.values else "",
        time_taken_ms=time_taken_ms,
        item=item,
        created_at=now,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _ATTEMPT_INSERT,
            [
                attempt.user_id,
                attempt.question_id,
                attempt.choice_id,
                attempt.correct,
                attempt.confidence,
                attempt.time_taken_ms,
                item.pk,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    attempt.pk = row[0]
    attempt._state.adding, attempt._state.db = False, connection.alias
    _progress_record(attempt)
    attempt_recorded.send(sender=Attempt, attempt=attempt, in_review=in_review)
    return attempt


@transaction.atomic
def attempt_record(
    *,
    user: User,
    item: SessionItem,
    choice_id: int | None,
    confidence: str = "",
    choices: Sequence[Choice] = (),
    answered: int | None = None,
) -> Attempt:
    """Store the learner's answer to a tutor or review item, once.

    `choice_id` None means "I don't know". A second submission of the same
    item (double click, back button, another tab) returns the first attempt
    unchanged, so it never counts twice. `choices`: the question's choices
    when the caller has them (the cached question), to save reading the chosen
    one; `answered`: how many of the session's items had an answer when the
    caller read the item (`item_state`), to know without a query whether this
    one ends the session. `item` as the caller read it: its session, choice
    order and first showing do not change once the item exists.
    """
    session = item.session
    if session.user_id != user.pk:
        raise SessionItem.DoesNotExist("No such item in the learner's sessions.")
    if session.is_timed:
        raise ValidationError("Timed tests record answers when they end.")
    if session.finished_at is not None:  # its score stands (the views say so first)
        raise ValidationError("This session has ended.")
    session.user = user
    if choice_id is not None and choice_id not in item.choice_order:
        raise ValidationError("That option is not one of this question's choices.")
    # Graded from the cached choice: safe because every path that edits choices
    # (admin, bank load, editorial) saves the question too, and with it its version.
    choice = next((c for c in choices if c.pk == choice_id), None)
    if choice is None and choice_id is not None:
        choice = Choice.objects.get(pk=choice_id)
    now = timezone.now()
    taken = None
    if item.presented_at is not None:
        taken = max(
            0, min(int((now - item.presented_at).total_seconds() * 1000), MAX_TIME_TAKEN_MS)
        )
    attempt = _attempt_store(
        item=item,
        choice=choice,
        confidence=confidence,
        time_taken_ms=taken,
        now=now,
        in_review=session.mode == PracticeSession.Mode.REVIEW,
    )
    if attempt is None:  # answered already: the first answer stands
        return Attempt.objects.get(item_id=item.pk)
    dashboard.learner_history_forget(user_id=user.pk)
    finish = partial(_session_finish_if_complete, session_id=session.pk, user_id=user.pk, now=now)
    if answered is None or answered + 1 >= session.size:
        finish()  # maybe the last item (unknown, or by the caller's count)
    elif answered + 2 >= session.size:
        # One other item was open when the state was read: another tab may be
        # answering it now, and neither answer's count includes the other. Look
        # again once this one commits: whichever commits last finishes the session.
        transaction.on_commit(finish)
    return attempt


def _session_finish_if_complete(*, session_id: int, user_id: int, now: datetime) -> None:
    """End the session at `now` if every item has its answer (one statement),
    and warm the learner's dashboard once that commits."""
    unanswered = SessionItem.objects.filter(session_id=OuterRef("pk"), attempt__isnull=True)
    if (
        PracticeSession.objects.filter(pk=session_id, finished_at__isnull=True)
        .exclude(Exists(unanswered))
        .update(finished_at=now)
    ):
        _dashboard_warm_on_commit(user_id=user_id)


def _dashboard_warm_on_commit(*, user_id: int) -> None:
    """A session ended, the moment learners open the dashboard: the worker
    computes their panels once this commits (`dashboard.dashboard_warm`). A
    broker that is down costs the warm-up only (robust), never the answer."""
    transaction.on_commit(partial(tasks.dashboard_warm.delay, user_id), robust=True)


# Timed mode ---------------------------------------------------------------------


def _timed_locked(*, user: User, session_id: int) -> PracticeSession:
    return PracticeSession.objects.select_for_update().get(
        pk=session_id, user=user, mode=PracticeSession.Mode.TIMED
    )


def _time_current_item(session: PracticeSession, now, next_item: SessionItem | None) -> None:
    """Add the time since the learner opened the current item to it, then move on."""
    if session.current_item_id and session.current_since:
        spent = int((min(now, session.deadline) - session.current_since).total_seconds() * 1000)
        SessionItem.objects.filter(pk=session.current_item_id).update(
            time_spent_ms=F("time_spent_ms") + max(0, min(spent, MAX_TIME_TAKEN_MS))
        )
    session.current_item = next_item
    session.current_since = now if next_item else None
    session.save(update_fields=["current_item", "current_since"])


@transaction.atomic
def timed_visit(*, user: User, session_id: int, item: SessionItem) -> None:
    """The learner opened `item` of a running timed test: time the previous one."""
    session = _timed_locked(user=user, session_id=session_id)
    if session.finished_at is None and session.current_item_id != item.pk:
        _time_current_item(session, timezone.now(), item)


@transaction.atomic
def timed_respond(
    *,
    user: User,
    session_id: int,
    item: SessionItem,
    choice_id: int | None,
    marked: bool,
    staying: bool = False,
) -> bool:
    """Keep (or change) the answer to a timed item. False once the time is up.

    `staying`: saved as it was chosen (htmx, on change) while the learner stays on
    the item, whose clock keeps running; otherwise they are moving on."""
    session = _timed_locked(user=user, session_id=session_id)
    now = timezone.now()
    if session.is_over(now):
        return False
    if choice_id is not None and choice_id not in item.choice_order:
        raise ValidationError("That option is not one of this question's choices.")
    SessionItem.objects.filter(pk=item.pk, session=session).update(
        response_id=choice_id, marked=marked
    )
    # The clock restarts on the next item shown, or at once on this one if staying.
    _time_current_item(session, now, item if staying else None)
    return True


@transaction.atomic
def timed_finish(*, user: User, session_id: int) -> PracticeSession:
    """End a timed test (submitted, or past its deadline): answered items become
    attempts; unanswered ones stay unanswered. Running it twice changes nothing."""
    return _timed_finish(user=user, session_id=session_id)


def _timed_finish(*, user: User, session_id: int) -> PracticeSession:
    session = _timed_locked(user=user, session_id=session_id)
    if session.finished_at is not None:
        return session
    now = timezone.now()
    ended = min(now, session.deadline)
    _time_current_item(session, ended, None)
    items = session.items.select_related("response").filter(response__isnull=False)
    for item in items:
        item.session = session
        _attempt_store(  # the session's lock: no other request stores these
            item=item,
            choice=item.response,
            time_taken_ms=item.time_spent_ms,
            now=ended,
            in_review=False,
        )
    dashboard.learner_history_forget(user_id=user.pk)
    session.finished_at = ended
    session.save(update_fields=["finished_at"])
    _dashboard_warm_on_commit(user_id=user.pk)
    return session


@transaction.atomic
def session_finish(*, user: User, session: PracticeSession) -> PracticeSession:
    """The learner ends a session now: a timed test is scored (`timed_finish`); a
    tutor or review session stops early, its unanswered items left unanswered."""
    if session.is_timed:
        return _timed_finish(user=user, session_id=session.pk)
    if session.finished_at is None:
        session.finished_at = timezone.now()
        if PracticeSession.objects.filter(
            pk=session.pk, user=user, finished_at__isnull=True
        ).update(finished_at=session.finished_at):
            _dashboard_warm_on_commit(user_id=user.pk)
    return session


def timed_finish_if_over(*, user: User, session: PracticeSession) -> PracticeSession | None:
    """The finished test when `session` is over (ending it first if its time ran
    out unsubmitted), or None while it still runs. Every page of a timed test asks
    this before it shows the test, so the time runs out the same way everywhere."""
    if not session.is_over():
        return None
    if session.finished_at is not None:
        return session
    return timed_finish(user=user, session_id=session.pk)


# Flags, notes and reports ----------------------------------------------------------


@transaction.atomic
def annotation_save(
    *, user: User, question: Question, flagged: bool | None = None, note: str | None = None
) -> Annotation:
    annotation, _ = Annotation.objects.select_for_update().get_or_create(
        user=user, question=question
    )
    if flagged is not None:
        annotation.flagged = flagged
    if note is not None:
        annotation.note = note.strip()[:NOTE_MAX_LENGTH]
    annotation.save()
    return annotation


@transaction.atomic
def report_create(
    *, user: User, question: Question, reason: str, choice: Choice | None = None
) -> ProblemReport:
    """Report a problem; a learner's second report on the same question, while the
    first is open, updates that one instead of adding another."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say in a few words what is wrong.")
    fields = {"reason": reason[:REPORT_MAX_LENGTH], "choice": choice, "created_at": timezone.now()}
    open_report = ProblemReport.objects.select_for_update().filter(
        user=user, question=question, status=ProblemReport.Status.OPEN
    )
    report = open_report.first()
    if report is None:
        try:
            with transaction.atomic():
                return ProblemReport.objects.create(user=user, question=question, **fields)
        except IntegrityError:  # another tab opened one meanwhile
            report = open_report.get()
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=list(fields))
    return report


@transaction.atomic
def progress_rebuild(*, user: User) -> int:
    """Recompute a learner's progress rows from their attempts (for history
    loaded in bulk, e.g. imports and benchmarks). Returns the rows written."""
    QuestionProgress.objects.filter(user=user).delete()
    rows: dict[int, QuestionProgress] = {}
    for a in Attempt.objects.filter(user=user).order_by("created_at", "pk"):
        row = rows.get(a.question_id)
        if row is None:
            row = rows[a.question_id] = QuestionProgress(
                user=user,
                question_id=a.question_id,
                first_answered_at=a.created_at,
                last_correct=a.correct,
                last_answered_at=a.created_at,
            )
        row.attempts += 1
        row.correct_attempts += int(a.correct)
        row.last_correct, row.last_choice_id = a.correct, a.choice_id
        row.last_attempt_id, row.last_answered_at = a.pk, a.created_at
    QuestionProgress.objects.bulk_create(rows.values(), batch_size=1000)
    dashboard.learner_history_forget(user_id=user.pk)
    return len(rows)
