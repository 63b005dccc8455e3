"""Item analysis: figures match a hand computation, warnings find their item,
and the question list costs the same queries for 20 and 200 rows."""

import math
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial import tasks
from editorial.models import ItemStats
from editorial.services import item_stats_refresh
from editorial.suspects import Suspect
from quizbank.models import ProblemReport, Question
from quizbank.services import report_create
from tests.editorial.factories import attempt, attempts_bulk, learners
from tests.factories import QuestionFactory, SubsectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_bank():
    """Three questions (option 0 is the key), four learners A-D, first attempts:

        A: Q1 key (1.0 s), Q2 key,  Q3 opt 1      -> 2 right of 3
        B: Q1 key (3.0 s), Q2 opt 1, Q3 opt 1     -> 1 right
        C: Q1 opt 1 (2.0 s), Q2 key, Q3 key       -> 2 right
        D: Q1 don't know (4.0 s), Q2 opt 2, Q3 key -> 1 right
    and A answers Q1 again, wrongly, later (counted as answered, not analysed).
    """
    q1, q2, q3 = (QuestionFactory() for _ in range(3))
    a, b, c, d = learners(4)
    answers = {
        a: [(q1, 0, 1000), (q2, 0, None), (q3, 1, None)],
        b: [(q1, 0, 3000), (q2, 1, None), (q3, 1, None)],
        c: [(q1, 1, 2000), (q2, 0, None), (q3, 0, None)],
        d: [(q1, None, 4000), (q2, 2, None), (q3, 0, None)],
    }
    start = timezone.now() - timedelta(days=1)
    for user, rows in answers.items():
        for question, position, ms in rows:
            attempt(user, question, position, ms=ms, at=start)
    attempt(a, q1, 2, ms=9000, at=start + timedelta(hours=1))
    return q1, q2, q3


def test_item_statistics_match_a_hand_computation(hand_bank):
    q1, q2, q3 = hand_bank
    assert item_stats_refresh() == 3
    s1, s2, s3 = (ItemStats.objects.get(question=q) for q in (q1, q2, q3))

    # Q1. Rest scores (share right on the other two): A 1/2, B 0/2, C 2/2, D 1/2.
    # x = (1, 1, 0, 0), y = (.5, 0, 1, .5): cov = -.5, Sxx = 1, Syy = .5, r = -1/sqrt 2.
    assert (s1.answered, s1.learners, s1.facility) == (5, 4, 0.5)
    assert s1.discrimination == pytest.approx(-1 / math.sqrt(2))
    assert s1.median_time_ms == 2500  # median of 1000, 3000, 2000, 4000; not the repeat
    assert [s1.option_share(p) for p in (0, 1, 2, 3, None)] == [0.5, 0.25, 0, 0, 0.25]
    # Top 27% of 4 = 2 learners: C (rest 1) and A (rest .5, before D by id).
    assert (s1.upper_n, s1.upper_key, s1.upper_top_distractor) == (2, 1, 1)

    # Q2. Every rest score is .5: no variance, so no discrimination.
    assert (s2.facility, s2.discrimination, s2.median_time_ms) == (0.5, None, None)

    # Q3. Rests A 1, B .5, C .5, D 0; x = (0, 0, 1, 1): r = -.5/sqrt(.5) = -1/sqrt 2.
    assert s3.discrimination == pytest.approx(-1 / math.sqrt(2))
    # The strong two (A, then B by id) both chose option 1 (B), not the key.
    assert (s3.upper_key, s3.upper_top_distractor, s3.top_distractor_position) == (0, 2, 1)


def test_refresh_is_idempotent_and_drops_questions_no_longer_answered(hand_bank):
    item_stats_refresh()
    first = list(ItemStats.objects.order_by("pk").values_list("facility", "discrimination"))
    assert tasks.item_stats_refresh() == 3  # what beat runs
    assert list(ItemStats.objects.order_by("pk").values_list("facility", "discrimination")) == (
        first
    )
    hand_bank[1].attempts.all().delete()
    item_stats_refresh()
    assert not ItemStats.objects.filter(question=hand_bank[1]).exists()


def test_refresh_costs_a_fixed_number_of_queries(hand_bank, django_assert_num_queries):
    with django_assert_num_queries(8):  # 4 reads, savepoint pair, upsert, delete
        item_stats_refresh()


# Warnings ------------------------------------------------------------------------

N_LEARNERS = 30


