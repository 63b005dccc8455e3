"""Spaced-repetition writes (FSRS). Keyword-only, typed, atomic."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from django.db import connection, router, transaction
from django.db.models import Exists, Max, OuterRef

from accounts.cached_user import user_forget
from accounts.models import User
from config.prepared import Prepared
from quizbank.models import Attempt

from . import clock, emails, scheduling, selectors
from .days import DayRule
from .models import Card, ReminderLog, ReviewLog

# The attribute srs sets on an attempt it has just scheduled: the card's new due
# date, which the feedback's "next review in N days" reads instead of the card.
SCHEDULED_DUE = "srs_scheduled_due"


# A new card in one statement: when another tab's answer to the same question
# created it first, Postgres waits for that insert to commit and inserts nothing,
# and the caller schedules from that card instead (no savepoint needed).
_CARD_INSERT = """
INSERT INTO srs_card (user_id, question_id, state, step, stability, difficulty, due,
    last_review, reps, lapses, created_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (user_id, question_id) DO NOTHING
RETURNING id
"""


def _card_insert(card: Card) -> bool:
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _CARD_INSERT,
            [
                card.user_id,
                card.question_id,
                card.state,
                card.step,
                card.stability,
                card.difficulty,
                adapt(card.due),
                adapt(card.last_review),
                card.reps,
                card.lapses,
                adapt(card.created_at),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    card.pk = row[0]
    card._state.adding, card._state.db = False, connection.alias
    return True


# On every answer: compiled once per process (config.prepared).
_CARD_FOR_UPDATE = Prepared(
    lambda *, user_id, question_id: Card.objects.select_for_update().filter(
        user_id=user_id, question_id=question_id
    )
)


@transaction.atomic(savepoint=False)
def card_record_attempt(*, attempt: Attempt, in_review: bool) -> ReviewLog:
    """Update the learner's card for the attempt's question.

    Called inside attempt recording's transaction, once per stored attempt.
    `in_review` is true when the attempt was made in a spaced-review session.
    A right answer rates Good, a wrong one or "I don't know" Again. Answering
    before the card is due (cramming, practice outside the queue) changes the
    schedule only when it is a miss, so it can never inflate the interval.
    """
    user = attempt.user
    rule = DayRule.for_user(user)
    # Review time in UTC; the test clock's offset moves it with "now".
    reviewed_at = attempt.created_at + clock.offset()
    today = rule.day_of(reviewed_at)
    rating = ReviewLog.Rating.GOOD if attempt.correct else ReviewLog.Rating.AGAIN
    found = _CARD_FOR_UPDATE.rows(
        using=router.db_for_write(Card), user_id=attempt.user_id, question_id=attempt.question_id
    )
    card = found[0] if found else None
    if card is None:
        kind = ReviewLog.Kind.NEW
        card = Card(
            user_id=attempt.user_id, question_id=attempt.question_id, created_at=reviewed_at
        )
    elif card.due < rule.end(today):
        kind = ReviewLog.Kind.REVIEW
    else:
        kind = ReviewLog.Kind.EARLY
    rescheduled = not (kind == ReviewLog.Kind.EARLY and attempt.correct)
    if rescheduled:
        was_review = card.pk is not None and card.state == Card.State.REVIEW
        new, due_day = scheduling.review(
            state=card.state if card.pk else None,
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            last_day=rule.day_of(card.last_review) if card.last_review else None,
            due_day=rule.day_of(card.due) if card.pk else None,
            today=today,
            rating=rating,
            desired_retention=user.desired_retention,
        )
        card.state, card.step = int(new.state), new.step
        card.stability, card.difficulty = new.stability, new.difficulty
        card.due = rule.start(due_day)
        card.last_review = reviewed_at
        card.reps += 1
        if was_review and rating == ReviewLog.Rating.AGAIN:
            card.lapses += 1
        if kind == ReviewLog.Kind.NEW:
            if not _card_insert(card):  # the same question answered at once in another tab
                return card_record_attempt(attempt=attempt, in_review=in_review)
        else:
            card.save()
    return ReviewLog.objects.create(
        card=card,
        user_id=attempt.user_id,
        attempt=attempt,
        rating=rating,
        kind=kind,
        rescheduled=rescheduled,
        in_review=in_review,
        reviewed_at=reviewed_at,
        duration_ms=attempt.time_taken_ms,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
    )


# Reminders --------------------------------------------------------------------------

REMINDER_BATCH = 5000  # users per dispatch query
STALE_AFTER = timedelta(minutes=30)  # a queued reminder not sent by then is enqueued again


@dataclass
class Dispatch:
    batches: int = 0
    claimed: list[int] = field(default_factory=list)  # reminder logs this run created
    requeued: list[int] = field(default_factory=list)  # stale ones enqueued again
    task_ids: list[str] = field(default_factory=list)


# One set-based statement per batch of users: it computes each learner's study
# day and time in SQL (the rule of srs.days), keeps those whose reminder time has
# passed, who have a review due within their daily limit and no reminder for that
# day yet, and claims the day's reminder row. ON CONFLICT makes concurrent
# dispatchers safe: each row is claimed by exactly one of them.
_CLAIM_SQL = """
WITH local AS (
    SELECT u.id, u.timezone, u.day_rollover_hour AS rollover, u.review_limit,
           u.reminder_time - make_interval(hours => u.day_rollover_hour) AS remind_at,
           (%(now)s::timestamptz AT TIME ZONE u.timezone)
               - make_interval(hours => u.day_rollover_hour) AS shifted
    FROM accounts_user u
    WHERE u.id > %(first)s AND u.id <= %(last)s
      AND u.is_active AND u.reminders_enabled AND u.review_limit > 0
), days AS (
    SELECT id, timezone, review_limit, shifted::date AS local_date,
           (shifted::date + make_interval(hours => rollover)) AT TIME ZONE timezone AS day_start,
           ((shifted::date + 1) + make_interval(hours => rollover)) AT TIME ZONE timezone AS day_end
    FROM local
    WHERE shifted::time >= remind_at
)
INSERT INTO srs_reminderlog (user_id, local_date, status, reason, queued_at)
SELECT d.id, d.local_date, 'queued', '', %(now)s
FROM days d
WHERE NOT EXISTS (
        SELECT 1 FROM srs_reminderlog r WHERE r.user_id = d.id AND r.local_date = d.local_date)
  AND EXISTS (
        SELECT 1 FROM srs_card c JOIN quizbank_question q ON q.id = c.question_id
        WHERE c.user_id = d.id AND c.due < d.day_end AND q.status = 'published')
  AND d.review_limit > (
        SELECT count(*) FROM srs_reviewlog l
        WHERE l.user_id = d.id AND l.kind = 'review'
          AND l.reviewed_at >= d.day_start AND l.reviewed_at < d.day_end)
ON CONFLICT (user_id, local_date) DO NOTHING
RETURNING id
"""


def _claim_python(now: datetime) -> list[int]:
    """The same rule for databases without time-zone SQL (SQLite in development)."""
    claimed = []
    users = User.objects.filter(is_active=True, reminders_enabled=True, review_limit__gt=0)
    for user in users.iterator():
        rule = DayRule.for_user(user)
        if not rule.reminder_passed(now, user.reminder_time):
            continue
        if selectors.card_due_today(user=user, now=now).reviews == 0:
            continue
        log, created = ReminderLog.objects.get_or_create(
            user=user, local_date=rule.day_of(now), defaults={"queued_at": now}
        )
        if created:
            claimed.append(log.pk)
    return claimed


def _enqueue(log_ids: list[int], result: Dispatch) -> None:
    """Publish one task per reminder over one broker connection."""
    from .tasks import send_reminder

    if not log_ids:
        return
    with send_reminder.app.producer_or_acquire() as producer:
        for log_id in log_ids:
            result.task_ids.append(send_reminder.apply_async((log_id,), producer=producer).id)


def reminders_dispatch(*, batch: int = REMINDER_BATCH) -> Dispatch:
    """Claim today's reminders for every learner who is due one, and enqueue one
    e-mail task each (never sending here). Each batch commits before its tasks
    are published, so a task always finds its row; if publishing fails, the row
    stays queued and a later run enqueues it again (the task is idempotent)."""
    now = clock.now()
    result = Dispatch()
    if connection.vendor != "postgresql":
        result.batches = 1
        result.claimed = _claim_python(now)
        _enqueue(result.claimed, result)
    else:
        last_id = User.objects.aggregate(m=Max("pk"))["m"] or 0
        for first in range(0, last_id, batch):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_CLAIM_SQL, {"now": now, "first": first, "last": first + batch})
                ids = [row[0] for row in cursor.fetchall()]
            result.batches += 1
            result.claimed += ids
            _enqueue(ids, result)
    stale = ReminderLog.objects.filter(
        status=ReminderLog.Status.QUEUED,
        queued_at__lt=now - STALE_AFTER,
        queued_at__gte=now - timedelta(days=1),
    )
    result.requeued = list(stale.values_list("pk", flat=True)[:batch])
    if result.requeued:
        ReminderLog.objects.filter(pk__in=result.requeued).update(queued_at=now)
        _enqueue(result.requeued, result)
    return result


@transaction.atomic
def reminder_send(*, log_id: int) -> str:
    """Send one claimed reminder, once. The row lock makes a second delivery of
    the same task wait, then see it sent; a worker that dies mid-send rolls back,
    so the redelivered task sends it. SMTP errors propagate (the task retries)."""
    log = (
        ReminderLog.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=log_id)
        .first()
    )
    if log is None or log.status != ReminderLog.Status.QUEUED:
        return "duplicate" if log else "missing"
    user = log.user
    now = clock.now()
    due = None
    if not (user.is_active and user.reminders_enabled):
        reason = "reminders off"
    elif DayRule.for_user(user).day_of(now) != log.local_date:
        reason = "day over"
    else:
        due = selectors.card_due_today(user=user, now=now)
        reason = "" if due.reviews else "nothing due"
    if reason:
        log.status, log.reason = ReminderLog.Status.SKIPPED, reason
        log.save(update_fields=["status", "reason"])
        return log.status
    topic = selectors.subsection_weakest(user=user, due=due)
    try:
        emails.reminder_message(user=user, due=due, topic=topic).send()
    except SMTPException as exc:
        refused = permanent_refusal(exc)
        if refused is None:
            raise  # 4xx or no answer: the task retries with backoff
        # 5xx: the address does not exist. Retrying costs work and reputation.
        User.objects.filter(pk=user.pk).update(
            reminders_enabled=False, reminders_off_reason=refused[:300]
        )
        user_forget(user_id=user.pk)
        log.status, log.reason = ReminderLog.Status.SKIPPED, f"address refused ({refused})"[:60]
        log.save(update_fields=["status", "reason"])
        return "refused"
    log.status, log.due_count, log.sent_at = ReminderLog.Status.SENT, due.reviews, now
    log.save(update_fields=["status", "due_count", "sent_at"])
    return log.status


def permanent_refusal(exc: SMTPException) -> str | None:
    """'550 mailbox does not exist' for a permanent (5xx) refusal, else None."""
    if isinstance(exc, SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        code, text = answers[0] if answers else (0, b"")
    elif isinstance(exc, SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return None
    if not 500 <= code < 600:
        return None
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


@transaction.atomic
def reminders_off(*, user_id: int) -> None:
    """Unsubscribe: no more reminders, including any already queued today."""
    User.objects.filter(pk=user_id).update(reminders_enabled=False)
    user_forget(user_id=user_id)


def cards_backfill(*, user_ids: list[int] | None = None) -> int:
    """Build cards for questions answered before spaced repetition existed, by
    replaying each such learner-question history in order. Idempotent: pairs
    that already have a card are left alone. Returns the cards built."""
    attempts = Attempt.objects.exclude(
        Exists(
            Card.objects.filter(user_id=OuterRef("user_id"), question_id=OuterRef("question_id"))
        )
    ).select_related("user")
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=user_ids)
    built: set[tuple[int, int]] = set()
    for attempt in attempts.order_by("user_id", "question_id", "created_at", "pk").iterator():
        with transaction.atomic():
            card_record_attempt(attempt=attempt, in_review=False)
        built.add((attempt.user_id, attempt.question_id))
    return len(built)
