"""The navigation's cached "Due today" count (issue 15): per learner, dropped when
an answer is stored, never another learner's, and the site works with the cache down."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from quizbank import services
from quizbank.models import Attempt
from srs.selectors import card_due_today, card_due_today_cached
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def nav_count(client) -> str:
    page = client.get(reverse("catalogue")).content.decode()
    return page.split('data-due-count="', 1)[1].split('"', 1)[0]


def answer_all(user, client, correct=True):
    session = services.session_start(user=user, size=10)
    for item in session.items.order_by("position"):
        choice = item.question.choices.filter(correct=correct).first()
        client.post(
            reverse("session-answer", args=[session.pk, item.position]), {"choice": choice.pk}
        )


@pytest.fixture
def bank():
    return [QuestionFactory() for _ in range(3)]


def test_a_learner_never_sees_another_learners_cached_count(client, bank, settings):
    busy, idle = UserFactory(), UserFactory()
    client.force_login(busy)
    answer_all(busy, client, correct=False)
    settings.SRS_CLOCK_OFFSET = timedelta(days=1)  # the misses are due
    assert nav_count(client) == "3"
    other = type(client)()
    other.force_login(idle)
    assert nav_count(other) == "0"  # busy's cached 3 is not idle's
    assert nav_count(client) == "3"
    assert (
        card_due_today_cached(user=idle).reviews == 0
        and card_due_today_cached(user=busy).reviews == 3
    )


def test_an_answer_drops_the_cached_count(client, bank):
    user = UserFactory()
    client.force_login(user)
    fresh = card_due_today_cached(user=user).new  # cached now
    answer_all(user, client, correct=False)
    assert card_due_today_cached(user=user).new == fresh - 3 == card_due_today(user=user).new


def test_a_settings_change_reads_a_new_entry(client, bank, settings):
    user = UserFactory()
    client.force_login(user)
    answer_all(user, client, correct=False)
    settings.SRS_CLOCK_OFFSET = timedelta(days=1)
    assert nav_count(client) == "3"
    user.review_limit = 1
    user.save()
    assert nav_count(client) == "1"


def test_a_new_study_day_reads_a_new_entry(client, bank, settings):
    user = UserFactory()
    client.force_login(user)
    answer_all(user, client, correct=True)  # right: due on a later day
    assert nav_count(client) == "0"
    settings.SRS_CLOCK_OFFSET = timedelta(days=30)
    assert nav_count(client) == "3"


def test_with_the_cache_down_answers_are_stored_and_counts_are_right(client, bank, settings):
    user = UserFactory()
    client.force_login(user)
    assert nav_count(client) == "0"
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "set", return_value=None),
    ):  # what IGNORE_EXCEPTIONS makes of a Redis that does not answer
        answer_all(user, client, correct=False)
        assert Attempt.objects.filter(user=user).count() == 3
        settings.SRS_CLOCK_OFFSET = timedelta(days=1)
        assert nav_count(client) == "3"  # computed every time
    cache.clear()  # Redis is back, restarted empty (it keeps nothing on disk)
    assert nav_count(client) == "3"
    assert card_due_today_cached(user=user) == card_due_today(user=user)


@pytest.mark.django_db(transaction=True)
def test_the_count_carried_past_each_answer_is_the_count_recomputed(
    client, settings, django_assert_num_queries
):
    """An answer moves the cached count by what it changed (a new card, a review
    done, a card no longer or again due, the limits), so the feedback and the next
    page need no query; after every kind of answer it equals a recount."""
    bank = [QuestionFactory() for _ in range(6)]
    user = UserFactory(review_limit=1, new_limit=4)
    client.force_login(user)
    nav_count(client)  # counted once: carried from here on

    def answer(session, position, correct):
        item = session.items.get(position=position)
        choice = item.question.choices.filter(correct=correct).first()
        client.post(
            reverse("session-answer", args=[session.pk, position]),
            {"choice": choice.pk},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="practice",
        )
        with django_assert_num_queries(0):
            carried = card_due_today_cached(user=user)
        assert carried == card_due_today(user=user)
        return item.question

    first = services.session_start(user=user, size=len(bank))
    missed = [answer(first, p, correct=p % 2 == 0) for p in range(1, 5)]  # new, 2 missed
    settings.SRS_CLOCK_OFFSET = timedelta(days=1)  # a new day: the misses are due
    nav_count(client)
    second = services.session_start(user=user, size=len(bank))
    for position in range(1, len(bank) + 1):  # new past the limit, due reviews past
        answer(second, position, correct=position % 3 != 0)  # theirs, early answers
    assert missed  # and every answer above was carried, never recounted


@pytest.mark.django_db(transaction=True)
def test_an_answer_while_another_is_pending_leaves_no_carried_count(client):
    """Two answers at once (two tabs): the second's version replaces the first's
    pending one, so the first carries nothing and the next page recounts."""
    from django.db import transaction

    from srs.selectors import _due_version_key, card_due_today_answered

    user = UserFactory()
    before = card_due_today_cached(user=user)
    with transaction.atomic():
        card_due_today_answered(user=user, kind="new", due=before.day_end)
        cache.set(_due_version_key(user.pk), "another-tab")
    assert cache.get(_due_version_key(user.pk)) not in (None, "another-tab")
    assert card_due_today_cached(user=user) == card_due_today(user=user)