@pytest.fixture
def suspect_bank():
    """30 learners of rising ability k = 0..29; fillers that learners with k >= t
    get right (t = 2..23) order them, and five special items each show one fault."""
    subsection = SubsectionFactory()
    people = learners(N_LEARNERS)

    def wrong(k):
        return 1 + k % 3

    rules = {f"filler-{t}": (lambda k, t=t: 0 if k >= t else wrong(k)) for t in range(2, 24)}
    rules |= {
        # Nearly everyone right.
        "easy": lambda k: 0 if k >= 1 else 1,
        # Only the three strongest right.
        "hard": lambda k: 0 if k >= 27 else wrong(k),
        # The weak and the very strongest right, the upper-middle wrong.
        "negative": lambda k: 0 if k < 15 or k >= 24 else wrong(k),
        # Most strong learners choose B; the middle gets the key.
        "distractor": lambda k: 1 if 21 <= k <= 25 else (0 if k >= 15 else 2 + k % 2),
        # An ordinary item with an open report.
        "reported": lambda k: 0 if k >= 10 else wrong(k),
    }
    questions = {name: QuestionFactory(subsection=subsection, external_id=name) for name in rules}
    attempts_bulk(
        (user, questions[name], rule(k))
        for name, rule in rules.items()
        for k, user in enumerate(people)
    )
    report_create(user=people[0], question=questions["reported"], reason="Typo in B.")
    closed = report_create(user=people[1], question=questions["filler-5"], reason="Fine?")
    ProblemReport.objects.filter(pk=closed.pk).update(status=ProblemReport.Status.DISMISSED)
    item_stats_refresh()
    return questions


@pytest.mark.parametrize(
    ("suspect", "expected"),
    [
        (Suspect.DISTRACTOR, "distractor"),
        (Suspect.NEGATIVE, "negative"),
        (Suspect.EASY, "easy"),
        (Suspect.HARD, "hard"),
        (Suspect.REPORTED, "reported"),
    ],
)
def test_each_warning_filter_finds_the_seeded_item_and_only_it(
    admin_client, suspect_bank, suspect, expected
):
    url = reverse("admin:quizbank_question_changelist")
    page = admin_client.get(url, {"suspect": suspect.value})
    assert page.status_code == 200
    shown = [q.external_id for q in page.context["cl"].result_list]
    assert shown == [expected]


def test_each_warning_says_why_in_one_line(admin_client, suspect_bank):
    page = admin_client.get(reverse("admin:quizbank_question_changelist")).content.decode()
    assert "Strong learners chose B (5 of 9) more often than the key (4)" in page
    assert "Negative discrimination (-" in page
    assert "Facility 0.97 over 30 learners: almost everyone gets it right" in page
    assert "Facility 0.10 over 30 learners: almost nobody gets it right" in page
    assert "1 open problem report from learners." in page
    assert page.count('<ul class="suspects">') == 5


def test_too_few_answers_raise_no_warning(admin_client):
    question = QuestionFactory()
    attempts_bulk((u, question, 1) for u in learners(5))  # facility 0, 5 learners
    item_stats_refresh()
    url = reverse("admin:quizbank_question_changelist")
    assert not admin_client.get(url, {"suspect": "hard"}).context["cl"].result_list


# The list and the change page -------------------------------------------------------


def test_list_columns_sort_by_statistics(admin_client, suspect_bank):
    url = reverse("admin:quizbank_question_changelist")
    page = admin_client.get(url, {"o": "-7"})  # facility column, descending
    first = page.context["cl"].result_list[0]
    assert first.external_id == "easy"
    assert admin_client.get(url, {"o": "8"}).context["cl"].result_list[0].external_id == (
        "negative"
    )


def test_question_list_query_count_is_the_same_for_20_and_200_rows(
    admin_client, django_assert_num_queries
):
    subsection = SubsectionFactory()
    questions = [QuestionFactory(subsection=subsection) for _ in range(200)]
    people = learners(3)
    attempts_bulk((u, q, i % 4) for i, q in enumerate(questions) for u in people)
    for q in questions[::7]:
        report_create(user=people[0], question=q, reason="Looks wrong.")
    item_stats_refresh()
    model_admin = admin.site._registry[Question]
    url = reverse("admin:quizbank_question_changelist")
    admin_client.get(url)  # the signed-in user is cached from the first page on
    counts = []
    for per_page in (20, 200):
        model_admin.list_per_page = per_page
        try:
            with CaptureQueriesContext(connection) as ctx:
                page = admin_client.get(url)
        finally:
            model_admin.list_per_page = 100
        assert len(page.context["cl"].result_list) == per_page
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        admin_client.get(url)
    # 2 counts, the page, 2 filter lists, and the password field for the admin's
    # "Change password" link (session and user from Redis; the cached user keeps
    # no password hash)
    assert counts[0] == 6


def test_change_page_shows_the_item_analysis(admin_client, hand_bank):
    item_stats_refresh()
    q1 = hand_bank[0]
    page = admin_client.get(reverse("admin:quizbank_question_change", args=[q1.pk]))
    content = page.content.decode()
    assert "Times answered" in content and "5 (4 learners" in content
    assert (
        "50%" in content and "25%" in content
    )  # key chosen by half, B and "don't know" by a quarter
    assert "-0.71" in content
    assert "2.5 s" in content


@pytest.mark.parametrize("n_learners", [4, 40])
def test_change_page_query_count_does_not_grow_with_answers(
    admin_client, django_assert_num_queries, n_learners
):
    question = QuestionFactory()
    attempts_bulk((u, question, 0) for u in learners(n_learners))
    item_stats_refresh()
    url = reverse("admin:quizbank_question_change", args=[question.pk])
    # Once first: the content-type cache is per process and the session is read
    # from Redis after the first request.
    admin_client.get(url)
    with django_assert_num_queries(7):  # incl. the password field, as above
        assert admin_client.get(url).status_code == 200
