"""srs.services pinned to hand-worked values (issue 23, mutation testing).

Answers go through quizbank's services as the views send them; the clock is
moved by pointing Django's `timezone.now` at fixed instants, so boundaries are
exact. 4 May 2026 12:00 UTC is 14:00 in Paris (UTC+2) and 00:00 on 5 May in
Auckland (UTC+12); with the day rolling over at 04:00 both are in study day 4 May.
FSRS figures (default weights, aimed at 0.93 for a learner's 0.9): a first right
answer has stability 2.3065 and an interval of 1.41 → 1 day; a first miss 0.212.
"""

from datetime import UTC, date, datetime, time, timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from quizbank import services as quiz
from quizbank.models import Attempt, PracticeSession, Question
from srs import services
from srs.models import Card, ReminderLog, ReviewLog
from tests.factories import QuestionFactory, UserFactory
from tests.srs.factories import card_due

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
MAY4 = date(2026, 5, 4)


@pytest.fixture
def at(monkeypatch, settings):
    """`at(instant)`: from now on every clock (Django's and srs's) reads `instant`."""
    settings.SRS_ENABLE_FUZZ = False
    settings.SRS_CLOCK_OFFSET = None

    def move(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    move(T0)
    return move


def paris(**fields):
    return UserFactory(timezone="Europe/Paris", day_rollover_hour=4, **fields)


def answer(user, question, *, correct, mode=PracticeSession.Mode.TUTOR, shown=None):
    session = quiz.session_create(user=user, question_ids=[question.pk], title="t", mode=mode)
    item = session.items.get()
    if shown is not None:
        item.presented_at = shown
        item.save()
    choice = question.choices.filter(correct=correct).order_by("position").first()
    return quiz.attempt_record(user=user, item=item, choice_id=choice.pk)


# Cards ------------------------------------------------------------------------------


def test_a_first_right_answer_makes_a_card_due_the_next_study_day(at):
    user, q = paris(), QuestionFactory()
    attempt = answer(user, q, correct=True, shown=T0 - timedelta(seconds=8))
    card = Card.objects.get(user=user, question=q)
    assert (card.state, card.reps, card.lapses) == (Card.State.REVIEW, 1, 0)
    assert card.stability == pytest.approx(2.3065)
    assert card.due == datetime(2026, 5, 5, 2, 0, tzinfo=UTC)  # 04:00 in Paris on 5 May
    assert card.last_review == card.created_at == T0
    log = ReviewLog.objects.get()
    assert (log.card, log.user, log.attempt) == (card, user, attempt)
    assert (log.rating, log.kind, log.rescheduled, log.in_review) == (3, "new", True, False)
    assert (log.reviewed_at, log.duration_ms, log.due) == (T0, 8000, card.due)
    assert (log.stability, log.difficulty) == (card.stability, card.difficulty)


def test_a_first_miss_makes_a_card_due_tomorrow_without_a_lapse(at):
    user, q = paris(), QuestionFactory()
    answer(user, q, correct=False)
    card = Card.objects.get()
    assert card.stability == pytest.approx(0.212)
    assert (card.reps, card.lapses, card.due) == (1, 0, datetime(2026, 5, 5, 2, tzinfo=UTC))
    assert ReviewLog.objects.get().rating == ReviewLog.Rating.AGAIN


def test_the_review_time_follows_the_srs_clock_offset(at, settings):
    settings.SRS_CLOCK_OFFSET = timedelta(days=3)
    user, q = paris(), QuestionFactory()
    attempt = answer(user, q, correct=True)
    assert attempt.created_at == T0
    card = Card.objects.get()
    assert card.last_review == T0 + timedelta(days=3)
    assert card.due == datetime(2026, 5, 8, 2, tzinfo=UTC)  # the day after 7 May
    assert ReviewLog.objects.get().reviewed_at == T0 + timedelta(days=3)


@pytest.mark.parametrize(
    ("due", "kind"),
    [
        # Study day 4 May ends at 02:00 UTC on 5 May.
        (datetime(2026, 5, 5, 1, 59, 59, 999_999, tzinfo=UTC), "review"),
        (datetime(2026, 5, 5, 2, 0, tzinfo=UTC), "early"),
        (datetime(2026, 5, 1, 2, 0, tzinfo=UTC), "review"),
    ],
)
def test_a_card_counts_as_due_until_the_end_of_the_study_day(at, due, kind):
    user = paris()
    card = card_due(user, MAY4, due=due)
    answer(user, card.question, correct=True, mode=PracticeSession.Mode.REVIEW)
    log = ReviewLog.objects.get()
    assert (log.kind, log.in_review) == (kind, True)
    card.refresh_from_db()
    assert card.reps == (2 if kind == "review" else 1)
    assert log.rescheduled is (kind == "review")


def test_a_due_card_recalled_grows_and_one_forgotten_lapses(at):
    user = paris()
    # Stability 10, last seen 10 study days ago: R = 0.9 (see test_scheduling_pinned).
    recalled = card_due(user, MAY4, stability=10.0, difficulty=5.0, interval=10)
    forgotten = card_due(user, MAY4, stability=10.0, difficulty=5.0, interval=10, lapses=2)
    answer(user, recalled.question, correct=True)
    answer(user, forgotten.question, correct=False)
    recalled.refresh_from_db()
    forgotten.refresh_from_db()
    assert recalled.stability == pytest.approx(32.0267, abs=1e-4)
    assert recalled.due == datetime(2026, 5, 24, 2, tzinfo=UTC)  # 20 days on
    assert (recalled.reps, recalled.lapses) == (2, 0)
    assert forgotten.stability == pytest.approx(1.3920, abs=1e-4)
    assert forgotten.due == datetime(2026, 5, 5, 2, tzinfo=UTC)
    assert (forgotten.reps, forgotten.lapses) == (2, 3)
    assert recalled.last_review == forgotten.last_review == T0


def test_an_early_right_answer_leaves_the_card_and_an_early_miss_lapses_it(at):
    user = paris()
    card = card_due(user, date(2026, 5, 10))
    before = Card.objects.values().get(pk=card.pk)
    answer(user, card.question, correct=True)
    assert Card.objects.values().get(pk=card.pk) == before
    log = ReviewLog.objects.get()
    assert (log.kind, log.rescheduled, log.rating) == ("early", False, 3)
    assert (log.due, log.stability, log.difficulty) == (card.due, 3.0, 5.0)

    answer(user, card.question, correct=False)
    card.refresh_from_db()
    assert (card.reps, card.lapses, card.last_review) == (2, 1, T0)
    assert card.due == datetime(2026, 5, 5, 2, tzinfo=UTC)
    miss = ReviewLog.objects.get(rating=1)
    assert (miss.kind, miss.rescheduled) == ("early", True)


def test_history_from_before_cards_is_replayed_per_learner_and_question(at):
    one, two = paris(), paris()
    q1, q2 = QuestionFactory(), QuestionFactory()
    # Stored newest first, as an import may: the replay must follow the time.
    for user, question, correct, days_ago in [
        (one, q1, True, 3),
        (one, q1, False, 9),
        (one, q2, True, 2),
        (two, q1, True, 1),
    ]:
        Attempt.objects.create(
            user=user,
            question=question,
            choice=question.choices.get(correct=True) if correct else None,
            correct=correct,
            created_at=T0 - timedelta(days=days_ago),
        )
    assert services.cards_backfill(user_ids=[two.pk]) == 1
    assert list(Card.objects.values_list("user_id", "question_id")) == [(two.pk, q1.pk)]
    assert services.cards_backfill() == 2
    replayed = Card.objects.get(user=one, question=q1)
    assert (replayed.reps, replayed.last_review) == (2, T0 - timedelta(days=3))
    assert services.cards_backfill() == 0
    assert ReviewLog.objects.count() == 4
    assert not ReviewLog.objects.filter(in_review=True).exists()  # history, not a review

    # A learner with a card for one question still gets cards for the others.
    q3 = QuestionFactory()
    Attempt.objects.create(user=two, question=q3, correct=False, created_at=T0)
    assert services.cards_backfill() == 1
    assert Card.objects.filter(user=two, question=q3).exists()


# Reminders --------------------------------------------------------------------------


@pytest.fixture(params=["sql", "python"])
def dispatch(request, monkeypatch, broker):
    """reminders_dispatch on Postgres's set-based SQL and on the Python path
    SQLite takes: both must claim the same reminders."""
    if request.param == "python":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    return services.reminders_dispatch


def claimed_users(result):
    return set(ReminderLog.objects.filter(pk__in=result.claimed).values_list("user_id", flat=True))


def test_reminders_go_to_learners_whose_time_has_passed_with_reviews_due(at, dispatch):
    due = paris(reminder_time=time(13, 0))
    exactly = paris(reminder_time=time(14, 0))
    later = paris(reminder_time=time(14, 1))
    auckland = UserFactory(timezone="Pacific/Auckland", day_rollover_hour=4)  # 18:00 passed
    nothing_due = paris(reminder_time=time(13, 0))
    off = paris(reminder_time=time(13, 0), reminders_enabled=False)
    gone = paris(reminder_time=time(13, 0), is_active=False)
    no_reviews = paris(reminder_time=time(13, 0), review_limit=0)
    one_a_day = paris(reminder_time=time(13, 0), review_limit=1)
    for user in (due, exactly, later, auckland, off, gone, no_reviews, one_a_day):
        card_due(user, MAY4)
    card_due(nothing_due, date(2026, 5, 5))
    hidden = paris(reminder_time=time(13, 0))
    card_due(hidden, MAY4, question=QuestionFactory(status=Question.Status.RETIRED))

    result = dispatch()
    assert claimed_users(result) == {due.pk, exactly.pk, auckland.pk, one_a_day.pk}
    assert len(result.task_ids) == 4 and result.requeued == []
    logs = ReminderLog.objects.filter(pk__in=result.claimed)
    assert set(logs.values_list("local_date", "status", "queued_at")) == {(MAY4, "queued", T0)}

    at(T0 + timedelta(seconds=30))  # a minute before `later`'s time
    again = dispatch()
    assert again.claimed == [] and again.task_ids == []


def test_a_card_due_later_in_the_study_day_counts_for_the_reminder(at, dispatch):
    user = paris(reminder_time=time(13, 0))
    card_due(user, MAY4, due=datetime(2026, 5, 5, 1, 59, tzinfo=UTC))
    not_yet = paris(reminder_time=time(13, 0))
    card_due(not_yet, MAY4, due=datetime(2026, 5, 5, 2, 0, tzinfo=UTC))
    assert claimed_users(dispatch()) == {user.pk}


def test_no_reminder_once_the_days_review_limit_is_used(at, dispatch):
    done = paris(reminder_time=time(13, 0), review_limit=1)
    one_left = paris(reminder_time=time(13, 0), review_limit=2)
    for user in (done, one_left):
        reviewed = card_due(user, MAY4)
        answer(user, reviewed.question, correct=True)  # a due review, today
        card_due(user, MAY4)
    assert ReviewLog.objects.filter(kind="review").count() == 2
    assert claimed_users(dispatch()) == {one_left.pk}


def test_batches_of_learners_are_each_claimed(at, broker):
    users = [paris(reminder_time=time(13, 0)) for _ in range(3)]
    for user in users:
        card_due(user, MAY4)
    result = services.reminders_dispatch(batch=1)
    assert claimed_users(result) == {u.pk for u in users}
    assert result.batches == User.objects.order_by("-pk").first().pk


@pytest.mark.parametrize(
    ("queued_ago", "requeued"),
    [
        (timedelta(minutes=29, seconds=59), False),
        (timedelta(minutes=30), False),
        (timedelta(minutes=30, seconds=1), True),
        (timedelta(hours=23, minutes=59), True),
        (timedelta(days=1), True),
        (timedelta(days=1, seconds=1), False),
    ],
)
def test_a_reminder_queued_but_not_sent_is_enqueued_again_after_half_an_hour(
    at, dispatch, queued_ago, requeued
):
    user = paris()
    log = ReminderLog.objects.create(user=user, local_date=MAY4, queued_at=T0 - queued_ago)
    ReminderLog.objects.create(
        user=paris(), local_date=MAY4, queued_at=T0 - timedelta(hours=1), status="sent"
    )
    result = dispatch()
    log.refresh_from_db()
    assert result.requeued == ([log.pk] if requeued else [])
    assert len(result.task_ids) == (1 if requeued else 0)
    assert log.queued_at == (T0 if requeued else T0 - queued_ago)


def test_a_reminder_is_sent_once_with_the_due_count(at):
    user = paris(reminder_time=time(13, 0))
    for _ in range(3):
        card_due(user, MAY4)
    log = ReminderLog.objects.create(user=user, local_date=MAY4, queued_at=T0)
    assert services.reminder_send(log_id=log.pk) == "sent"
    log.refresh_from_db()
    assert (log.status, log.due_count, log.sent_at, log.reason) == ("sent", 3, T0, "")
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert services.reminder_send(log_id=log.pk) == "duplicate"
    assert services.reminder_send(log_id=log.pk + 1000) == "missing"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"reminders_enabled": False}, "reminders off"),
        ({"is_active": False}, "reminders off"),
        ({"local_date": date(2026, 5, 3)}, "day over"),
        ({"due": False}, "nothing due"),
    ],
)
def test_a_reminder_that_no_longer_applies_is_skipped_with_why(at, change, reason):
    change = dict(change)  # popped below: the parameter itself must stay whole for a rerun
    user = paris()
    if change.pop("due", True):
        card_due(user, MAY4)
    local_date = change.pop("local_date", MAY4)
    User.objects.filter(pk=user.pk).update(**change)
    log = ReminderLog.objects.create(user=user, local_date=local_date, queued_at=T0)
    assert services.reminder_send(log_id=log.pk) == "skipped"
    log.refresh_from_db()
    assert (log.status, log.reason, log.sent_at) == ("skipped", reason, None)
    assert mail.outbox == []


