"""The learning loop: missed, flags and notes, custom and timed tests, history,
peer statistics, confidence, reports, and the dashboard."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizbank import analytics, services
from quizbank.models import (
    Annotation,
    Attempt,
    PracticeSession,
    ProblemReport,
    QuestionProgress,
    SessionItem,
)
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def start(user, subsection, size=5, **kwargs):
    return services.session_start(user=user, subsection=subsection, size=size, **kwargs)


def answer_all(user, session, right: set[int]):
    for item in session.items.order_by("position"):
        answer(user, item, correct=item.position in right)


# Review missed --------------------------------------------------------------------------


def test_missed_lists_wrong_answers_until_answered_right(
    learner_client, user, subsection, questions
):
    session = start(user, subsection)
    answer_all(user, session, right={1, 2, 3})
    page = learner_client.get(reverse("missed")).content.decode()
    wrong = [i.question for i in session.items.filter(position__in=[4, 5])]
    for q in wrong:
        assert q.external_id in page
    assert "Your last answer" in page and subsection.title in page

    # Practise the missed ones; answer one right: it leaves the list.
    response = learner_client.post(reverse("pool-start", args=["missed"]))
    again = PracticeSession.objects.latest("pk")
    assert response.url == reverse("session-item", args=[again.pk, 1])
    assert set(again.items.values_list("question_id", flat=True)) == {q.pk for q in wrong}
    answer(user, again.items.get(position=1), correct=True)
    remaining = QuestionProgress.objects.filter(user=user, last_correct=False).count()
    assert remaining == 1


def test_missed_session_for_one_subsection(learner_client, user, subsection, questions):
    other = SubsectionFactory()
    QuestionFactory(subsection=other)
    for sub in (subsection, other):
        answer_all(user, start(user, sub, size=1), right=set())
    learner_client.post(reverse("pool-start", args=["missed"]), {"subsection": other.pk})
    session = PracticeSession.objects.latest("pk")
    assert session.items.get().question.subsection == other


def test_nothing_missed_says_so(learner_client):
    response = learner_client.post(reverse("pool-start", args=["missed"]))
    assert response.url == reverse("missed")
    page = learner_client.get(response.url).content.decode()
    assert "No questions match" in page


# Flags and notes -------------------------------------------------------------------------


def test_flag_and_note_by_htmx_then_flagged_list(learner_client, user, questions):
    q = questions[0]
    response = learner_client.post(
        reverse("question-flag", args=[q.external_id]), {"flagged": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "★ Flagged" in response.content.decode()
    response = learner_client.post(
        reverse("question-note", args=[q.external_id]), {"note": "Remember the bias term"}, **HTMX
    )
    assert "Remember the bias term" in response.content.decode()
    assert Annotation.objects.get(user=user, question=q).flagged

    page = learner_client.get(reverse("flagged")).content.decode()
    assert q.external_id in page and "Remember the bias term" in page
    learner_client.post(reverse("pool-start", args=["flagged"]))
    session = PracticeSession.objects.latest("pk")
    assert list(session.items.values_list("question_id", flat=True)) == [q.pk]

    learner_client.post(reverse("question-flag", args=[q.external_id]), {"flagged": "0"})
    assert not Annotation.objects.get(user=user, question=q).flagged
    assert Annotation.objects.get(user=user, question=q).note == "Remember the bias term"


def test_note_too_long_is_a_clear_400(learner_client, questions):
    q = questions[0]
    response = learner_client.post(
        reverse("question-note", args=[q.external_id]), {"note": "x" * 2001}, **HTMX
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_notes_and_flags_are_private(client, user, questions):
    services.annotation_save(user=user, question=questions[0], flagged=True, note="secret")
    client.force_login(UserFactory())
    assert (
        "secret"
        not in client.get(
            reverse("question-detail", args=[questions[0].external_id])
        ).content.decode()
    )
    assert questions[0].external_id not in client.get(reverse("flagged")).content.decode()


# Custom test builder ------------------------------------------------------------------------


def test_builder_counts_matches_before_starting(learner_client, user, subsection, questions):
    QuestionFactory(subsection=subsection, difficulty="hard")
    url = reverse("custom-test")
    data = {
        "subsections": [subsection.pk],
        "difficulties": ["hard"],
        "pool": "all",
        "size": 5,
        "mode": "tutor",
    }
    response = learner_client.get(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="match-count")
    assert "<html" not in response.content.decode()
    assert "<strong>1</strong> question match" in response.content.decode()
    data["difficulties"] = ["medium"]
    response = learner_client.get(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="match-count")
    assert "<strong>5</strong> questions match" in response.content.decode()


def test_builder_counts_its_default_choice_on_first_load(learner_client, subsection, questions):
    """The defaults (every section and difficulty, all questions) already choose:
    the first page said "Choose above" instead of how many they match."""
    QuestionFactory(subsection=SubsectionFactory(), difficulty="hard")
    QuestionFactory(subsection=subsection, status="retired")
    page = learner_client.get(reverse("custom-test")).content.decode()
    count = re.search(r'<p id="match-count"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "Choose above" not in count
    assert "<strong>6</strong> questions match; the test will have 6." in count
    # The same sentence as the count htmx asks for when nothing has changed yet.
    partial = learner_client.get(
        reverse("custom-test"),
        {"difficulties": ["easy", "medium", "hard"], "pool": "all", "size": 20, "mode": "tutor"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="match-count",
    ).content.decode()
    assert " ".join(count.split()) in " ".join(partial.split())


def test_builder_starts_a_test_from_missed_questions(learner_client, user, subsection, questions):
    answer_all(user, start(user, subsection), right={1, 2})
    response = learner_client.post(
        reverse("custom-test"),
        {
            "sections": [subsection.section.pk],
            "difficulties": ["easy", "medium", "hard"],
            "pool": "missed",
            "size": 10,
            "mode": "tutor",
        },
    )
    session = PracticeSession.objects.latest("pk")
    assert response.url == reverse("session-item", args=[session.pk, 1])
    assert session.size == 3
    assert set(session.items.values_list("question_id", flat=True)) == set(
        QuestionProgress.objects.filter(user=user, last_correct=False).values_list(
            "question_id", flat=True
        )
    )


def test_builder_with_bad_input_explains(learner_client, questions):
    response = learner_client.post(reverse("custom-test"), {"size": "0", "pool": "nope"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Pick at least one difficulty." in page and "errorlist" in page


# Timed mock interviews --------------------------------------------------------------------


@pytest.fixture
def timed(user, subsection, questions):
    return start(user, subsection, size=3, mode=PracticeSession.Mode.TIMED)


def respond(client, session, position, choice=None, go="next", marked=False):
    data = {"go": go, "choice": choice.pk if choice else ""}
    if marked:
        data["marked"] = "1"
    return client.post(reverse("session-answer", args=[session.pk, position]), data)


def test_timed_test_keeps_answers_until_the_end_without_feedback(learner_client, user, timed):
    assert timed.deadline - timed.created_at == timedelta(seconds=3 * 90)
    items = list(timed.items.order_by("position"))
    page = learner_client.get(reverse("session-item", args=[timed.pk, 1])).content.decode()
    assert "data-deadline" in page and "Explanation" not in page
    wrong = items[0].question.choices.filter(correct=False).first()
    key = items[0].question.choices.get(correct=True)
    assert respond(learner_client, timed, 1, wrong).url.endswith(f"/{timed.pk}/2/")
    # Back to 1 and change the answer; mark 2 for review; leave 3 unanswered.
    respond(learner_client, timed, 2, None, go="prev", marked=True)
    respond(learner_client, timed, 1, key, go="3")
    assert not Attempt.objects.exists()  # nothing recorded before the end
    page = learner_client.get(reverse("session-item", args=[timed.pk, 3])).content.decode()
    assert "answered" in page and "marked for review" in page

    response = respond(learner_client, timed, 3, None, go="finish")
    assert response.url == reverse("session-summary", args=[timed.pk])
    results = learner_client.get(response.url).content.decode()
    assert "1 / 3" in results and "Unanswered" in results and "Explanation" in results
    assert Attempt.objects.count() == 1 and Attempt.objects.get().correct
    assert SessionItem.objects.get(pk=items[1].pk).marked


def test_reload_after_the_deadline_ends_the_test(learner_client, user, timed):
    item = timed.items.get(position=1)
    respond(learner_client, timed, 1, item.question.choices.get(correct=True), go="stay")
    PracticeSession.objects.filter(pk=timed.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    response = learner_client.get(reverse("session-item", args=[timed.pk, 2]))
    assert response.url == reverse("session-summary", args=[timed.pk])
    # An answer sent after the end is refused; the results stand.
    late = respond(learner_client, timed, 2, timed.items.get(position=2).question.choices.first())
    assert late.url == reverse("session-summary", args=[timed.pk])
    assert Attempt.objects.count() == 1
    timed.refresh_from_db()
    assert timed.finished_at == timed.deadline


def test_time_spent_is_kept_per_item(learner_client, user, timed):
    learner_client.get(reverse("session-item", args=[timed.pk, 1]))
    opened = timezone.now() - timedelta(seconds=40)  # the item was opened 40 s ago
    PracticeSession.objects.filter(pk=timed.pk).update(current_since=opened)
    respond(learner_client, timed, 1, None)
    # Between 40 s and the time since `opened` as measured now: no fixed window.
    since_opened_ms = (timezone.now() - opened).total_seconds() * 1000
    assert 40_000 <= timed.items.get(position=1).time_spent_ms <= since_opened_ms


def test_timed_finish_twice_is_harmless(user, timed):
    services.timed_finish(user=user, session_id=timed.pk)
    services.timed_finish(user=user, session_id=timed.pk)
    assert PracticeSession.objects.get(pk=timed.pk).finished_at is not None


def test_is_over_is_the_one_rule_for_the_end_of_a_test(user, subsection, timed):
    now = timezone.now()
    assert not timed.is_over(now)
    assert timed.is_over(timed.deadline) and timed.is_over(timed.deadline + timedelta(seconds=1))
    tutor = start(user, subsection, size=2)
    assert not tutor.is_over(now + timedelta(days=365))  # tutor sessions have no clock
    tutor.finished_at = now
    assert tutor.is_over(now)


def test_timed_finish_if_over_ends_only_a_test_whose_time_ran_out(user, timed):
    assert services.timed_finish_if_over(user=user, session=timed) is None
    assert PracticeSession.objects.get(pk=timed.pk).finished_at is None
    PracticeSession.objects.filter(pk=timed.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    timed.refresh_from_db()
    ended = services.timed_finish_if_over(user=user, session=timed)
    assert ended is not None and ended.finished_at == timed.deadline
    again = services.timed_finish_if_over(user=user, session=ended)
    assert again.finished_at == ended.finished_at


def test_another_users_timed_test_is_404(client, timed):
    client.force_login(UserFactory())
    assert client.get(reverse("session-item", args=[timed.pk, 1])).status_code == 404
    assert client.post(reverse("session-finish", args=[timed.pk])).status_code == 404
    assert (
        client.post(reverse("session-answer", args=[timed.pk, 1]), {"go": "next"}).status_code
        == 404
    )


# History, feedback extras, reports --------------------------------------------------------


def test_history_lists_sessions_with_scores_and_reopens_them(
    learner_client, user, subsection, questions
):
    session = start(user, subsection, size=2)
    answer_all(user, session, right={1})
    page = learner_client.get(reverse("history")).content.decode()
    assert session.title in page and "1 / 2" in page and "Tutor" in page
    assert learner_client.get(reverse("session-summary", args=[session.pk])).status_code == 200


def test_feedback_shows_peer_shares_and_success_rate(learner_client, user, subsection, questions):
    q = questions[0]
    # 19 other learners (14 right, 5 wrong): with mine, the 20 answers shares need
    for i in range(19):
        other = UserFactory()
        s = services.session_create(user=other, question_ids=[q.pk], title="x")
        answer(other, s.items.get(), correct=i >= 5)
    session = services.session_create(user=user, question_ids=[q.pk], title="mine")
    item = session.items.get()
    key = q.choices.get(correct=True)
    response = learner_client.post(
        reverse("session-answer", args=[session.pk, 1]),
        {"choice": key.pk, "confidence": "sure"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="practice",
    )
    page = response.content.decode()
    assert "75% of 20 answers to this question were right" in page
    assert "75% chose this" in page and "25% chose this" in page
    assert Attempt.objects.get(item=item).confidence == "sure"


def test_i_dont_know_records_a_miss_and_shows_the_answer(
    learner_client, user, subsection, questions
):
    session = start(user, subsection, size=1)
    response = learner_client.post(
        reverse("session-answer", args=[session.pk, 1]),
        {"dont_know": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="practice",
    )
    assert "here is the answer" in response.content.decode()
    attempt = Attempt.objects.get()
    assert attempt.choice is None and not attempt.correct


def test_report_a_problem_goes_to_the_queue(learner_client, user, questions):
    q = questions[0]
    url = reverse("question-report", args=[q.external_id])
    response = learner_client.post(
        url, {"reason": ""}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="report"
    )
    assert response.status_code == 400 and "Say in a few words" in response.content.decode()
    response = learner_client.post(
        url,
        {"reason": "Key should be B", "choice": q.choices.first().pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="report",
    )
    assert "editors' queue" in response.content.decode()
    report = ProblemReport.objects.get()
    assert (report.user, report.question, report.status) == (user, q, "open")


# Dashboard ------------------------------------------------------------------------------------


def test_dashboard_ranks_the_weakest_subsection_first(learner_client, user):
    # Two weak topics (one worse than the other) and a strong one, created in an order
    # the ranking must undo: an unsorted or reversed list puts "Shaky" first.
    shaky = SubsectionFactory(title="Shaky topic")  # 2 of 5: mean 3/7
    hopeless = SubsectionFactory(title="Hopeless topic")  # 0 of 5: mean 1/7
    strong = SubsectionFactory(title="Strong topic")  # 5 of 5: not weak
    for sub, right in ((shaky, {1, 2}), (hopeless, set()), (strong, {1, 2, 3, 4, 5})):
        for _ in range(5):
            QuestionFactory(subsection=sub)
        answer_all(user, start(user, sub), right=right)
    weak_topics = analytics.weak_topics(analytics.mastery_by_subsection(user=user))
    assert [m.subsection for m in weak_topics] == [hopeless, shaky]
    page = learner_client.get(reverse("dashboard")).content.decode()
    weak_list = page[page.index('<ol class="weak-list">') : page.index("</ol>")]
    assert weak_list.index("Hopeless topic") < weak_list.index("Shaky topic")
    assert "Strong topic" not in weak_list


def test_dashboard_shows_the_streak(learner_client, user, subsection, questions):
    q = questions[0]
    key = q.choices.get(correct=True)
    for days_ago in (0, 1, 2):  # three days in a row, today included
        Attempt.objects.create(
            user=user,
            question=q,
            choice=key,
            correct=True,
            created_at=timezone.now() - timedelta(days=days_ago),
        )
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert re.search(r'stat-num">3</span><span class="muted">day streak<', page)
    assert "current streak 3" in page


def test_mastery_interval_narrows_with_evidence(user):
    sub = SubsectionFactory()
    m_few = analytics.Mastery(sub, attempts=3, correct=2, alpha=3, beta=2)
    m_many = analytics.Mastery(sub, attempts=60, correct=40, alpha=41, beta=21)
    assert m_few.high - m_few.low > 2 * (m_many.high - m_many.low)


def test_streak_counts_days_in_the_learners_time_zone(user, subsection, questions):
    user.timezone = "Pacific/Auckland"  # UTC+13 in November
    user.save()
    now = timezone.now()
    q = questions[0]
    key = q.choices.get(correct=True)
    for days_ago in (0, 1, 2, 4):
        Attempt.objects.create(
            user=user,
            question=q,
            choice=key,
            correct=True,
            created_at=now - timedelta(days=days_ago),
        )
    activity = analytics.activity(user=user)
    assert activity.streak == 3
    assert activity.active_days == 4


def test_confidently_wrong_and_misconceptions(user, subsection, questions):
    session = start(user, subsection, size=2)
    for item in session.items.all():
        wrong = item.question.choices.filter(correct=False).order_by("position").first()
        services.attempt_record(user=user, item=item, choice_id=wrong.pk, confidence="sure")
    rows = analytics.confidently_wrong(user=user, subsections={subsection.pk: subsection})
    assert rows[0] == (subsection, 2, 2)
    top = analytics.misconceptions(user=user)
    assert top[0]["slug"] == "mistake-1" and top[0]["n"] == 2
    assert len(top[0]["question_ids"]) == 2


def test_percentile_against_other_active_learners(user, subsection, questions):
    def learner_with(right: int, who):
        s = start(who, subsection, size=5)
        answer_all(who, s, right=set(range(1, right + 1)))

    learner_with(4, user)
    for right in (1, 2, 5):
        learner_with(right, UserFactory())
    standing = analytics.percentile_by_section(user=user)[0]
    assert standing.peers == 3 and standing.percentile == 67


def test_reporter_sees_the_outcome_on_the_dashboard(learner_client, user, questions):
    report = services.report_create(user=user, question=questions[0], reason="typo")
    ProblemReport.objects.filter(pk=report.pk).update(
        status="resolved", resolution_note="Fixed the typo"
    )
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "Resolved" in page and "Fixed the typo" in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "dashboard", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site_or_names_a_view(learner_client, questions, target):
    q = questions[0]
    response = learner_client.post(
        reverse("question-flag", args=[q.external_id]), {"flagged": "1", "next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("question-detail", args=[q.external_id])
