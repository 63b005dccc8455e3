"""quizbank.analytics pinned to hand-worked figures (issue 23, mutation testing).

History is written as attempts at fixed instants and Django's clock is pointed
at T0 (Monday 4 May 2026, 12:00 UTC), so every weight, window and percentile
below is worked out by hand.
"""

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from quizbank import analytics, services
from quizbank.analytics import Activity, Mastery, TrendPoint, heat_level
from quizbank.models import Attempt, Question, QuestionProgress
from tests.factories import QuestionFactory, SectionFactory, SubsectionFactory, UserFactory

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: T0)


def attempt(user, question, *, correct, ago=timedelta(hours=1), confidence="", choice=None):
    if choice is None and correct:
        choice = question.choices.get(correct=True)
    return Attempt.objects.create(
        user=user,
        question=question,
        choice=choice,
        correct=correct,
        confidence=confidence,
        created_at=T0 - ago,
    )


# Mastery: a Beta posterior -------------------------------------------------------------


def test_mastery_is_a_beta_posterior_with_a_90_percent_interval():
    # Beta(3, 1): mean 3/4, sd √(3/(16·5)) = 0.19365, ×1.645 = 0.31855.
    m = Mastery(subsection=None, alpha=3.0, beta=1.0)
    assert m.mean == pytest.approx(0.75)
    assert m.spread == pytest.approx(0.318553, abs=1e-6)
    assert m.low == pytest.approx(0.431447, abs=1e-6)
    assert m.high == 1.0  # 1.0686, capped
    assert (m.percent, m.low_percent, m.high_percent) == (75, 43, 100)
    # Beta(1, 9): mean 0.1, sd √(9/(100·11)) = 0.090453, ×1.645 = 0.148795.
    m = Mastery(subsection=None, alpha=1.0, beta=9.0)
    assert m.spread == pytest.approx(0.148795, abs=1e-6)
    assert m.low == 0.0  # -0.0488, floored
    assert m.high == pytest.approx(0.248795, abs=1e-6)
    assert (m.percent, m.low_percent, m.high_percent) == (10, 0, 25)
    # The flat prior: Beta(1, 1), sd √(1/12) = 0.288675, ×1.645 = 0.474871.
    flat = Mastery(subsection=None)
    assert (flat.attempts, flat.correct, flat.mean) == (0, 0, 0.5)
    assert flat.spread == pytest.approx(1.645 * math.sqrt(1 / 12))
    assert (flat.low_percent, flat.high_percent) == (3, 97)


@pytest.mark.django_db
def test_recent_answers_weigh_more_in_mastery(at):
    user, other = UserFactory(), UserFactory()
    sub_a = SubsectionFactory(position=1)
    sub_b = SubsectionFactory(section=sub_a.section, position=2)
    qa, qb = QuestionFactory(subsection=sub_a), QuestionFactory(subsection=sub_b)
    attempt(user, qa, correct=True, ago=timedelta(days=1))  # weight 1
    attempt(user, qa, correct=True, ago=timedelta(days=30))  # 1: the month is inclusive
    attempt(user, qa, correct=False, ago=timedelta(days=30, seconds=1))  # 0.5
    attempt(user, qa, correct=False, ago=timedelta(days=90))  # 0.5: inclusive too
    attempt(user, qa, correct=True, ago=timedelta(days=90, seconds=1))  # 0.25
    attempt(other, qb, correct=True)  # someone else's
    services.progress_rebuild(user=user)  # what every stored answer keeps up to date
    a, b = analytics.mastery_by_subsection(user=user)
    assert (a.subsection, b.subsection) == (sub_a, sub_b)
    assert (a.attempts, a.correct) == (5, 3)
    assert a.alpha == pytest.approx(1 + 1 + 1 + 0.25)
    assert a.beta == pytest.approx(1 + 0.5 + 0.5)
    assert (b.attempts, b.correct, b.alpha, b.beta) == (0, 0, 1.0, 1.0)


