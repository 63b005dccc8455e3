"""The question and its choices are cached per question version (issue 15): an
editor's change shows on the learner's next page, one learner's state never
reaches another, and with the cache down the page is read from the database."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from quizbank import selectors, services
from quizbank.models import Attempt
from tests.factories import QuestionFactory, UserFactory
from tests.quizbank.test_admin import form_data

pytestmark = pytest.mark.django_db


def learner_on(question) -> tuple[Client, str]:
    client = Client()
    user = UserFactory()
    client.force_login(user)
    session = services.session_create(user=user, question_ids=[question.pk], title="Cache")
    return client, reverse("session-item", args=[session.pk, 1])


def test_an_editors_change_and_its_revert_show_on_the_next_page(client, admin_client):
    question = QuestionFactory(stem="How many *layers*?")
    learner, url = learner_on(question)
    first = learner.get(url).content.decode()
    # Texts no random token on the page (CSRF, nonce) can contain: they have spaces.
    assert "layers" in first and "Edited W" not in first
    original = question.history.earliest()

    change = reverse("admin:quizbank_question_change", args=[question.pk])
    data = form_data(question, texts=tuple(f"Edited {t}" for t in "WXYZ"))
    assert admin_client.post(change, data).status_code == 302
    edited = learner.get(url).content.decode()
    assert "What is" in edited and "layers" not in edited
    assert all(f"Edited {t}" in edited for t in "WXYZ")

    revert = reverse("admin:quizbank_question_simple_history", args=[question.pk, original.pk])
    assert admin_client.post(revert, {"_save": "Revert"}).status_code == 302
    reverted = learner.get(url).content.decode()
    assert "layers" in reverted and "Edited W" not in reverted


def test_a_renamed_subsection_shows_on_the_next_page():
    question = QuestionFactory()
    learner, url = learner_on(question)
    assert "Renamed topic" not in learner.get(url).content.decode()
    subsection = question.subsection
    subsection.title = "Renamed topic"
    subsection.save()
    assert "Renamed topic" in learner.get(url).content.decode()


def test_two_learners_share_the_question_never_their_state():
    question = QuestionFactory()
    first, first_url = learner_on(question)
    second, second_url = learner_on(question)
    key = question.choices.get(correct=True)
    first.get(first_url)
    first.post(first_url + "answer/", {"choice": key.pk})
    assert "Correct" in first.get(first_url).content.decode()

    response = second.get(second_url)
    page, state = response.content.decode(), response.context["state"]
    assert "Check answer" in page and "Correct" not in page
    assert [c.pk for c in state.choices] == state.item.choice_order


def test_with_the_cache_down_the_page_and_the_answer_still_work():
    question = QuestionFactory()
    learner, url = learner_on(question)
    key = question.choices.get(correct=True)
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "set", return_value=None),
    ):  # what IGNORE_EXCEPTIONS makes of a Redis that does not answer
        assert learner.get(url).status_code == 200
        assert learner.post(url + "answer/", {"choice": key.pk}).status_code == 302
    assert Attempt.objects.filter(question=question, correct=True).count() == 1


# Survivors of the full mutation run on 4ca2549 (issue 23) -------------------------------

TAXONOMY_KEY = selectors._TAXONOMY_VERSION


def test_a_lost_taxonomy_version_never_brings_back_an_old_title():
    question = QuestionFactory()
    learner, url = learner_on(question)
    cache.delete(TAXONOMY_KEY)  # a cache that starts empty (Redis restarted)...
    learner.get(url)
    subsection = question.subsection
    subsection.title = "Renamed topic"
    subsection.save()
    cache.delete(TAXONOMY_KEY)  # ...and loses the key again (`make run`'s file cache culls)
    assert "Renamed topic" in learner.get(url).content.decode()


def test_the_version_changes_again_when_the_save_commits(django_capture_on_commit_callbacks):
    # A page read between the save and its commit still sees the old title and
    # caches it under the version the save set: the commit must start another.
    subsection = QuestionFactory().subsection
    with django_capture_on_commit_callbacks(execute=True):
        subsection.title = "Renamed topic"
        subsection.save()
        during = cache.get(TAXONOMY_KEY)
    assert cache.get(TAXONOMY_KEY) not in (None, during)


def test_questions_expire_within_the_hour_the_version_never():
    if not hasattr(cache, "ttl"):
        pytest.skip("needs Redis's TTLs")
    question = QuestionFactory()
    learner, url = learner_on(question)
    learner.get(url)
    (key,) = cache.keys("quizbank:question:*")
    assert 300 < cache.ttl(key) <= 3600  # an hour, not the default five minutes
    assert cache.ttl(TAXONOMY_KEY) is None  # no expiry: only a save replaces it
    subsection = question.subsection
    subsection.save()
    assert cache.ttl(TAXONOMY_KEY) is None
