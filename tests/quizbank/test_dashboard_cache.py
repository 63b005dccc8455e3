"""The dashboard's panels are kept per learner (issue 15): every answer, editor
change, rename, new day or time zone shows on the next view; one learner never
sees another's; with the cache down every view is computed."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizbank import dashboard, services
from quizbank.models import Question
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    subsection = SubsectionFactory(title="Attention basics")
    return [QuestionFactory(subsection=subsection) for _ in range(4)]


def learner(bank):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    session = services.session_create(user=user, question_ids=[q.pk for q in bank], title="Warm-up")
    return user, client, session


def answer(client, session, position, correct=True):
    item = session.items.get(position=position)
    choice = item.question.choices.filter(correct=correct).first()
    url = reverse("session-answer", args=[session.pk, position])
    assert client.post(url, {"choice": choice.pk}).status_code == 302


def seen(client) -> str:
    page = client.get(reverse("dashboard"))
    return page.context["overview"].seen, page.content.decode()


def test_every_answer_shows_on_the_next_view(bank):
    _, client, session = learner(bank)
    assert seen(client)[0] == 0
    assert seen(client)[0] == 0  # kept
    answer(client, session, 1)
    assert seen(client)[0] == 1
    answer(client, session, 2, correct=False)
    count, page = seen(client)
    assert count == 2 and "50%" in page


def test_a_learner_never_reads_anothers_panels(bank):
    _, first, session = learner(bank)
    _, second, _ = learner(bank)
    answer(first, session, 1)
    assert seen(first)[0] == 1
    assert seen(second)[0] == 0


def test_an_editors_change_a_rename_and_a_retired_question_show_at_once(bank):
    _, client, session = learner(bank)
    answer(client, session, 1)
    _, page = seen(client)
    assert "Attention basics" in page and "/ 4" in page
    subsection = bank[0].subsection
    subsection.title = "Attention, renamed"
    subsection.save()
    assert "Attention, renamed" in seen(client)[1]
    Question.objects.filter(pk=bank[3].pk).update(
        status=Question.Status.RETIRED, updated_at=timezone.now()
    )  # as the editors' bulk action does
    assert "/ 3" in seen(client)[1]


def test_a_new_day_and_a_new_time_zone_read_a_new_entry(bank, monkeypatch):
    user, client, session = learner(bank)
    monday = datetime(2026, 5, 4, 12, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    answer(client, session, 1)
    assert client.get(reverse("dashboard")).context["activity"].streak == 1
    tuesday = datetime(2026, 5, 5, 12, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: tuesday)
    assert client.get(reverse("dashboard")).context["activity"].today == tuesday.date()
    user.timezone = "Pacific/Kiritimati"  # UTC+14: already Wednesday there
    user.save()
    assert client.get(reverse("dashboard")).context["activity"].today == datetime(2026, 5, 6).date()


def test_with_the_cache_down_every_view_is_computed_and_right(bank):
    _, client, session = learner(bank)
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "get_or_set", side_effect=lambda k, d, *a, **kw: d()),
        mock.patch.object(cache, "set", return_value=None),
    ):  # what IGNORE_EXCEPTIONS makes of a Redis that does not answer
        assert seen(client)[0] == 0
        answer(client, session, 1)
        assert seen(client)[0] == 1


def test_the_history_version_changes_again_when_the_answer_commits(
    bank, django_capture_on_commit_callbacks
):
    user, _, _ = learner(bank)
    key = dashboard._history_version_key(user.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dashboard.learner_history_forget(user_id=user.pk)
        first = cache.get(key)
    assert first and len(callbacks) == 1
    callbacks[0]()
    assert cache.get(key) not in (None, first)


def test_an_answer_the_analytics_database_has_not_seen_keeps_no_entry(bank, monkeypatch):
    """The key also holds the learner's newest answer as the database the panels
    are read from sees it: a view computed from a replica that has not caught
    up is kept under the old answer's key, never under the new version."""
    _, client, session = learner(bank)
    assert seen(client)[0] == 0
    # As if the cache's version had moved before the replica caught up (here:
    # never moved): the newest answer in the key alone shows the new answer.
    monkeypatch.setattr(dashboard, "learner_history_forget", lambda **kwargs: None)
    answer(client, session, 1)
    assert seen(client)[0] == 1


def test_the_end_of_a_session_computes_the_panels_for_the_next_view(
    bank, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """When a session ends, the worker computes the panels (tests run tasks
    eagerly), so the dashboard the learner opens next reads them."""
    _, client, session = learner(bank)
    with django_capture_on_commit_callbacks(execute=True):
        for position in range(1, 5):
            answer(client, session, position, correct=position != 2)
    # Versions, the Today card, reports, and the navigation's "Due today" (the
    # answers changed it): the panels come from the cache.
    with django_assert_num_queries(4):
        page = client.get(reverse("dashboard"))
    assert page.context["overview"].seen == 4 and page.context["overview"].accuracy == 75


def test_a_broker_that_is_down_costs_the_warm_up_only(
    bank, django_capture_on_commit_callbacks, monkeypatch
):
    from quizbank import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.dashboard_warm, "delay", down)
    _, client, session = learner(bank)
    with django_capture_on_commit_callbacks(execute=True):
        for position in range(1, 5):
            answer(client, session, position)
    assert seen(client)[0] == 4