def mastery(attempts, alpha, beta):
    return Mastery(subsection=None, attempts=attempts, alpha=alpha, beta=beta)


def test_weak_topics_need_three_answers_a_low_mean_and_rank_by_the_optimistic_end():
    too_few = mastery(2, 1.0, 3.0)
    strong = mastery(10, 3.0, 1.0)  # mean exactly 0.75: not weak
    just_weak = mastery(3, 2.9, 1.0)  # mean 0.744, high 1.0
    sure_weak = mastery(40, 5.0, 37.0)  # mean 0.119, high 0.200
    unsure_weak = mastery(3, 1.0, 3.0)  # mean 0.25, high 0.606
    ranked = analytics.weak_topics([too_few, strong, just_weak, sure_weak, unsure_weak])
    assert ranked == [sure_weak, unsure_weak, just_weak]
    assert analytics.weak_topics([just_weak, sure_weak, unsure_weak], limit=2) == [
        sure_weak,
        unsure_weak,
    ]
    # Equal upper ends (both capped at 1.0): the lower mean first.
    two_in_three = mastery(3, 2.0, 1.0)  # mean 0.667, high min(1, 1.054)
    assert analytics.weak_topics([just_weak, two_in_three]) == [two_in_three, just_weak]


def test_weak_topics_are_limited_to_five_by_default():
    many = [mastery(5, 1.0, 2.0 + n) for n in range(7)]  # lower and surer as n grows
    assert analytics.weak_topics(many) == many[::-1][:5]


# Overview, activity, trend --------------------------------------------------------------


@pytest.mark.django_db
def test_the_overview_counts_progress_rows_and_the_published_bank(at):
    user = UserFactory()
    qs = [QuestionFactory() for _ in range(3)]
    QuestionFactory(status=Question.Status.RETIRED)
    empty = analytics.overview(user=user)
    assert (empty.seen, empty.bank, empty.attempts, empty.correct, empty.accuracy) == (
        0,
        3,
        0,
        0,
        None,
    )
    for q, (n, right) in zip(qs[:2], [(3, 2), (4, 1)], strict=True):
        QuestionProgress.objects.create(
            user=user,
            question=q,
            attempts=n,
            correct_attempts=right,
            last_correct=True,
            first_answered_at=T0,
            last_answered_at=T0,
        )
    o = analytics.overview(user=user)
    assert (o.seen, o.bank, o.attempts, o.correct, o.accuracy) == (2, 3, 7, 3, 43)


def test_the_streak_counts_days_back_from_today_or_yesterday():
    today = date(2026, 5, 4)
    days = {today - timedelta(days=n): 1 for n in (0, 1, 2, 4)}
    assert Activity(days=days, today=today).streak == 3
    days.pop(today)  # nothing yet today: the streak so far still stands
    assert Activity(days=days, today=today).streak == 2
    days[today - timedelta(days=1)] = 0
    assert Activity(days=days, today=today).streak == 0
    assert Activity(days={}, today=today).streak == 0


def test_active_days_and_the_busiest_day():
    days = {date(2026, 5, 1): 3, date(2026, 5, 2): 0, date(2026, 5, 3): 7}
    a = Activity(days=days, today=date(2026, 5, 4))
    assert (a.active_days, a.busiest) == (2, 7)
    assert Activity(days={}, today=date(2026, 5, 4)).busiest == 0


@pytest.mark.parametrize(
    ("count", "busiest", "level"),
    [(0, 10, 0), (1, 4, 1), (2, 4, 2), (3, 4, 3), (4, 4, 4), (1, 1, 4), (9, 1, 4), (1, 0, 4)],
)
def test_heat_levels_split_the_busiest_day_in_four(count, busiest, level):
    assert heat_level(count, busiest) == level


