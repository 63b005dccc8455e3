"""Due today: one count for the navigation, the queue page and the session."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizbank.models import PracticeSession, Question
from srs.days import DayRule
from srs.selectors import card_due_today, card_review_queue
from tests.factories import QuestionFactory, UserFactory
from tests.srs.factories import card_due

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def learner(db):
    return UserFactory(timezone="America/Chicago", review_limit=3, new_limit=2)


@pytest.fixture
def today(learner, clock):
    clock.to(NOW)
    return DayRule.for_user(learner).day_of(NOW)


def test_due_today_counts_due_cards_within_the_daily_limits(learner, today):
    for days_ago in (0, 1, 5, 9):
        card_due(learner, today - timedelta(days=days_ago))
    card_due(learner, today + timedelta(days=1))  # tomorrow: not due
    card_due(UserFactory(), today)  # someone else's
    retired = card_due(learner, today)
    Question.objects.filter(pk=retired.question_id).update(status=Question.Status.RETIRED)

    due = card_due_today(user=learner)
    assert (due.reviews, due.backlog, due.new) == (3, 1, 2)  # 4 due, limit 3


def test_a_card_due_later_today_counts_today(learner, today):
    """Due means due before the learner's day ends, not before this minute."""
    rule = DayRule.for_user(learner)
    card = card_due(learner, today)
    card.due = rule.end(today) - timedelta(minutes=1)
    card.save()
    assert card_due_today(user=learner).reviews == 1


def test_the_queue_puts_the_most_overdue_for_their_interval_first(learner, today):
    learner.review_limit = 10
    learner.save()
    a = card_due(learner, today - timedelta(days=2), interval=20)  # 10% overdue
    b = card_due(learner, today - timedelta(days=2), interval=2)  # 100% overdue
    c = card_due(learner, today, interval=1)  # due today
    d = card_due(learner, today - timedelta(days=1), interval=4)  # 25% overdue
    new = QuestionFactory()
    queue = card_review_queue(user=learner)
    assert queue.review_ids == [b.question_id, d.question_id, a.question_id, c.question_id]
    assert queue.new_ids == [new.pk]
    assert queue.question_ids == [*queue.review_ids, new.pk]


def test_the_navigation_queue_and_session_agree(learner, today, client):
    for days_ago in (0, 2, 4, 6):
        card_due(learner, today - timedelta(days=days_ago))
    client.force_login(learner)
    page = client.get(reverse("srs-queue")).content.decode()
    assert 'data-due-count="3"' in page  # navigation
    assert "<strong data-queue-count>3</strong> reviews due today" in page
    assert "1 more are due but over your daily limit" in page
    response = client.post(reverse("srs-start"))
    session = PracticeSession.objects.get()
    assert response.url == reverse("session-item", args=[session.pk, 1])
    assert session.mode == PracticeSession.Mode.REVIEW
    assert (
        list(session.items.values_list("question_id", flat=True))
        == card_review_queue(user=learner).question_ids
    )
    assert session.size == 3  # no unseen questions in the bank


def test_an_empty_queue_says_so_and_starts_nothing(learner, today, client):
    client.force_login(learner)
    page = client.get(reverse("srs-queue")).content.decode()
    assert "0</strong> reviews due today · up to 2 new questions" in page
    assert 'data-due-count="0"' in page
    learner.new_limit = 0
    learner.save()
    page = client.get(reverse("srs-queue")).content.decode()
    assert "Nothing is due" in page
    response = client.post(reverse("srs-start"), follow=True)
    assert "Nothing is due today" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_queue_pages_need_login_and_start_needs_post(client, learner):
    for url in [reverse("srs-queue"), reverse("srs-start")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(learner)
    assert client.get(reverse("srs-start")).status_code == 405


@pytest.mark.parametrize("cards", [1, 60])
def test_queue_and_navigation_query_counts(
    learner, today, client, django_assert_num_queries, cards
):
    learner.review_limit = 200
    learner.save()
    for n in range(cards):
        card_due(learner, today - timedelta(days=n % 7))
    client.force_login(learner)
    client.get(reverse("srs-queue"))
    # due_today (the navigation reuses it; the session and user are in Redis),
    # the 14-day forecast, the last 30 days' statistics
    with django_assert_num_queries(3):
        client.get(reverse("srs-queue"))
    # start: card_due_today, due cards, new questions, then session_create's
    # savepoint, choices, insert session, insert items, release
    with django_assert_num_queries(8):
        client.post(reverse("srs-start"))


def srs_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "srs_card" in q["sql"] or "srs_reviewlog" in q["sql"]]


def test_the_catalogue_shows_the_due_count_in_one_query(learner, today, client):
    for n in range(3):
        card_due(learner, today - timedelta(days=n))
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("catalogue")).content.decode()
    assert 'data-due-count="3"' in page and "Due today" in page
    # The navigation reads the count three times; it is computed once.
    assert len(srs_queries(queries.captured_queries)) == 1


def test_htmx_partials_do_not_count(learner, today, client):
    """The lazy count is only computed when the navigation is rendered."""
    card_due(learner, today)
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("custom-test"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="match-count"
        )
    assert response.status_code == 200 and "Due today" not in response.content.decode()
    assert srs_queries(queries.captured_queries) == []
