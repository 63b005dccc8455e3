"""Issue 16, item 9: a sample question on the landing page, answerable without an
account, with or without JavaScript, and nothing written to the database."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizbank.selectors import SAMPLE_QUESTION_ID
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "sample"}


@pytest.fixture
def sample(subsection):
    QuestionFactory(subsection=subsection, difficulty="easy")  # the fallback, not chosen
    return QuestionFactory(
        subsection=subsection,
        external_id=SAMPLE_QUESTION_ID,
        difficulty="easy",
        stem="A sigmoid unit has pre-activation $z = 10$. What is $\\sigma'(z)$?",
    )


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_the_landing_page_shows_the_chosen_sample_question(client, sample):
    page = client.get("/").content.decode()
    assert 'id="sample"' in page and "no account needed" in page
    assert sample.stem_html in page and page.count('name="choice"') == 4
    assert f'action="{reverse("sample-answer")}"' in page and 'hx-post="/sample/"' in page


def test_answering_without_javascript_shows_feedback_and_stores_nothing(client, sample):
    wrong = sample.choices.get(position=2)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("sample-answer"), {"choice": wrong.pk})
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page  # the whole landing page
    assert "Not quite" in page and "Correct answer" in page and "Your answer" in page
    assert "Why option 2 is wrong" in page and "Why option 0 is right" in page
    assert sample.explanation_html in page and "Create a free account" in page
    assert writes(queries.captured_queries) == []


def test_answering_with_htmx_swaps_only_the_sample(client, sample):
    key = sample.choices.get(correct=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("sample-answer"), {"choice": key.pk}, **HTMX)
    page = response.content.decode()
    assert "<html" not in page and page.lstrip().startswith('<section id="sample"')
    assert "✓ Correct." in page and "Correct answer · Your answer" in page
    assert writes(queries.captured_queries) == []
    dont_know = client.post(reverse("sample-answer"), {"dont_know": "1"}, **HTMX)
    assert "here is the answer" in dont_know.content.decode()


def test_bad_answers_are_a_form_error(client, sample):
    other = QuestionFactory().choices.first()  # a choice of another question
    for data in [{}, {"choice": other.pk}, {"choice": "x"}, {"choice": "9" * 30}]:
        response = client.post(reverse("sample-answer"), data, **HTMX)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert client.get(reverse("sample-answer")).status_code == 405


def test_the_sample_needs_a_csrf_token(sample):
    strict = Client(enforce_csrf_checks=True)
    key = sample.choices.get(correct=True)
    assert strict.post(reverse("sample-answer"), {"choice": key.pk}).status_code == 403


def test_a_bank_without_the_chosen_question_shows_its_first_easy_one(client, subsection):
    QuestionFactory(subsection=subsection, difficulty="hard")
    easy = QuestionFactory(subsection=subsection, difficulty="easy")
    assert easy.stem_html in client.get("/").content.decode()


def test_an_empty_bank_shows_the_landing_page_without_a_sample(client):
    page = client.get("/").content.decode()
    assert "Create a free account" in page and 'id="sample"' not in page
    assert client.post(reverse("sample-answer"), {"choice": "1"}).status_code == 302