@pytest.mark.django_db
def test_activity_counts_answers_per_local_day_over_26_weeks(at):
    user = UserFactory(timezone="America/New_York")  # UTC-4 in May
    q = QuestionFactory()
    # T0 is 08:00 on Monday 4 May in New York.
    attempt(user, q, correct=True, ago=timedelta(hours=8, minutes=30))  # 23:30 on 3 May
    attempt(user, q, correct=True, ago=timedelta(hours=7, minutes=30))  # 00:30 on 4 May
    attempt(user, q, correct=False, ago=timedelta(minutes=5))  # 4 May
    start = date(2025, 11, 10)  # the Monday 25 weeks before 4 May
    attempt(user, q, correct=True, ago=T0 - datetime(2025, 11, 10, 5, 0, tzinfo=UTC))
    attempt(user, q, correct=True, ago=T0 - datetime(2025, 11, 10, 4, 59, tzinfo=UTC))  # 9 Nov
    attempt(UserFactory(timezone="America/New_York"), q, correct=True)
    a = analytics.activity(user=user)
    assert a.today == date(2026, 5, 4)
    assert a.days == {date(2026, 5, 3): 1, date(2026, 5, 4): 2, start: 1}
    assert len(a.weeks) == 26 and {len(w) for w in a.weeks} == {7}
    assert a.weeks[0][0] == (start, 1)
    assert a.weeks[-1][0] == (date(2026, 5, 4), 2)
    assert a.weeks[-2][6] == (date(2026, 5, 3), 1)
    assert a.weeks[-1][6] == (date(2026, 5, 10), 0)
    assert a.streak == 2


@pytest.mark.django_db
def test_days_before_today_are_read_once_a_day_and_today_on_every_view(
    at, monkeypatch, django_assert_num_queries
):
    user = UserFactory(timezone="America/New_York")
    q = QuestionFactory()
    attempt(user, q, correct=True, ago=timedelta(days=2))  # 2 May
    assert analytics.activity(user=user).days == {date(2026, 5, 2): 1}
    attempt(user, q, correct=False, ago=timedelta(minutes=5))  # today
    with django_assert_num_queries(1):  # today's answers only
        a = analytics.activity(user=user)
    assert a.days == {date(2026, 5, 2): 1, date(2026, 5, 4): 1}
    assert a.right == {date(2026, 5, 2): 1, date(2026, 5, 4): 0}
    # The next day in New York the cached days are another day's: read again.
    monkeypatch.setattr(timezone, "now", lambda: T0 + timedelta(days=1))
    with django_assert_num_queries(2):
        a = analytics.activity(user=user)
    assert a.days == {date(2026, 5, 2): 1, date(2026, 5, 4): 1}
    # A learner who moves to another time zone gets their days cut anew.
    user.timezone = "Asia/Tokyo"
    with django_assert_num_queries(2):
        a = analytics.activity(user=user)
    assert sum(a.days.values()) == 2


def test_a_weeks_accuracy_is_right_over_answered():
    assert TrendPoint(date(2026, 5, 4), 8, 6).accuracy == 0.75
    assert TrendPoint(date(2026, 5, 4), 0, 0).accuracy == 0.0


@pytest.mark.django_db
def test_the_trend_has_one_point_per_local_week_for_twelve_whole_weeks(at):
    user = UserFactory(timezone="Europe/Paris")
    q = QuestionFactory()
    attempt(user, q, correct=True, ago=timedelta(hours=1))  # week of Mon 4 May
    attempt(user, q, correct=False, ago=timedelta(hours=2))
    # Sunday 3 May 22:30 UTC is Monday 00:30 in Paris: the same local week.
    attempt(user, q, correct=True, ago=T0 - datetime(2026, 5, 3, 22, 30, tzinfo=UTC))
    attempt(user, q, correct=True, ago=timedelta(days=7))  # week of 27 April
    # The first of the twelve weeks starts on Monday 16 February, in Paris (UTC+1).
    attempt(user, q, correct=False, ago=T0 - datetime(2026, 2, 15, 23, 30, tzinfo=UTC))
    attempt(user, q, correct=True, ago=T0 - datetime(2026, 2, 15, 22, 30, tzinfo=UTC))  # too old
    points = analytics.accuracy_trend(user=user)
    got = [(p.week, p.attempts, p.correct) for p in points]
    assert got == [
        (date(2026, 2, 16), 1, 0),
        (date(2026, 4, 27), 1, 1),
        (date(2026, 5, 4), 3, 2),
    ]


