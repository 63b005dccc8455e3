"""The dashboard reads summaries (issue 15): mastery's all-time part from the
progress rows, the peers' accuracies from a cached cohort. Each is checked
against the plain definition over every answer."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from quizbank import analytics, services
from quizbank.models import Attempt, Choice
from tests.factories import QuestionFactory, SectionFactory, SubsectionFactory, UserFactory
from tests.quizbank.test_analytics_pinned import progress

pytestmark = pytest.mark.django_db


def weight(age: timedelta) -> float:
    """An answer's weight by its age, as the dashboard explains it."""
    if age <= timedelta(days=analytics.RECENT_DAYS):
        return 1.0
    if age <= timedelta(days=analytics.OLDER_DAYS):
        return 0.5
    return 0.25


def history(user, questions, n, rng, now):
    keys = {c.question_id: c for c in Choice.objects.filter(question__in=questions, correct=True)}
    rows = []
    for _ in range(n):
        q = rng.choice(questions)
        correct = rng.random() < 0.6
        rows.append(
            Attempt(
                user=user,
                question=q,
                choice=keys[q.pk] if correct else None,
                correct=correct,
                created_at=now - timedelta(minutes=rng.randrange(200 * 24 * 60)),
            )
        )
    Attempt.objects.bulk_create(rows)
    services.progress_rebuild(user=user)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mastery_equals_every_answer_weighed_by_its_age(seed, monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    rng = random.Random(seed)
    subs = [SubsectionFactory() for _ in range(3)]
    questions = [QuestionFactory(subsection=subs[i % 3]) for i in range(9)]
    user = UserFactory()
    history(user, questions, 300, rng, now)
    history(UserFactory(), questions, 50, rng, now)  # someone else's

    expected = {s.pk: [0, 0, 1.0, 1.0] for s in subs}
    for a in Attempt.objects.filter(user=user).select_related("question"):
        e = expected[a.question.subsection_id]
        e[0] += 1
        e[1] += a.correct
        e[2 if a.correct else 3] += weight(now - a.created_at)
    got = {
        m.subsection.pk: [m.attempts, m.correct, m.alpha, m.beta]
        for m in analytics.mastery_by_subsection(user=user)
    }
    # Quarter weights sum exactly in binary floating point.
    assert got == expected


def test_the_cohort_is_read_once_and_the_askers_own_figure_is_always_fresh(
    django_assert_num_queries,
):
    section = SectionFactory()
    q, q2 = (QuestionFactory(subsection=SubsectionFactory(section=section)) for _ in range(2))
    me = UserFactory()
    progress(me, q, 10, 5)  # 0.5
    for right in (4, 6, 8):  # peers at 0.4, 0.6, 0.8
        progress(UserFactory(), q, 10, right)
    [standing] = analytics.percentile_by_section(user=me)
    assert (standing.accuracy, standing.percentile, standing.peers) == (0.5, 33, 3)

    # The learner answers ten more, all right: 15 of 20. The cohort is cached
    # with their old 0.5; their new 0.75 is read now, the old one left out.
    progress(me, q2, 10, 10)
    with django_assert_num_queries(1):  # their progress; the cohort from the cache
        [standing] = analytics.percentile_by_section(user=me)
    assert (standing.accuracy, standing.answered) == (0.75, 20)
    assert (standing.percentile, standing.peers) == (67, 3)


def test_a_cohort_entry_equal_to_the_askers_new_figure_is_not_counted_as_a_tie():
    section = SectionFactory()
    q = QuestionFactory(subsection=SubsectionFactory(section=section))
    cohort = analytics.Cohort(
        sorted_by_section={section.pk: [0.5, 0.5, 0.9]},
        by_section={section.pk: {1: 0.5, 2: 0.5, 3: 0.9}},
    )
    # Learner 1's cached 0.5 is theirs: one peer ties, one is above.
    assert cohort.standing(section.pk, 1, 0.5) == (25, 2)
    # A learner the cohort has not seen yet: two ties and one above.
    assert cohort.standing(section.pk, 4, 0.5) == (33, 3)
    # Alone in the section: no percentile.
    alone = analytics.Cohort({section.pk: [0.7]}, {section.pk: {1: 0.7}})
    assert alone.standing(section.pk, 1, 0.9) == (None, 0)
    assert q  # the section has a question


def test_the_standings_read_the_cohort_from_the_database_when_the_cache_is_down(
    monkeypatch,
):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda *a, **k: None)
    monkeypatch.setattr(cache, "get_or_set", lambda key, default, *a, **k: default())
    section = SectionFactory()
    q = QuestionFactory(subsection=SubsectionFactory(section=section))
    me, peer = UserFactory(), UserFactory()
    progress(me, q, 10, 9)
    progress(peer, q, 10, 1)
    [standing] = analytics.percentile_by_section(user=me)
    assert (standing.percentile, standing.peers) == (100, 1)
    progress(UserFactory(), q, 10, 10)  # nothing cached: seen at once
    [standing] = analytics.percentile_by_section(user=me)
    assert (standing.percentile, standing.peers) == (50, 2)
