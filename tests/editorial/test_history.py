"""Every change to a question and its choices is kept with who and when, and
can be reverted from the admin."""

import pytest
from django.urls import reverse

from quizbank.models import Choice, Question
from tests.factories import QuestionFactory
from tests.quizbank.test_admin import form_data

pytestmark = pytest.mark.django_db


def test_an_admin_edit_is_kept_with_who_and_when(admin_client, admin_user):
    question = QuestionFactory()
    url = reverse("admin:quizbank_question_change", args=[question.pk])
    assert admin_client.post(url, form_data(question, correct=(2,))).status_code == 302
    latest = question.history.latest()
    assert latest.history_user == admin_user and latest.stem == "What is $1+1$?"
    assert latest.history_date is not None
    key_record = Choice.history.filter(question_id=question.pk, correct=True).latest()
    assert key_record.text == "C" and key_record.history_user == admin_user

    page = admin_client.get(reverse("admin:quizbank_question_history", args=[question.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert admin_user.email in content and "What is $1+1$?" in content  # the stem's diff
    assert 'id="choice-history"' in content


def test_a_reverted_edit_restores_the_question_and_its_choices(admin_client, admin_user):
    question = QuestionFactory()
    original = (question.stem, [(c.text, c.correct, c.why) for c in question.choices.all()])
    first_version = question.history.earliest()
    url = reverse("admin:quizbank_question_change", args=[question.pk])
    admin_client.post(url, form_data(question, correct=(3,), texts=("W", "X", "Y", "Z")))
    question.refresh_from_db()
    assert question.stem == "What is $1+1$?"

    version_url = reverse(
        "admin:quizbank_question_simple_history", args=[question.pk, first_version.history_id]
    )
    page = admin_client.get(version_url)
    assert page.status_code == 200
    assert "$x^2/2$" in page.content.decode()  # the version's own choices are listed

    response = admin_client.post(version_url, {"_save": "Revert"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (
        question.stem,
        [(c.text, c.correct, c.why) for c in question.choices.all()],
    ) == original
    assert "<math" in question.stem_html  # rendered again on save
    assert question.history.latest().history_user == admin_user  # the revert is history too


def test_retire_from_a_bulk_action_is_in_the_history(admin_client, admin_user):
    question = QuestionFactory()
    admin_client.post(
        reverse("admin:quizbank_question_changelist"),
        {"action": "retire", "_selected_action": [question.pk]},
    )
    latest = question.history.latest()
    assert latest.status == Question.Status.RETIRED and latest.history_user == admin_user