# Mistakes --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_confidently_wrong_ranks_subsections_by_sure_misses(at):
    user = UserFactory()
    subs = [SubsectionFactory() for _ in range(4)]
    qs = [QuestionFactory(subsection=s) for s in subs]

    def sure(q, correct, ago=timedelta(days=1)):
        attempt(user, q, correct=correct, confidence="sure", ago=ago)

    for correct in (False, False, True):
        sure(qs[0], correct)  # 3 sure, 2 wrong
    for correct in (False, False):
        sure(qs[1], correct)  # 2 sure, 2 wrong
    sure(qs[2], True)  # sure and right: not listed
    attempt(user, qs[2], correct=False, confidence="guess")  # a guess: not "sure"
    sure(qs[3], False, ago=timedelta(days=180, seconds=1))  # too long ago
    sure(qs[3], False, ago=timedelta(days=179))
    by_id = {s.pk: s for s in subs}
    assert analytics.confidently_wrong(user=user, subsections=by_id) == [
        (subs[0], 3, 2),
        (subs[1], 2, 2),
        (subs[3], 1, 1),
    ]
    assert analytics.confidently_wrong(user=user, subsections=by_id, limit=1) == [(subs[0], 3, 2)]


@pytest.mark.django_db
def test_misconceptions_are_the_wrong_beliefs_picked_most_lately(at):
    user = UserFactory()
    qs = [QuestionFactory(external_id=f"q-{n}") for n in "abc"]

    def pick(q, position, ago=timedelta(days=1)):
        attempt(user, q, correct=False, choice=q.choices.get(position=position), ago=ago)

    pick(qs[0], 1)  # mistake-1
    pick(qs[1], 1)
    pick(qs[1], 1)
    pick(qs[2], 2)  # mistake-2
    pick(qs[2], 2)
    pick(qs[0], 3, ago=timedelta(days=181))  # mistake-3, too long ago
    attempt(user, qs[0], correct=False)  # "I don't know": no belief
    top = analytics.misconceptions(user=user)
    fields = ("slug", "n", "label", "question_ids")
    assert [{f: t[f] for f in fields} for t in top] == [
        {"slug": "mistake-1", "n": 3, "label": "mistake 1", "question_ids": ["q-a", "q-b"]},
        {"slug": "mistake-2", "n": 2, "label": "mistake 2", "question_ids": ["q-c"]},
    ]
    assert [t["slug"] for t in analytics.misconceptions(user=user, limit=1)] == ["mistake-1"]


@pytest.mark.django_db
def test_misconceptions_tie_by_name_and_list_five_questions_at_most(at):
    user = UserFactory()
    qs = [QuestionFactory(external_id=f"p-{n}") for n in range(7)]
    for q in qs:
        attempt(user, q, correct=False, choice=q.choices.get(position=2))
    attempt(user, qs[0], correct=False, choice=qs[0].choices.get(position=1))
    attempt(user, qs[1], correct=False, choice=qs[1].choices.get(position=3))
    top = analytics.misconceptions(user=user)
    assert [(t["slug"], t["n"]) for t in top] == [
        ("mistake-2", 7),
        ("mistake-1", 1),
        ("mistake-3", 1),
    ]
    assert top[0]["question_ids"] == ["p-0", "p-1", "p-2", "p-3", "p-4"]


