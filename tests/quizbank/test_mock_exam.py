"""The mock-exam loop without JavaScript (issue 16, item 4): a review screen
before submitting, results filtered and broken down by subsection, and a
tutor session finished early."""

import pytest
from django.urls import reverse

from quizbank import services
from quizbank.models import Attempt, PracticeSession
from tests.factories import QuestionFactory, SubsectionFactory, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed(user):
    subs = [SubsectionFactory(title="Optimizers"), SubsectionFactory(title="Pooling")]
    for sub in subs:
        QuestionFactory(subsection=sub)
        QuestionFactory(subsection=sub)
    session = services.session_start(user=user, size=4, mode=PracticeSession.Mode.TIMED)
    return session


def respond(client, session, position, *, correct=None, go="next", marked=False):
    item = session.items.get(position=position)
    choice = item.question.choices.get(correct=True) if correct else None
    if correct is False:
        choice = item.question.choices.filter(correct=False).first()
    data = {"go": go, "choice": choice.pk if choice else ""}
    if marked:
        data["marked"] = "1"
    return client.post(reverse("session-answer", args=[session.pk, position]), data)


def test_review_screen_lists_unanswered_and_marked(learner_client, timed):
    respond(learner_client, timed, 1, correct=True)
    respond(learner_client, timed, 2, correct=False, marked=True)
    response = respond(learner_client, timed, 3, go="review", marked=True)
    review_url = reverse("session-review", args=[timed.pk])
    assert response.url == review_url
    page = learner_client.get(review_url).content.decode()
    assert "Review before submitting" in page
    assert 'aria-label="Question 3, unanswered"' in page
    assert 'aria-label="Question 4, unanswered"' in page
    assert 'aria-label="Question 2, marked for review, answered"' in page
    assert 'aria-label="Question 3, marked for review"' in page
    assert "Question 1, unanswered" not in page
    assert not Attempt.objects.exists()  # nothing is scored before submitting
    assert 'class="exam"' in page  # the site navigation steps aside


def test_review_screen_of_an_ended_test_goes_to_the_results(learner_client, user, timed):
    services.timed_finish(user=user, session_id=timed.pk)
    response = learner_client.get(reverse("session-review", args=[timed.pk]))
    assert response.url == reverse("session-summary", args=[timed.pk])


def test_another_learners_review_screen_is_404(client, other_user, timed):
    client.force_login(other_user)
    assert client.get(reverse("session-review", args=[timed.pk])).status_code == 404


def test_results_filter_and_break_down_by_subsection(learner_client, user, timed):
    respond(learner_client, timed, 1, correct=True)
    respond(learner_client, timed, 2, correct=False, marked=True)
    respond(learner_client, timed, 3, marked=True)
    learner_client.post(reverse("session-finish", args=[timed.pk]))
    url = reverse("session-summary", args=[timed.pk])

    every = learner_client.get(url).content.decode()
    assert every.count('class="card result-item"') == 4
    assert "By subsection" in every
    for sub in {i.question.subsection for i in timed.items.all()}:
        assert f"{sub.number} {sub.title}" in every
    wrong = learner_client.get(url, {"show": "wrong"}).content.decode()
    assert wrong.count('class="card result-item"') == 1 and 'id="item-2"' in wrong
    marked = learner_client.get(url, {"show": "marked"}).content.decode()
    assert marked.count('class="card result-item"') == 2
    assert 'id="item-2"' in marked and 'id="item-3"' in marked
    unanswered = learner_client.get(url, {"show": "unanswered"}).content.decode()
    assert unanswered.count('class="card result-item"') == 2
    # The navigator always lists every question; one hidden by the filter links to all.
    assert 'href="?show=all#item-1"' in marked and 'href="#item-2"' in marked
    odd = learner_client.get(url, {"show": "<script>"})
    assert odd.status_code == 200 and odd.content.decode().count('class="card result-item"') == 4


def test_a_tutor_session_can_be_finished_early(learner_client, user, subsection, questions):
    session = services.session_start(user=user, subsection=subsection, size=3)
    answer(user, session.items.get(position=1), correct=True)
    page = learner_client.get(reverse("session-item", args=[session.pk, 2])).content.decode()
    assert reverse("session-finish", args=[session.pk]) in page
    response = learner_client.post(reverse("session-finish", args=[session.pk]))
    assert response.url == reverse("session-summary", args=[session.pk])
    session.refresh_from_db()
    assert session.is_over()
    summary = learner_client.get(response.url).content.decode()
    assert "1 / 3" in summary and "1 of 3 answered" in summary
    # The session is over: its address opens the summary.
    assert learner_client.get(session.get_absolute_url()).url == response.url
