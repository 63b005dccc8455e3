"""The report queue: editors see the report and resolve or dismiss it with a
note; the reporter sees the outcome."""

import pytest
from django.urls import reverse

from quizbank.models import ProblemReport
from quizbank.selectors import report_list
from quizbank.services import report_create
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:quizbank_problemreport_changelist"


@pytest.fixture
def report(user):
    question = QuestionFactory(external_id="bad-key")
    return report_create(
        user=user,
        question=question,
        reason="I think C is also right.",
        choice=question.choices.get(position=2),
    )


def test_the_queue_shows_question_choice_and_reason(editor_client, report, user):
    content = editor_client.get(reverse(QUEUE)).content.decode()
    assert "bad-key" in content and user.email in content
    assert "C: $x^2/2$" in content
    assert "I think C is also right." in content


def test_the_queue_opens_on_open_reports(editor_client, report):
    closed = report_create(user=UserFactory(), question=report.question, reason="Old one")
    ProblemReport.objects.filter(pk=closed.pk).update(status=ProblemReport.Status.RESOLVED)
    shown = editor_client.get(reverse(QUEUE)).context["cl"].result_list
    assert list(shown) == [report]
    everything = editor_client.get(reverse(QUEUE), {"status": "all"}).context["cl"].result_list
    assert len(everything) == 2


@pytest.mark.parametrize(
    ("action", "status", "label"),
    [("resolve", "resolved", "Resolved"), ("dismiss", "dismissed", "Dismissed")],
)
def test_close_with_a_note_and_the_reporter_sees_it(
    editor_client, editor_user, report, user, action, status, label
):
    ask = editor_client.post(reverse(QUEUE), {"action": action, "_selected_action": [report.pk]})
    assert ask.status_code == 200 and b"The reporters see this note" in ask.content
    report.refresh_from_db()
    assert report.status == "open"  # nothing happens before the note is given

    done = editor_client.post(
        reverse(QUEUE),
        {
            "action": action,
            "_selected_action": [report.pk],
            "apply": "1",
            "note": "Fixed the key; thanks!",
        },
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.resolution_note, report.resolved_by) == (
        status,
        "Fixed the key; thanks!",
        editor_user,
    )
    (mine,) = report_list(user=user)
    assert (mine.status, mine.get_status_display(), mine.resolution_note) == (
        status,
        label,
        "Fixed the key; thanks!",
    )
    assert mine.question.external_id == "bad-key"


def test_closing_needs_a_note(editor_client, report):
    response = editor_client.post(
        reverse(QUEUE),
        {"action": "resolve", "_selected_action": [report.pk], "apply": "1", "note": " "},
    )
    assert response.status_code == 200 and b"This field is required" in response.content
    report.refresh_from_db()
    assert report.status == "open"


def test_the_change_form_records_who_closed_it(editor_client, editor_user, report):
    url = reverse("admin:quizbank_problemreport_change", args=[report.pk])
    response = editor_client.post(url, {"status": "dismissed", "resolution_note": "Not a bug."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == editor_user and report.resolved_at is not None


def test_reports_of_shows_only_the_users_own_in_one_query(
    report, user, other_user, django_assert_num_queries
):
    report_create(user=other_user, question=report.question, reason="Someone else's")
    with django_assert_num_queries(1):
        mine = [(r.question.external_id, r.status) for r in report_list(user=user)]
    assert mine == [("bad-key", "open")]


@pytest.mark.parametrize("n", [1, 60])
def test_the_queue_query_count_does_not_grow(editor_client, django_assert_num_queries, n):
    question = QuestionFactory()
    reporter = UserFactory()
    for i in range(n):
        report_create(user=reporter, question=question, reason=f"Problem {i}")
    with django_assert_num_queries(6):
        assert editor_client.get(reverse(QUEUE)).status_code == 200
