"""Editors in Django admin: the same choice rules as the loader, and a preview."""

import pytest
from django.urls import reverse

from quizbank.models import Attempt, Question
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(question=None, subsection=None, correct=(0,), texts=("A", "B", "C", "D")):
    data = {
        "external_id": question.external_id if question else "new-q",
        "subsection": (question.subsection if question else subsection).pk,
        "difficulty": "medium",
        "status": "published",
        "stem": "What is $1+1$?",
        "explanation": "Because **arithmetic**.",
        "tags": '["maths"]',
        "references": "[]",
        "choices-TOTAL_FORMS": "4",
        "choices-INITIAL_FORMS": "4" if question else "0",
        "choices-MIN_NUM_FORMS": "4",
        "choices-MAX_NUM_FORMS": "4",
    }
    existing = list(question.choices.all()) if question else [None] * 4
    for i, (text, choice) in enumerate(zip(texts, existing, strict=True)):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-why"] = f"Why {text}."
        data[f"choices-{i}-misconception"] = ""
        if i in correct:
            data[f"choices-{i}-correct"] = "on"
        if choice:
            data[f"choices-{i}-id"] = choice.pk
            data[f"choices-{i}-question"] = question.pk
    return data


def test_add_question_with_four_choices(admin_client):
    subsection = SubsectionFactory()
    response = admin_client.post(
        reverse("admin:quizbank_question_add"), form_data(subsection=subsection, correct=(2,))
    )
    assert response.status_code == 302
    question = Question.objects.get(external_id="new-q")
    assert question.choices.get(correct=True).text == "C"
    assert "<math" in question.stem_html


@pytest.mark.parametrize(
    ("correct", "texts", "message"),
    [
        ((), ("A", "B", "C", "D"), "has 0 correct choices; it needs exactly one"),
        ((0, 1), ("A", "B", "C", "D"), "has 2 correct choices; it needs exactly one"),
        ((0,), ("A", "a", "C", "D"), "two choices have the same text"),
    ],
)
def test_invalid_choices_are_refused_with_a_clear_message(admin_client, correct, texts, message):
    question = QuestionFactory()
    before = [(c.text, c.correct) for c in question.choices.all()]
    url = reverse("admin:quizbank_question_change", args=[question.pk])
    response = admin_client.post(url, form_data(question, correct=correct, texts=texts))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert [(c.text, c.correct) for c in question.choices.all()] == before


def test_fewer_than_four_choices_is_refused(admin_client):
    data = form_data(subsection=SubsectionFactory())
    data["choices-TOTAL_FORMS"] = "3"
    response = admin_client.post(reverse("admin:quizbank_question_add"), data)
    assert response.status_code == 200
    assert "This question has 3 choices; it needs exactly 4." in response.content.decode()
    assert not Question.objects.exists()


def test_moving_the_key_in_admin(admin_client):
    question = QuestionFactory()
    url = reverse("admin:quizbank_question_change", args=[question.pk])
    response = admin_client.post(url, form_data(question, correct=(3,)))
    assert response.status_code == 302
    assert question.choices.get(correct=True).position == 3


def test_change_page_previews_as_learners_see_it(admin_client):
    question = QuestionFactory()
    page = admin_client.get(reverse("admin:quizbank_question_change", args=[question.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert question.stem_html in content and question.explanation_html in content


def test_list_filters_and_search(admin_client):
    QuestionFactory(stem="Vanishing gradients in sigmoid nets")
    QuestionFactory(stem="Something else", difficulty="hard")
    url = reverse("admin:quizbank_question_changelist")
    assert b"Vanishing" in admin_client.get(url, {"q": "vanishing"}).content
    content = admin_client.get(url, {"difficulty__exact": "hard"}).content
    assert b"Something else" in content and b"Vanishing" not in content

    # The search reaches the options' text: only one question has a KL-divergence option.
    QuestionFactory(
        stem="Which loss compares two distributions?",
        choices=["Kullback-Leibler divergence", "Hinge loss", "L1 loss", "Huber loss"],
    )
    found = admin_client.get(url, {"q": "Kullback"}).content
    assert b"Which loss compares two distributions?" in found
    assert b"Vanishing" not in found and b"Something else" not in found


def test_answers_are_read_only_in_the_admin(admin_client):
    """Only services write answers (progress, cards and the dashboard follow)."""
    question = QuestionFactory()
    attempt = Attempt.objects.create(
        user=UserFactory(), question=question, choice=None, correct=False
    )
    change = reverse("admin:quizbank_attempt_change", args=[attempt.pk])
    assert admin_client.get(reverse("admin:quizbank_attempt_changelist")).status_code == 200
    assert admin_client.get(change).status_code == 200  # to view
    assert admin_client.post(change, {"correct": "on"}).status_code == 403
    assert admin_client.get(reverse("admin:quizbank_attempt_add")).status_code == 403
    delete = reverse("admin:quizbank_attempt_delete", args=[attempt.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.correct is False
