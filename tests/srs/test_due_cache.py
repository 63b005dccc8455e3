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