# Standing among peers --------------------------------------------------------------------


def progress(user, question, n, right, ago=timedelta(days=1)):
    """A progress row: n answers, `right` of them right, the last `ago` before now."""
    QuestionProgress.objects.create(
        user=user,
        question=question,
        attempts=n,
        correct_attempts=right,
        last_correct=True,
        first_answered_at=timezone.now() - ago,
        last_answered_at=timezone.now() - ago,
    )


@pytest.mark.django_db
def test_the_percentile_counts_peers_below_and_half_the_ties(at):
    me = UserFactory()
    section, quiet = SectionFactory(), SectionFactory()
    q = QuestionFactory(subsection=SubsectionFactory(section=section))
    q_quiet = QuestionFactory(subsection=SubsectionFactory(section=quiet))

    progress(me, q, 10, 7)  # 0.7
    for n, right in [(10, 5), (5, 3), (10, 7), (10, 9)]:  # 0.5, 0.6 below, 0.7 tie, 0.9 above
        progress(UserFactory(), q, n, right)
    progress(UserFactory(), q, 4, 0)  # too few answers to rank
    progress(UserFactory(), q, 10, 0, ago=timedelta(days=90, seconds=1))  # inactive
    progress(UserFactory(), q, 10, 0, ago=timedelta(days=89))  # 0.0, below
    progress(me, q_quiet, 5, 5)  # nobody else here
    SectionFactory()  # a section I have not answered: no standing

    standings = analytics.percentile_by_section(user=me)
    got = [(s.section, s.accuracy, s.answered, s.percentile, s.peers) for s in standings]
    # Below: 0.5, 0.6, 0.0 → 3, plus half the tie → 3.5 of 5 peers = 70 %.
    assert got == [(section, 0.7, 10, 70, 5), (quiet, 1.0, 5, None, 0)]


# Survivors of the first mutation run on analytics (issue 23) -----------------------------


@pytest.mark.django_db
def test_mistake_panels_and_trend_read_only_the_learners_own_answers(at):
    me, other = UserFactory(), UserFactory()
    sub_a, sub_b = SubsectionFactory(), SubsectionFactory()
    qa, qb = QuestionFactory(subsection=sub_a), QuestionFactory(subsection=sub_b)
    wrong_a = qa.choices.filter(correct=False).order_by("position")[0]
    wrong_a.misconception = "beta-slug"
    wrong_a.save()
    wrong_b = qb.choices.filter(correct=False).order_by("position")[0]
    wrong_b.misconception = "alpha-slug"
    wrong_b.save()
    # Mine: a: sure+wrong twice; b: sure+wrong once, sure+right twice (more "sure", fewer wrong).
    for _ in range(2):
        attempt(me, qa, correct=False, confidence="sure", choice=wrong_a)
    attempt(me, qb, correct=False, confidence="sure", choice=wrong_b)
    attempt(me, qb, correct=True, confidence="sure")
    attempt(me, qb, correct=True, confidence="sure")
    # Someone else's mistakes, many of them, on b: never in my panels or trend.
    for _ in range(5):
        attempt(other, qb, correct=False, confidence="sure", choice=wrong_b)
    subs = {sub_a.pk: sub_a, sub_b.pk: sub_b}
    assert analytics.confidently_wrong(user=me, subsections=subs) == [(sub_a, 2, 2), (sub_b, 3, 1)]
    found = analytics.misconceptions(user=me)
    assert [(m["slug"], m["n"]) for m in found] == [("beta-slug", 2), ("alpha-slug", 1)]
    assert [p.attempts for p in analytics.accuracy_trend(user=me)] == [5]
    assert [p.correct for p in analytics.accuracy_trend(user=me)] == [2]


