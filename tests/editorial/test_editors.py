"""The Editor group: questions and reports, not users or settings."""

import pytest
from django.urls import reverse

from tests.editorial.factories import editor_group
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_editor_group():
    perms = set(editor_group().permissions.values_list("codename", flat=True))
    assert {"change_question", "add_question", "change_problemreport"} <= perms
    assert not {p for p in perms if p.endswith("_user") or p.endswith("_group")}
    assert "delete_question" not in perms  # editors retire, never delete


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:auth_group_changelist",
        "admin:quizbank_attempt_changelist",
    ],
)
def test_an_editor_cannot_open_users_or_settings(editor_client, name):
    assert editor_client.get(reverse(name)).status_code == 403


def test_an_editor_edits_questions_and_handles_reports(editor_client):
    question = QuestionFactory()
    for url in [
        reverse("admin:quizbank_question_changelist"),
        reverse("admin:quizbank_question_change", args=[question.pk]),
        reverse("admin:quizbank_question_history", args=[question.pk]),
        reverse("admin:quizbank_question_import"),
        reverse("admin:quizbank_problemreport_changelist"),
    ]:
        assert editor_client.get(url).status_code == 200, url
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Problem reports" in index and "Users" not in index
