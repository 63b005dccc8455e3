"""Every learner page and POST costs a fixed number of queries: the same for a
learner with 10 answers as for one with 20,000."""

import random
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizbank import dashboard, selectors, services
from quizbank.models import Attempt, Choice, PracticeSession, Question
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = pytest.mark.django_db
HISTORIES = [10, 20_000]
# The practice loop (issue 15). Sessions and the signed-in user come from Redis
# (accounts.middleware) and the navigation's "Due today" from the cache, so a
# full page pays none of them.
# Question page: the item with its session, progress and the learner's flag and
# note (one query); the question and its choices come from the cache, kept per
# question version (cold: two more queries, the same for every learner). A first
# view also stamps when the item was shown.
QUESTION_PAGE = 1
QUESTION_FIRST_VIEW = 2
# Answer POST, measured as a request runs it (its transaction, not a savepoint
# in the test's): the item state (the question and choices cached, so the chosen
# choice is not read again); the attempt (one insert that is a no-op for an item
# already answered: no lock), its progress row (one upsert); the FSRS card read
# and written (one insert, no savepoint, for a new card) and its review log.
# "Any item left?" is counted on from the state's progress, "next review" read
# from the card just scheduled, the feedback's peer shares come from the cache
# (per question, filled by an earlier learner's feedback) with the learner's own
# answer added, and "Due today" is carried forward from the cached count by what
# the answer changed (srs.selectors.card_due_today_answered). Django 6 also
# logs the transaction's BEGIN and COMMIT, two round trips that do no work.
ANSWER_POST = 6
# SQLite's transactions begin IMMEDIATE (config/settings.py SQLITE_OPTIONS).
TRANSACTION_CONTROL = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT"}


def seed_history(user, questions, n: int) -> None:
    """n answers over the last 200 days, a third wrong, some sure, some guesses."""
    rng = random.Random(n)
    choices = {}
    for c in Choice.objects.filter(question__in=questions):
        choices.setdefault(c.question_id, []).append(c)
    now = timezone.now()
    rows = []
    for i in range(n):
        q = questions[i % len(questions)]
        correct = i % 3 != 0
        choice = next(c for c in choices[q.pk] if c.correct == correct)
        rows.append(
            Attempt(
                user=user,
                question=q,
                choice=choice,
                correct=correct,
                confidence=rng.choice(["", "sure", "guess"]),
                time_taken_ms=9000,
                created_at=now - timedelta(minutes=rng.randrange(200 * 24 * 60)),
            )
        )
    Attempt.objects.bulk_create(rows, batch_size=5000)
    services.progress_rebuild(user=user)
    for q in questions[:3]:
        services.annotation_save(user=user, question=q, flagged=True, note="n")
    for _ in range(3):
        services.session_start(user=user, size=5)


@pytest.fixture
def bank(db):
    subsections = [SubsectionFactory() for _ in range(4)]
    return [QuestionFactory(subsection=subsections[i % 4]) for i in range(40)]


@pytest.fixture(params=HISTORIES, ids=lambda n: f"{n}-answers")
def learner(request, client, bank):
    user = UserFactory()
    seed_history(user, bank, request.param)
    for other in range(3):  # peers for percentiles and peer shares
        seed_history(UserFactory(), bank, 30 + other)
    client.force_login(user)
    return client, user


def answered_before(user, mode=PracticeSession.Mode.TUTOR):
    """A session over questions the learner has answered before (in both
    histories), so the two runs do the same work per answer."""
    ids = list(Question.objects.order_by("pk").values_list("pk", flat=True)[:5])
    return services.session_create(user=user, question_ids=ids, title="Again", mode=mode)


