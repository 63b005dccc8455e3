"""Spaced repetition made visible (issue 16, item 5): the feedback says when
the question comes back; the review page shows the next 14 days' load and the
last 30 days' retention and reviews a day, each in a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from quizbank import services
from srs.days import DayRule
from srs.models import Card, ReviewLog
from srs.selectors import (
    card_due_forecast,
    card_due_list,
    card_due_today,
    card_next_review,
    review_stats,
)
from srs.services import SCHEDULED_DUE
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer
from tests.srs.factories import card_due

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def learner(db):
    return UserFactory(timezone="Asia/Tokyo", review_limit=200)


@pytest.fixture
def today(learner, clock):
    clock.to(NOW)
    return DayRule.for_user(learner).day_of(NOW)


def log(card, *, day, kind, rating):
    rule = DayRule.for_user(card.user)
    return ReviewLog.objects.create(
        card=card,
        user=card.user,
        rating=rating,
        kind=kind,
        reviewed_at=rule.start(day) + timedelta(hours=2),
        due=card.due,
    )


def test_forecast_counts_each_study_day_and_overdue_ones_today(learner, today):
    for offset in (-3, -1, 0, 0, 1, 5, 5, 5, 13, 14, 30):
        card_due(learner, today + timedelta(days=offset))
    card_due(UserFactory(), today)  # someone else's
    loads = card_due_forecast(user=learner, due=card_due_today(user=learner))
    assert len(loads) == 14 and loads[0].day == today
    assert [d.cards for d in loads] == [4, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1]


def test_review_stats_over_the_last_30_days(learner, today):
    card = card_due(learner, today)
    good, again = ReviewLog.Rating.GOOD, ReviewLog.Rating.AGAIN
    for n in range(6):
        log(card, day=today - timedelta(days=n), kind=ReviewLog.Kind.REVIEW, rating=good)
    log(card, day=today - timedelta(days=2), kind=ReviewLog.Kind.REVIEW, rating=again)
    log(card, day=today - timedelta(days=2), kind=ReviewLog.Kind.NEW, rating=again)
    log(card, day=today - timedelta(days=40), kind=ReviewLog.Kind.REVIEW, rating=again)  # too old
    stats = review_stats(user=learner, due=card_due_today(user=learner))
    assert (stats.answers, stats.reviews, stats.recalled) == (8, 7, 6)
    assert stats.retention == 86 and stats.reviews_a_day == 0.2


def test_review_stats_before_any_review(learner, today):
    stats = review_stats(user=learner, due=card_due_today(user=learner))
    assert stats.retention is None and stats.reviews_a_day == 0


def test_next_review_counts_study_days(learner, today):
    card = card_due(learner, today + timedelta(days=4))
    assert card_next_review(user=learner, question_id=card.question_id) == 4
    overdue = card_due(learner, today - timedelta(days=2))
    assert card_next_review(user=learner, question_id=overdue.question_id) == 0
    assert card_next_review(user=learner, question_id=QuestionFactory().pk) is None


def test_feedback_says_when_the_question_comes_back(client, learner, today):
    sub = SubsectionFactory()
    QuestionFactory(subsection=sub)
    session = services.session_start(user=learner, subsection=sub, size=1)
    item = session.items.get(position=1)
    client.force_login(learner)
    before = client.get(reverse("session-item", args=[session.pk, 1])).content.decode()
    assert "Next review" not in before
    answer(learner, item, correct=False)  # a miss comes back the next study day
    after = client.get(reverse("session-item", args=[session.pk, 1])).content.decode()
    card = Card.objects.get(user=learner, question=item.question)
    rule = DayRule.for_user(learner)
    assert (rule.day_of(card.due) - today).days == 1
    assert "Next review tomorrow." in after


def test_the_answers_own_feedback_reads_the_due_date_it_just_scheduled(
    client, learner, today, django_assert_num_queries
):
    """The htmx feedback after an answer takes "next review" from the card the
    answer scheduled (srs notes its due date on the attempt), not from a query."""
    sub = SubsectionFactory()
    question = QuestionFactory(subsection=sub)
    session = services.session_start(user=learner, subsection=sub, size=1)
    client.force_login(learner)
    wrong = question.choices.filter(correct=False).first()
    feedback = client.post(
        reverse("session-answer", args=[session.pk, 1]),
        {"choice": wrong.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="practice",
    ).content.decode()
    assert "Next review tomorrow." in feedback
    attempt = session.items.get(position=1).attempt
    card = Card.objects.get(user=learner, question=question)
    setattr(attempt, SCHEDULED_DUE, card.due + timedelta(days=3))  # what the tag reads
    with django_assert_num_queries(0):
        days = card_next_review(
            user=learner, question_id=question.pk, due=getattr(attempt, SCHEDULED_DUE)
        )
    assert days == 4


def test_the_review_page_shows_the_forecast_and_statistics(
    client, learner, today, django_assert_num_queries
):
    for offset in (0, 2, 2):
        card_due(learner, today + timedelta(days=offset))
    card = Card.objects.first()
    log(card, day=today - timedelta(days=1), kind=ReviewLog.Kind.REVIEW, rating=3)
    client.force_login(learner)
    client.get(reverse("srs-queue"))
    # card_due_today (the navigation reuses it; the session and user are in
    # Redis), the 14-day forecast, the statistics
    with django_assert_num_queries(3):
        page = client.get(reverse("srs-queue")).content.decode()
    assert "The next 14 days" in page and "3 in the next 7 days" in page
    assert "<td>2</td>" in page  # the accessible table under the chart
    assert "data-retention>100%" in page and "data-reviews-a-day>0<" in page


def test_due_today_in_sql_counts_what_the_querysets_count(learner, today):
    """`card_due_today` is one SQL statement (issue 15); the queue, forecast and
    e-mail read `card_due_list`: the two must never drift apart."""
    learner.review_limit, learner.new_limit = 3, 5
    learner.save()
    cards = [card_due(learner, today + timedelta(days=d)) for d in (-4, -1, 0, 0, 0, 1, 6)]
    retired = card_due(learner, today - timedelta(days=2))
    retired.question.status = retired.question.Status.RETIRED
    retired.question.save()
    card_due(UserFactory(), today)  # someone else's
    good, again = ReviewLog.Rating.GOOD, ReviewLog.Rating.AGAIN
    log(cards[0], day=today, kind=ReviewLog.Kind.REVIEW, rating=good)
    log(cards[1], day=today, kind=ReviewLog.Kind.NEW, rating=again)
    log(cards[2], day=today, kind=ReviewLog.Kind.EARLY, rating=good)
    log(cards[3], day=today - timedelta(days=1), kind=ReviewLog.Kind.REVIEW, rating=good)
    log(cards[4], day=today + timedelta(days=1), kind=ReviewLog.Kind.NEW, rating=good)

    due = card_due_today(user=learner)
    rule = DayRule.for_user(learner)
    start, end = rule.start(today), rule.end(today)
    logs = ReviewLog.objects.filter(user=learner, reviewed_at__gte=start, reviewed_at__lt=end)
    listed = card_due_list(user=learner, before=end).count()
    reviewed = logs.filter(kind=ReviewLog.Kind.REVIEW).count()
    introduced = logs.filter(kind=ReviewLog.Kind.NEW).count()
    assert (listed, reviewed, introduced) == (5, 1, 1)
    assert (due.day, due.day_start, due.day_end) == (today, start, end)
    assert (due.reviews, due.backlog, due.new) == (2, 3, 4)  # 3 - 1 reviewed; 5 - 1 new