def test_unsubscribing_turns_reminders_off():
    user = UserFactory()
    services.reminders_off(user_id=user.pk)
    user.refresh_from_db()
    assert user.reminders_enabled is False


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (
            SMTPRecipientsRefused({"a@example.com": (550, b"5.1.1 no such user")}),
            "550 5.1.1 no such user",
        ),
        (SMTPRecipientsRefused({"a@example.com": (500, "syntax ")}), "500 syntax"),
        (SMTPRecipientsRefused({"a@example.com": (599, b"x")}), "599 x"),
        (SMTPRecipientsRefused({"a@example.com": (450, b"mailbox busy")}), None),
        (SMTPRecipientsRefused({"a@example.com": (499, b"x")}), None),
        (SMTPRecipientsRefused({"a@example.com": (600, b"x")}), None),
        (SMTPRecipientsRefused({}), None),
        (SMTPResponseException(554, b"rejected"), "554 rejected"),
        (SMTPResponseException(550, b"caf\xe9 "), "550 caf\ufffd"),  # not UTF-8
        (SMTPResponseException(421, b"try later"), None),
        (SMTPException("connection lost"), None),
    ],
)
def test_only_a_5xx_answer_is_a_permanent_refusal(error, refused):
    assert services.permanent_refusal(error) == refused


def test_a_dispatch_counts_its_batches(at, broker, monkeypatch):
    assert services.reminders_dispatch().batches == 0  # no learners at all: no query
    users = [paris(reminder_time=time(13, 0)) for _ in range(2)]
    assert services.reminders_dispatch(batch=10_000).batches == 1 + (users[1].pk - 1) // 10_000
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert services.reminders_dispatch().batches == 1  # the Python path: one pass
