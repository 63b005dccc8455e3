"""Answers update cards as FSRS says: Good for right, Again for wrong or "I don't know"."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from quizbank import services as quiz
from quizbank.models import PracticeSession
from srs.days import DayRule
from srs.models import Card, ReviewLog
from srs.scheduling import day_stamp, scheduled_retention
from tests.factories import QuestionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


# The retention FSRS is aimed at for a learner's target, worked by hand: a forgetting
# learner still guesses one in four right, so we aim 30% of the way closer to 1:
# 1 - (1 - 0.9) * 0.7 = 0.93. Above the target, never at or below it.
AIMED = {0.8: 0.86, 0.9: 0.93, 0.95: 0.965}


def fsrs_says(card: fsrs.Card | None, rating, day, retention=0.9):
    scheduler = fsrs.Scheduler(
        desired_retention=AIMED[retention],
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )
    return scheduler.review_card(card or fsrs.Card(due=day_stamp(day)), rating, day_stamp(day))[0]


def practise(user, questions, *, mode=PracticeSession.Mode.TUTOR):
    return quiz.session_create(
        user=user, question_ids=[q.pk for q in questions], title="t", mode=mode
    )


@pytest.fixture
def learner(db):
    return UserFactory(timezone="Europe/Berlin")


@pytest.mark.parametrize("target", sorted(AIMED))
def test_fsrs_aims_above_the_learners_target(target):
    assert scheduled_retention(target) == pytest.approx(AIMED[target])
    assert scheduled_retention(target) > target


def test_a_right_answer_creates_a_card_rated_good(learner, clock, settings):
    clock.to(NOON)
    question = QuestionFactory()
    item = practise(learner, [question]).items.get()
    quiz.item_present(item=item)
    attempt = answer(learner, item, correct=True)

    card = Card.objects.get(user=learner, question=question)
    rule = DayRule.for_user(learner)
    today = rule.day_of(NOON)
    expected = fsrs_says(None, fsrs.Rating.Good, today)
    assert card.state == Card.State.REVIEW
    assert card.stability == pytest.approx(expected.stability)
    assert card.difficulty == pytest.approx(expected.difficulty)
    assert rule.day_of(card.due) == expected.due.date()  # a whole number of study days
    assert card.due == rule.start(expected.due.date())  # due from the start of that day
    assert (card.reps, card.lapses) == (1, 0)
    log = ReviewLog.objects.get(card=card)
    assert (log.rating, log.kind, log.attempt) == (ReviewLog.Rating.GOOD, "new", attempt)
    assert log.reviewed_at.utcoffset() == timedelta(0)
    # Reviewed when answered, on the moved clock: exactly, no window.
    assert log.reviewed_at == attempt.created_at + settings.SRS_CLOCK_OFFSET
    assert log.reviewed_at >= NOON
    assert log.duration_ms == attempt.time_taken_ms is not None


@pytest.mark.parametrize("how", ["wrong", "dont-know"])
def test_a_miss_or_i_dont_know_rates_again_and_comes_back_tomorrow(learner, clock, how):
    clock.to(NOON)
    question = QuestionFactory()
    item = practise(learner, [question]).items.get()
    if how == "wrong":
        answer(learner, item, correct=False)
    else:
        quiz.attempt_record(user=learner, item=item, choice_id=None)
    card = Card.objects.get(user=learner, question=question)
    rule = DayRule.for_user(learner)
    today = rule.day_of(NOON)
    expected = fsrs_says(None, fsrs.Rating.Again, today)
    assert card.stability == pytest.approx(expected.stability)
    assert rule.day_of(card.due) == today + timedelta(days=1)
    assert ReviewLog.objects.get(card=card).rating == ReviewLog.Rating.AGAIN


def test_due_reviews_follow_fsrs_and_a_lapse_counts(learner, clock):
    question = QuestionFactory()
    rule = DayRule.for_user(learner)
    clock.to(NOON)
    answer(learner, practise(learner, [question]).items.get(), correct=True)
    card = Card.objects.get()
    before = fsrs_says(None, fsrs.Rating.Good, rule.day_of(NOON))

    # On the day it falls due (in the evening, local time): reviewed Good.
    review_time = card.due + timedelta(hours=14)
    clock.to(review_time)
    session = practise(learner, [question], mode=PracticeSession.Mode.REVIEW)
    answer(learner, session.items.get(), correct=True)
    card.refresh_from_db()
    after = fsrs_says(before, fsrs.Rating.Good, rule.day_of(review_time))
    assert card.stability == pytest.approx(after.stability)
    assert rule.day_of(card.due) == after.due.date()
    assert card.reps == 2 and card.lapses == 0
    assert ReviewLog.objects.filter(kind="review", in_review=True).count() == 1

    # Due again, and missed: Again, a lapse, back as soon as its new stability says.
    miss_time = card.due + timedelta(hours=1)
    clock.to(miss_time)
    answer(learner, practise(learner, [question]).items.get(), correct=False)
    card.refresh_from_db()
    again = fsrs_says(after, fsrs.Rating.Again, rule.day_of(miss_time))
    assert card.stability == pytest.approx(again.stability)
    assert (card.reps, card.lapses) == (3, 1)
    assert rule.day_of(card.due) == again.due.date()
    assert again.due - again.last_review < after.due - after.last_review


def test_practising_before_it_is_due_changes_nothing_unless_it_is_a_miss(learner, clock):
    question = QuestionFactory()
    clock.to(NOON)
    answer(learner, practise(learner, [question]).items.get(), correct=True)
    card = Card.objects.get()
    snapshot = (card.due, card.stability, card.difficulty, card.reps, card.last_review)

    clock.to(NOON + timedelta(hours=3))  # cramming: right again, same day
    answer(learner, practise(learner, [question]).items.get(), correct=True)
    clock.to(NOON + timedelta(hours=6))  # and again, still not due
    answer(learner, practise(learner, [question]).items.get(), correct=True)
    card.refresh_from_db()
    assert (card.due, card.stability, card.difficulty, card.reps, card.last_review) == snapshot
    early = ReviewLog.objects.filter(kind="early")
    assert early.count() == 2 and not early.filter(rescheduled=True).exists()

    answer(learner, practise(learner, [question]).items.get(), correct=False)  # a miss counts
    card.refresh_from_db()
    assert card.stability < snapshot[1] and card.reps == 2
    assert ReviewLog.objects.filter(kind="early", rescheduled=True, rating=1).count() == 1


def test_a_retention_change_applies_at_the_next_review_only(learner, clock):
    questions = [QuestionFactory(), QuestionFactory()]
    clock.to(NOON)
    for item in practise(learner, questions).items.all():
        answer(learner, item, correct=True)
    dues = dict(Card.objects.values_list("pk", "due"))

    learner.desired_retention = 0.95
    learner.save()
    assert dict(Card.objects.values_list("pk", "due")) == dues  # no mass reschedule

    card = Card.objects.get(question=questions[0])
    when = card.due + timedelta(hours=2)
    clock.to(when)
    answer(learner, practise(learner, [questions[0]]).items.get(), correct=True)
    card.refresh_from_db()
    rule = DayRule.for_user(learner)
    first = fsrs_says(None, fsrs.Rating.Good, rule.day_of(NOON))
    strict = fsrs_says(first, fsrs.Rating.Good, rule.day_of(when), retention=0.95)
    relaxed = fsrs_says(first, fsrs.Rating.Good, rule.day_of(when), retention=0.90)
    assert rule.day_of(card.due) == strict.due.date() < relaxed.due.date()


def test_the_day_rolls_over_at_the_learners_hour_in_their_zone(clock):
    """02:30 in Auckland, with the day starting at 04:00, still counts as yesterday."""
    learner = UserFactory(timezone="Pacific/Auckland", day_rollover_hour=4)
    late = datetime(2026, 5, 5, 2, 30).replace(tzinfo=DayRule.for_user(learner).tz)
    clock.to(late.astimezone(UTC))
    answer(learner, practise(learner, [QuestionFactory()]).items.get(), correct=False)
    card = Card.objects.get()
    local_due = card.due.astimezone(DayRule.for_user(learner).tz)
    assert (local_due.date().isoformat(), local_due.hour) == ("2026-05-05", 4)


def test_two_learners_get_their_own_cards(learner, clock):
    clock.to(NOON)
    other = UserFactory()
    question = QuestionFactory()
    answer(learner, practise(learner, [question]).items.get(), correct=True)
    answer(other, practise(other, [question]).items.get(), correct=False)
    assert Card.objects.get(user=learner).reps == Card.objects.get(user=other).reps == 1
    assert Card.objects.get(user=other).stability < Card.objects.get(user=learner).stability