@pytest.mark.django_db
def test_misconceptions_tie_by_slug_and_count_only_wrong_answers(at):
    me = UserFactory()
    qs = [QuestionFactory(), QuestionFactory()]
    for q, slug in zip(qs, ["zeta-slug", "eta-slug"], strict=True):
        for c in q.choices.all():
            c.misconception = "" if c.correct else slug
            c.save()
        attempt(me, q, correct=False, choice=q.choices.filter(correct=False).first())
        attempt(me, q, correct=True)  # a right answer is no misconception
    assert [(m["slug"], m["n"]) for m in analytics.misconceptions(user=me)] == [
        ("eta-slug", 1),
        ("zeta-slug", 1),
    ]


# Survivors of the full mutation run on 4ca2549 (issue 23) --------------------------------


@pytest.mark.django_db
def test_today_and_the_streak_are_the_learners_own_date(at):
    # T0 is 02:00 on Tuesday 5 May in Kiritimati (UTC+14), still 4 May in UTC.
    user = UserFactory(timezone="Pacific/Kiritimati")
    attempt(user, QuestionFactory(), correct=True, ago=timedelta(hours=1))  # 01:00 on 5 May
    a = analytics.activity(user=user)
    assert a.today == date(2026, 5, 5)
    assert a.days == {date(2026, 5, 5): 1}
    assert a.weeks[-1][1] == (date(2026, 5, 5), 1)
    assert a.streak == 1


@pytest.mark.django_db
def test_confidently_wrong_lists_five_and_breaks_ties_by_sure_answers(at):
    user = UserFactory()
    fewer, more = SubsectionFactory(), SubsectionFactory()  # `more` has the higher id
    for sub, right in ((fewer, 0), (more, 2)):
        q = QuestionFactory(subsection=sub)
        for correct in [False, False] + [True] * right:
            attempt(user, q, correct=correct, confidence="sure")
    subs = {fewer.pk: fewer, more.pk: more}
    # Two wrong each: the one answered "sure" more often comes first.
    assert analytics.confidently_wrong(user=user, subsections=subs) == [
        (more, 4, 2),
        (fewer, 2, 2),
    ]
    for _ in range(4):
        sub = SubsectionFactory()
        subs[sub.pk] = sub
        attempt(user, QuestionFactory(subsection=sub), correct=False, confidence="sure")
    assert len(analytics.confidently_wrong(user=user, subsections=subs)) == 5


@pytest.mark.django_db
def test_misconceptions_list_five_and_only_named_beliefs_of_wrong_answers(at):
    user = UserFactory()
    q = QuestionFactory()
    right = q.choices.get(correct=True)
    right.misconception = "right-but-named"  # an editor may name one; a right answer is no belief
    right.save()
    attempt(user, q, correct=True, choice=right)
    unnamed = q.choices.filter(correct=False).first()
    unnamed.misconception = ""  # optional in the bank: a wrong answer with no belief named
    unnamed.save()
    attempt(user, q, correct=False, choice=unnamed)
    assert analytics.misconceptions(user=user) == []
    for n in range(6):
        other = QuestionFactory()
        choice = other.choices.filter(correct=False).first()
        choice.misconception = f"belief-{n}"
        choice.save()
        attempt(user, other, correct=False, choice=choice)
    assert len(analytics.misconceptions(user=user)) == 5


@pytest.mark.django_db
def test_a_section_without_a_standing_does_not_hide_the_later_ones(at):
    me = UserFactory()
    first, skipped, third = SectionFactory(), SectionFactory(), SectionFactory()
    for section in (first, skipped, third):
        QuestionFactory(subsection=SubsectionFactory(section=section))
    for section in (first, third):
        QuestionProgress.objects.create(
            user=me,
            question=Question.objects.get(subsection__section=section),
            attempts=5,
            correct_attempts=4,
            last_correct=True,
            first_answered_at=T0 - timedelta(days=1),
            last_answered_at=T0 - timedelta(days=1),
        )
    standings = analytics.percentile_by_section(user=me)
    assert [s.section for s in standings] == [first, third]