PAGES = {
    # A repeat view: the bank's version (part of the key), the panels
    # from the cache (quizbank.dashboard); the Today card (readiness), reports.
    "dashboard": (lambda u: reverse("dashboard"), 3),
    "catalogue": (lambda u: reverse("catalogue"), 3),
    "missed": (lambda u: reverse("missed"), 2),
    "flagged": (lambda u: reverse("flagged"), 1),
    "history": (lambda u: reverse("history"), 2),
    # The sections, the subsections and the count of what the defaults match.
    "custom": (lambda u: reverse("custom-test"), 3),
    # Issue 16: one COUNT and one page of rows, the learner's status flags in
    # the same query as subqueries, whatever the history.
    "search": (lambda u: reverse("search") + "?q=differentiate&status=missed", 3),
    "search-all": (lambda u: reverse("search") + "?q=question&page=2", 3),
    "notes": (lambda u: reverse("notes"), 2),
    "export-csv": (lambda u: reverse("export-csv"), 2),
    "export-anki": (lambda u: reverse("export-anki"), 2),
    "question": (
        lambda u: reverse(
            "question-detail", args=[Question.objects.order_by("pk").first().external_id]
        ),
        6,  # one is "is it in the learner's running timed test?" (the key stays hidden)
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count(learner, django_assert_num_queries, page):
    client, user = learner
    url, expected = PAGES[page]
    url = url(user)
    client.get(url)  # warm: the navigation's "Due today" is cached from page to page
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


def test_dashboard_after_an_answer_query_count(learner, django_assert_num_queries):
    """The first view after an answer computes the panels again: a fixed count
    too. The bank's version; progress per subsection (mastery's all-time
    part, the overview, the own standings), the last 90 days of answers,
    today's answers by day (the heatmap and the trend; earlier days stay
    cached for the day), two mistake panels (misconceptions: two); the Today
    card and reports. The subsections and the cohort's accuracies are shared
    by every learner and stay cached."""
    client, user = learner
    client.get(reverse("dashboard"))
    dashboard.learner_history_forget(user_id=user.pk)
    with django_assert_num_queries(9):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_custom_count_partial_query_count(learner, django_assert_num_queries, bank):
    client, _ = learner
    data = {
        "sections": [bank[0].subsection.section_id],
        "difficulties": ["medium"],
        "pool": "missed",
        "size": 5,
        "mode": "tutor",
    }
    with django_assert_num_queries(3):
        client.get(
            reverse("custom-test"), data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="match-count"
        )


def test_custom_start_query_count(learner, django_assert_num_queries, bank):
    client, _ = learner
    data = {"difficulties": ["medium"], "pool": "all", "size": 5, "mode": "timed"}
    with django_assert_num_queries(8):
        response = client.post(reverse("custom-test"), data)
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_tutor_item_and_answer_query_counts(learner, django_assert_num_queries):
    client, user = learner
    session = answered_before(user)
    url = reverse("session-item", args=[session.pk, 1])
    client.get(url)
    with django_assert_num_queries(QUESTION_PAGE):
        client.get(url)
    second = session.items.get(position=2)
    selectors.question_bundle_get(
        question_id=second.question_id, version=second.question.updated_at
    )
    with django_assert_num_queries(QUESTION_FIRST_VIEW):
        client.get(reverse("session-item", args=[session.pk, 2]))
    item = session.items.get(position=1)
    key = item.question.choices.get(correct=True)
    earlier = Attempt.objects.filter(question=item.question).exclude(user=user).first()
    selectors.question_peer_stats_cached(question=item.question, attempt=earlier)
    # ... incl. writing the FSRS card and its log, and the nav's "Due today"
    # count swapped out of band (see ANSWER_POST); the readiness forecast is the
    # worker's, after commit, as in production
    with (
        mock.patch("readiness.tasks.refresh_forecast.delay"),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.post(
            reverse("session-answer", args=[session.pk, 1]),
            {"choice": key.pk},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="practice",
        )
    sqls = [q["sql"] for q in captured.captured_queries]
    work = [sql for sql in sqls if sql not in TRANSACTION_CONTROL]
    assert len(work) == ANSWER_POST, "\n\n".join(work)
    assert len(sqls) <= ANSWER_POST + 2, "\n\n".join(sqls)  # and BEGIN, COMMIT
    assert Attempt.objects.filter(item=item).count() == 1
    assert 'data-due-count="' in response.content.decode()  # the nav's count, swapped


def test_timed_item_respond_and_results_query_counts(learner, django_assert_num_queries):
    client, user = learner
    session = answered_before(user, PracticeSession.Mode.TIMED)
    url = reverse("session-item", args=[session.pk, 2])
    with django_assert_num_queries(10):  # incl. the cold "Due today" and question (+choices)
        client.get(url)
    choice = session.items.get(position=2).question.choices.first()
    with django_assert_num_queries(7):  # the question and choices now from the cache
        client.post(
            reverse("session-answer", args=[session.pk, 2]), {"choice": choice.pk, "go": "next"}
        )
    with django_assert_num_queries(2):  # the review screen before submitting
        client.get(reverse("session-review", args=[session.pk]))
    # Ending the test writes one attempt for the answered item: the cost grows
    # with the test's size (at most 100 items), never with the history.
    with django_assert_num_queries(13):
        client.post(reverse("session-finish", args=[session.pk]))
    # incl. the navigator, filters and breakdown, and "Due today" again (the
    # answers changed it); the filtered view after it reads the cached count
    with django_assert_num_queries(4):
        client.get(reverse("session-summary", args=[session.pk]))
    with django_assert_num_queries(3):
        client.get(reverse("session-summary", args=[session.pk]), {"show": "wrong"})


def test_annotation_and_report_posts_query_counts(learner, django_assert_num_queries):
    client, _ = learner
    q = Question.objects.last()
    with django_assert_num_queries(9):
        client.post(
            reverse("question-flag", args=[q.external_id]), {"flagged": "1"}, HTTP_HX_REQUEST="true"
        )
    with django_assert_num_queries(5):
        client.post(
            reverse("question-note", args=[q.external_id]), {"note": "x"}, HTTP_HX_REQUEST="true"
        )
    # A locked look-up of an open report, and the insert in a savepoint (one open
    # report per learner and question, whatever two tabs do at once).
    with django_assert_num_queries(7):
        client.post(
            reverse("question-report", args=[q.external_id]),
            {"reason": "typo"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="report",
        )


def test_pool_start_query_count(learner, django_assert_num_queries):
    client, _ = learner
    with django_assert_num_queries(7):
        response = client.post(reverse("pool-start", args=["missed"]))
    assert response.status_code == 302
