"""Practice pages: flow, HTMX partials, no-JS fallback, permissions, bad input, queries."""

import pytest
from django.urls import reverse

from quizbank import services
from quizbank.models import Attempt, PracticeSession
from tests.factories import UserFactory, answer, past_attempts

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice"}


@pytest.fixture
def session(user, subsection, questions):
    return services.session_start(user=user, subsection=subsection, size=3)


def item_url(session, position, suffix=""):
    name = "session-answer" if suffix == "answer" else "session-item"
    return reverse(name, args=[session.pk, position])


def wrong_choice(item):
    return item.question.choices.filter(correct=False).first()


def test_home_shows_landing_to_visitors_and_sends_learners_to_the_dashboard(client, user):
    response = client.get("/")
    assert b"Create a free account" in response.content
    client.force_login(user)
    assert client.get("/").url == reverse("dashboard")


def test_pages_need_login(client, session):
    for url in [reverse("catalogue"), item_url(session, 1), reverse("profile")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_catalogue_shows_counts_and_progress(learner_client, user, subsection, questions):
    past_attempts(user, questions[:2], 4)
    response = learner_client.get(reverse("catalogue"))
    page = response.content.decode()
    assert subsection.title in page
    assert "5 questions" in page
    assert "2 of 5 seen" in page


def test_start_form_creates_a_session_and_opens_question_one(learner_client, subsection, questions):
    url = reverse("practice-subsection", args=[subsection.section.slug, subsection.slug])
    assert learner_client.get(url).status_code == 200
    response = learner_client.post(url, {"size": 5, "difficulties": ["medium"]})
    session = PracticeSession.objects.get()
    assert response.url == item_url(session, 1)
    assert session.size == 5


def test_start_form_errors_are_shown(learner_client, subsection, questions):
    url = reverse("practice-subsection", args=[subsection.section.slug, subsection.slug])
    response = learner_client.post(url, {"size": 5})
    assert response.status_code == 400
    assert b"Pick at least one difficulty." in response.content
    response = learner_client.post(url, {"size": 5, "difficulties": ["hard"]})
    assert b"No questions match" in response.content
    assert not PracticeSession.objects.exists()


def test_question_page_shows_choices_in_the_stored_order_on_every_load(learner_client, session):
    item = session.items.get(position=1)
    texts = [
        c.text_html
        for c in sorted(item.question.choices.all(), key=lambda c: item.choice_order.index(c.pk))
    ]
    for _ in range(2):
        page = learner_client.get(item_url(session, 1)).content.decode()
        positions = [page.index(t) for t in texts]
        assert positions == sorted(positions)


def test_htmx_answer_swaps_in_feedback(learner_client, session):
    item = session.items.get(position=1)
    chosen = wrong_choice(item)
    response = learner_client.post(item_url(session, 1, "answer"), {"choice": chosen.pk}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="practice"' in page  # the partial only
    assert "Not quite" in page
    assert chosen.why_html in page
    assert item.question.choices.get(correct=True).why_html in page
    assert item.question.explanation_html in page
    assert "Next question" in page
    assert 'id="nav-due"' in page and 'hx-swap-oob="true"' in page  # nav count refreshed


def test_answer_without_javascript_redirects_to_feedback(learner_client, session):
    item = session.items.get(position=1)
    key = item.question.choices.get(correct=True)
    response = learner_client.post(item_url(session, 1, "answer"), {"choice": key.pk})
    assert response.status_code == 302 and response.url == item_url(session, 1)
    page = learner_client.get(response.url).content.decode()
    assert "Correct." in page and "Explanation" in page


def test_an_answered_option_reads_the_same_in_practice_and_on_the_question_page(
    learner_client, session
):
    """One partial shows an option with its feedback everywhere, so its words
    cannot drift apart again."""
    item = session.items.get(position=1)
    key = item.question.choices.get(correct=True)
    practice = learner_client.post(item_url(session, 1, "answer"), {"choice": key.pk}, **HTMX)
    detail = learner_client.get(reverse("question-detail", args=[item.question.external_id]))
    for page in (practice.content.decode(), detail.content.decode()):
        assert "Correct answer · Your answer" in page
        assert '<span class="letter">A</span>' in page and '<span class="letter">D</span>' in page


def test_double_submit_records_one_attempt(learner_client, session):
    item = session.items.get(position=1)
    key = item.question.choices.get(correct=True)
    wrong = wrong_choice(item)
    learner_client.post(item_url(session, 1, "answer"), {"choice": key.pk}, **HTMX)
    second = learner_client.post(item_url(session, 1, "answer"), {"choice": wrong.pk}, **HTMX)
    assert second.status_code == 200 and "Correct." in second.content.decode()
    assert Attempt.objects.filter(item=item).count() == 1
    assert Attempt.objects.get(item=item).correct


def test_summary_shows_the_score(learner_client, user, session):
    items = list(session.items.order_by("position"))
    answer(user, items[0], correct=True)
    answer(user, items[1], correct=False)
    answer(user, items[2], correct=True)
    page = learner_client.get(reverse("session-summary", args=[session.pk])).content.decode()
    assert "2 / 3" in page
    assert learner_client.get(reverse("session-detail", args=[session.pk])).url == reverse(
        "session-summary", args=[session.pk]
    )


def test_session_detail_resumes_at_first_unanswered(learner_client, user, session):
    answer(user, session.items.get(position=1), correct=True)
    response = learner_client.get(reverse("session-detail", args=[session.pk]))
    assert response.url == item_url(session, 2)


# Permissions --------------------------------------------------------------------


def test_another_users_session_is_404_everywhere(client, session):
    intruder = UserFactory()
    client.force_login(intruder)
    item = session.items.get(position=1)
    key = item.question.choices.get(correct=True)
    urls = [
        reverse("session-detail", args=[session.pk]),
        item_url(session, 1),
        reverse("session-summary", args=[session.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(item_url(session, 1, "answer"), {"choice": key.pk}).status_code == 404
    assert not Attempt.objects.exists()


# Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"choice": ""},
        {"choice": "abc"},
        {"choice": "999999"},
        {"choice": ["999998", "999999"]},  # never this question's ids, whatever ran before
        {"choice": "1e9"},
        {"choice": "-1"},
    ],
)
def test_malformed_answers_are_400_and_record_nothing(learner_client, session, data):
    response = learner_client.post(item_url(session, 1, "answer"), data, **HTMX)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Attempt.objects.exists()


def test_choice_of_another_question_is_400(learner_client, session):
    other = session.items.get(position=2).question.choices.first()
    response = learner_client.post(item_url(session, 1, "answer"), {"choice": other.pk})
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_unknown_ids_are_404(learner_client, session, subsection):
    assert learner_client.get(item_url(session, 99)).status_code == 404
    assert learner_client.get(reverse("session-item", args=[987654, 1])).status_code == 404
    assert learner_client.get("/practice/no-such-section/").status_code == 404
    assert learner_client.get(item_url(session, 1, "answer")).status_code == 405
