"""The holes found by trying DeepPrep as a new user and as an attacker (issue 14).
Each test failed before its fix; they run on Postgres and on SQLite."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quizbank import selectors, services
from quizbank.models import Attempt, PracticeSession, ProblemReport, SessionItem
from tests.factories import answer

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def session(user, subsection, questions):
    return services.session_start(user=user, subsection=subsection, size=3)


# 1. One "I don't know" must not break the dashboard -------------------------------


def test_dont_know_then_dashboard_is_fine(learner_client, session):
    url = reverse("session-answer", args=[session.pk, 1])
    learner_client.post(url, {"dont_know": "1"})
    assert Attempt.objects.get().choice is None
    response = learner_client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_a_finished_tutor_session_takes_no_more_answers(learner_client, session):
    """Found by the newcomer pass of 30 November: after Finish, an unanswered
    item still offered its form and an answer changed the finished score."""
    answer_url = reverse("session-answer", args=[session.pk, 2])
    learner_client.post(reverse("session-answer", args=[session.pk, 1]), {"dont_know": "1"})
    learner_client.post(reverse("session-finish", args=[session.pk]))
    summary = reverse("session-summary", args=[session.pk])
    page = learner_client.get(reverse("session-item", args=[session.pk, 2]))
    assert page.status_code == 302 and page.url == summary
    item = session.items.get(position=2)
    key = item.question.choices.get(correct=True)
    for extra in ({}, HTMX):
        response = learner_client.post(answer_url, {"choice": key.pk}, **extra)
        assert response.status_code in (200, 302)
        assert summary in (response.get("HX-Redirect") or response.get("Location") or "")
    assert not Attempt.objects.filter(item=item).exists()
    assert "has ended" in learner_client.get(summary).content.decode()
    item = SessionItem.objects.select_related("session").get(pk=item.pk)  # as the views read it
    with pytest.raises(ValidationError):
        services.attempt_record(user=session.user, item=item, choice_id=key.pk)


# 2. A timed answer chosen before 0:00 is kept -------------------------------------


def timed(user, subsection, size=2) -> PracticeSession:
    return services.session_start(
        user=user, subsection=subsection, size=size, mode=PracticeSession.Mode.TIMED
    )


def test_a_timed_choice_is_saved_as_it_is_made_and_survives_the_deadline(
    learner_client, user, subsection, questions
):
    session = timed(user, subsection)
    item = session.items.get(position=1)
    learner_client.get(reverse("session-item", args=[session.pk, 1]))
    save = learner_client.post(
        reverse("session-answer", args=[session.pk, 1]),
        {"choice": item.choice_order[2], "go": "save"},
        **HTMX,
    )
    assert save.status_code == 204  # saved, the learner stays on the question
    item.refresh_from_db()
    assert item.response_id == item.choice_order[2]
    PracticeSession.objects.filter(pk=session.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    # The timer's own submit arrives after 0:00: too late to change, but the
    # answer saved before the deadline is what the results count.
    late = learner_client.post(
        reverse("session-answer", args=[session.pk, 1]),
        {"choice": item.choice_order[0], "go": "finish"},
    )
    assert late.url == reverse("session-summary", args=[session.pk])
    results = learner_client.get(late.url).content.decode()
    assert "1 of 2 answered" in results
    assert Attempt.objects.get().choice_id == item.choice_order[2]


def test_the_timed_page_saves_on_change_and_submits_at_zero(
    learner_client, user, subsection, questions
):
    session = timed(user, subsection)
    page = learner_client.get(reverse("session-item", args=[session.pk, 1])).content.decode()
    assert 'hx-trigger="change"' in page and '"go": "save"' in page


# 3. The key is not readable before answering ---------------------------------------


def test_question_page_hides_the_key_until_the_learner_has_answered(learner_client, user, session):
    item = session.items.get(position=1)
    url = reverse("question-detail", args=[item.question.external_id])
    before = learner_client.get(url).content.decode()
    key = item.question.choices.get(correct=True)
    assert "Correct answer" not in before and key.why not in before
    assert item.question.explanation_html not in before
    answer(user, item, correct=False)
    after = learner_client.get(url).content.decode()
    assert "Correct answer" in after and key.why in after


def test_question_page_never_shows_the_key_of_a_question_in_a_running_timed_test(
    learner_client, user, subsection, questions
):
    tutor = services.session_start(user=user, subsection=subsection, size=5)
    for item in tutor.items.all():
        answer(user, item, correct=True)
    session = timed(user, subsection)
    question = session.items.get(position=1).question
    url = reverse("question-detail", args=[question.external_id])
    page = learner_client.get(url).content.decode()
    assert "Correct answer" not in page and "running timed test" in page
    services.timed_finish(user=user, session_id=session.pk)
    assert "Correct answer" in learner_client.get(url).content.decode()


def test_answer_it_now_starts_a_one_question_session(learner_client, questions):
    url = reverse("question-practise", args=[questions[0].external_id])
    response = learner_client.post(url)
    session = PracticeSession.objects.get()
    assert response.url == reverse("session-item", args=[session.pk, 1])
    assert [i.question_id for i in session.items.all()] == [questions[0].pk]


# 8. Odd ids are a 404 or a form error, never a 500 ----------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/9223372036854775808/1/",
        "/sessions/1/9223372036854775808/",
        "/sessions/99999999999999999999/summary/",
    ],
)
def test_out_of_range_ids_are_not_found(learner_client, path):
    assert learner_client.get(path).status_code == 404
    assert learner_client.post(path.rstrip("/") + "/answer/").status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "-1", "x"])
def test_custom_test_with_an_impossible_section_id_is_a_form_error(learner_client, value):
    response = learner_client.get(reverse("custom-test"), {"sections": value})
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    response = learner_client.post(reverse("custom-test"), {"subsections": value, "size": 5})
    assert response.status_code == 400


def test_a_report_naming_an_impossible_choice_is_a_form_error(learner_client, questions):
    url = reverse("question-report", args=[questions[0].external_id])
    response = learner_client.post(url, {"reason": "typo", "choice": "99999999999999999999"})
    assert response.status_code == 400


def test_pool_start_with_an_impossible_subsection_is_not_found(learner_client, questions):
    response = learner_client.post(
        reverse("pool-start", args=["missed"]), {"subsection": "99999999999999999999"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999"])
def test_admin_question_history_with_a_malformed_id_is_not_found(admin_client, object_id):
    response = admin_client.get(f"/admin/quizbank/question/{object_id}/history/")
    assert response.status_code in (302, 404)
    if response.status_code == 302:  # the admin's own "doesn't exist" redirect
        assert response.url == "/admin/"


# 9. Flooding ----------------------------------------------------------------------


def test_session_starts_are_limited_per_learner(
    learner_client, client, user, other_user, subsection, questions, settings, ratelimit_clock
):
    settings.SESSION_START_RATE = "3/m"
    url = reverse("practice-subsection", args=[subsection.section.slug, subsection.slug])
    codes = [
        learner_client.post(url, {"size": 5, "difficulties": ["medium"]}).status_code
        for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert PracticeSession.objects.filter(user=user).count() == 3
    client.force_login(other_user)  # another learner's limit is their own
    assert client.post(url, {"size": 5, "difficulties": ["medium"]}).status_code == 302


def test_a_second_report_on_a_question_updates_the_open_one(learner_client, user, questions):
    url = reverse("question-report", args=[questions[0].external_id])
    learner_client.post(url, {"reason": "typo in option B"})
    learner_client.post(url, {"reason": "typo in option B, and C too"})
    report = ProblemReport.objects.get()
    assert report.reason == "typo in option B, and C too"
    report.status = ProblemReport.Status.RESOLVED
    report.save()
    learner_client.post(url, {"reason": "still wrong"})
    assert ProblemReport.objects.filter(user=user).count() == 2
    # The newcomer pass: it must not replace silently; the form and the thanks say so.
    form = learner_client.post(url, {"reason": " "}, HTTP_HX_REQUEST="true")  # the form again
    assert form.status_code == 400 and "replaces its text" in form.content.decode()
    sent = learner_client.post(url, {"reason": "and D"}, HTTP_HX_REQUEST="true")
    assert "would replace it" in sent.content.decode()


# 10. Caching ------------------------------------------------------------------------


def test_learner_pages_are_private_and_fragments_vary_on_htmx(learner_client, session):
    for url in [reverse("dashboard"), reverse("session-item", args=[session.pk, 1])]:
        response = learner_client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "HX-Request" in response["Vary"]


def test_public_pages_stay_cacheable(client):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")


# 11. The newcomer pass of 30 November ------------------------------------------------


def test_a_search_with_no_match_says_so(learner_client, questions):
    response = learner_client.get(reverse("search"), {"q": "zzzzqqq"})
    assert response.status_code == 200
    assert "Nothing matches" in response.content.decode()


def test_the_landing_page_counts_the_bank_it_has(client, questions):
    from django.core.cache import cache

    from quizbank.models import Question

    cache.delete(selectors.BANK_COUNTS_KEY)
    text = client.get(reverse("home")).content.decode()
    assert f"{Question.objects.published().count()} original multiple-choice questions" in text
    assert "Over 700" not in text


@pytest.mark.parametrize("name", ["session-answer", "session-finish"])
def test_opening_a_form_address_directly_is_a_page_not_a_blank_405(learner_client, session, name):
    args = [session.pk, 1] if name == "session-answer" else [session.pk]
    response = learner_client.get(reverse(name, args=args))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "only takes a form" in response.content.decode()


def test_a_note_saved_a_moment_ago_says_just_now(learner_client, questions):
    url = reverse("question-note", args=[questions[0].external_id])
    learner_client.post(url, {"note": "remember the factor 2"})
    page = learner_client.get(reverse("question-detail", args=[questions[0].external_id]))
    text = page.content.decode()
    assert "Saved just now" in text and "0\xa0minutes" not in text
