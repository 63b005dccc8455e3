"""quizbank.selectors pinned to hand-counted values (issue 23, mutation testing).

Histories are built through the services, as the views build them; every count
and percentage below is counted by hand from that history.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from quizbank import selectors, services
from quizbank.models import Annotation, Attempt, PracticeSession, Question, SessionItem
from quizbank.selectors import PeerStats, Pool, Progress, Summary, SummaryItem
from tests.factories import QuestionFactory, SectionFactory, SubsectionFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def key(q):
    return q.choices.get(correct=True)


def wrong(q, n=0):
    return list(q.choices.filter(correct=False).order_by("position"))[n]


def session(user, questions, **kwargs):
    kwargs.setdefault("title", "t")
    return services.session_create(user=user, question_ids=[q.pk for q in questions], **kwargs)


def answer(user, item, choice):
    return services.attempt_record(user=user, item=item, choice_id=choice.pk if choice else None)


def ids(queryset):
    return {q.pk for q in queryset}


# Pools --------------------------------------------------------------------------------


def test_each_pool_holds_the_questions_it_names(user):
    sub = SubsectionFactory()
    right, missed, flagged, unused, hard = (
        QuestionFactory(subsection=sub),
        QuestionFactory(subsection=sub),
        QuestionFactory(subsection=sub),
        QuestionFactory(subsection=sub),
        QuestionFactory(subsection=sub, difficulty="hard"),
    )
    QuestionFactory(subsection=sub, status=Question.Status.RETIRED)
    s = session(user, [right, missed])
    a, b = s.items.order_by("position")
    answer(user, a, key(right))
    answer(user, b, wrong(missed))
    services.annotation_save(user=user, question=flagged, flagged=True)
    services.annotation_save(user=user, question=unused, flagged=False)
    other = UserFactory()
    services.annotation_save(user=other, question=unused, flagged=True)
    answer(other, session(other, [unused]).items.get(), wrong(unused))

    def pool(name, **kw):
        return ids(selectors.question_pool_list(user=user, pool=name, **kw))

    everything = {right.pk, missed.pk, flagged.pk, unused.pk, hard.pk}
    assert pool(Pool.ALL) == everything
    assert pool(Pool.UNUSED) == {flagged.pk, unused.pk, hard.pk}
    assert pool(Pool.MISSED) == {missed.pk}
    assert pool(Pool.FLAGGED) == {flagged.pk}
    assert pool(Pool.ALL, difficulties=["medium"]) == everything - {hard.pk}
    seen = {q.pk: q.seen for q in selectors.question_pool_list(user=user)}
    assert seen[unused.pk] is None and seen[right.pk] is not None


def test_a_pool_is_scoped_by_sections_or_subsections(user):
    a, b = SectionFactory(), SectionFactory()
    a1, a2, b1 = (
        SubsectionFactory(section=a),
        SubsectionFactory(section=a),
        SubsectionFactory(section=b),
    )
    qa1, qa2, qb1 = (QuestionFactory(subsection=s) for s in (a1, a2, b1))
    assert ids(selectors.question_pool_list(user=user, sections=[a])) == {qa1.pk, qa2.pk}
    assert ids(selectors.question_pool_list(user=user, subsections=[a2])) == {qa2.pk}
    assert ids(selectors.question_pool_list(user=user, sections=[b], subsections=[a1])) == {
        qb1.pk,
        qa1.pk,
    }


# Progress and the catalogue ------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered", "correct", "total", "accuracy"),
    [(3, 2, 4, 67), (0, 0, 4, None), (0, 0, 0, None), (1, 1, 3, 100)],
)
def test_progress_accuracy(answered, correct, total, accuracy):
    assert Progress(answered, correct, total).accuracy == accuracy


def test_the_catalogue_counts_published_questions_and_the_learners_progress(user):
    section = SectionFactory()
    sub1, sub2 = SubsectionFactory(section=section), SubsectionFactory(section=section)
    q1, q2 = QuestionFactory(subsection=sub1), QuestionFactory(subsection=sub1)
    QuestionFactory(subsection=sub1, status=Question.Status.RETIRED)
    QuestionFactory(subsection=sub2)
    for n, choice in enumerate([key(q1), wrong(q1), key(q2)]):
        q = choice.question
        answer(user, session(user, [q], title=f"s{n}").items.get(), choice)
    other = UserFactory()
    answer(other, session(other, [q2]).items.get(), wrong(q2))

    (got,) = [s for s in selectors.section_catalogue_list(user=user) if s.pk == section.pk]
    assert (got.questions_count, got.seen) == (3, 2)
    s1, s2 = sorted(got.subsections.all(), key=lambda s: s.pk)
    assert (s1.questions_count, s1.seen, s1.progress) == (2, 2, Progress(3, 2, 2))
    assert (s2.questions_count, s2.seen, s2.progress) == (1, 0, Progress(0, 0, 1))


# One item and a session's summary -------------------------------------------------------


def test_an_item_shows_its_choices_in_the_learners_order_and_the_sessions_progress(user):
    qs = [QuestionFactory() for _ in range(3)]
    s = session(user, qs)
    first = s.items.get(position=1)
    answer(user, first, key(qs[0]))
    answer(user, s.items.get(position=2), wrong(qs[1]))

    state = selectors.item_state(user=user, session_id=s.pk, position=1)
    assert [c.pk for c in state.choices] == first.choice_order
    assert state.key_id == key(qs[0]).pk
    assert state.attempt == Attempt.objects.get(item=first)
    assert (state.question, state.session, state.is_last) == (qs[0], s, False)
    assert state.progress == Progress(2, 1, 3)
    last = selectors.item_state(user=user, session_id=s.pk, position=3)
    assert (last.attempt, last.is_last) == (None, True)
    with pytest.raises(Http404):
        selectors.item_state(user=UserFactory(), session_id=s.pk, position=1)
    with pytest.raises(Http404):
        selectors.item_state(user=user, session_id=s.pk, position=4)


def test_an_items_state_carries_the_learners_own_flag_and_note_only(user):
    """The note rides in the item's query (issue 15): it must be this learner's."""
    qs = [QuestionFactory() for _ in range(2)]
    s = session(user, qs)
    services.annotation_save(user=UserFactory(), question=qs[0], flagged=True, note="theirs")
    assert selectors.item_state(user=user, session_id=s.pk, position=1).annotation is None

    services.annotation_save(user=user, question=qs[0], flagged=True, note="mine")
    services.annotation_save(user=user, question=qs[1], flagged=False, note="other question")
    note = selectors.item_state(user=user, session_id=s.pk, position=1).annotation
    saved = Annotation.objects.get(user=user, question=qs[0])
    assert (note.pk, note.flagged, note.note, note.updated_at) == (
        saved.pk,
        True,
        "mine",
        saved.updated_at,
    )
    assert (note.user, note.question_id) == (user, qs[0].pk)


def test_an_answered_items_state_counts_the_new_answer_without_a_query(
    user, django_assert_num_queries
):
    qs = [QuestionFactory() for _ in range(3)]
    s = session(user, qs)
    answer(user, s.items.get(position=1), key(qs[0]))
    state = selectors.item_state(user=user, session_id=s.pk, position=2)
    attempt = answer(user, state.item, wrong(qs[1]))
    with django_assert_num_queries(0):
        after = selectors.item_state_answered(state=state, attempt=attempt)
    assert (after.attempt, after.progress) == (attempt, Progress(2, 1, 3))
    assert after.progress == selectors.session_progress(session=s)
    third = selectors.item_state(user=user, session_id=s.pk, position=3)
    right = answer(user, third.item, key(qs[2]))
    assert selectors.item_state_answered(state=third, attempt=right).progress == Progress(3, 2, 3)


def test_the_first_unanswered_item_and_the_session_lookup(user):
    qs = [QuestionFactory() for _ in range(3)]
    s = session(user, qs)
    assert selectors.session_first_unanswered_position(session=s) == 1
    answer(user, s.items.get(position=1), None)
    answer(user, s.items.get(position=3), None)
    assert selectors.session_first_unanswered_position(session=s) == 2
    answer(user, s.items.get(position=2), None)
    assert selectors.session_first_unanswered_position(session=s) is None
    assert selectors.session_get(user=user, session_id=s.pk) == s
    with pytest.raises(Http404):
        selectors.session_get(user=UserFactory(), session_id=s.pk)


def summary_item(spent=0, taken=None, correct=None):
    item = SessionItem(time_spent_ms=spent)
    attempt = None if correct is None else Attempt(correct=correct, time_taken_ms=taken)
    return SummaryItem(item=item, attempt=attempt, choices=[])


def test_a_summary_counts_and_times_its_items():
    s = Summary(
        [
            summary_item(taken=61_400, correct=True),  # tutor: time from the attempt
            summary_item(spent=30_000, taken=5, correct=False),  # timed: time on the item
            summary_item(correct=True, taken=None),
            summary_item(),  # unanswered
        ]
    )
    assert (s.answered, s.correct, s.total, s.percent) == (3, 2, 4, 50)
    assert s.time_ms == 91_400
    assert s.time_label == "1 min 31 s"
    assert Summary([summary_item(taken=59_400, correct=True)]).time_label == "59 s"
    assert Summary([summary_item(taken=60_000, correct=False)]).time_label == "1 min 0 s"
    empty = Summary([])
    assert (empty.percent, empty.time_ms, empty.time_label) == (0, 0, "0 s")


def test_the_session_summary_lists_every_item_in_order_with_its_attempt(user):
    qs = [QuestionFactory() for _ in range(3)]
    s = session(user, qs)
    items = list(s.items.order_by("position"))
    answer(user, items[0], key(qs[0]))
    answer(user, items[2], wrong(qs[2]))
    summary = selectors.session_summary(session=s)
    assert [i.item.pk for i in summary.items] == [i.pk for i in items]
    assert [bool(i.attempt) for i in summary.items] == [True, False, True]
    assert [[c.pk for c in i.choices] for i in summary.items] == [i.choice_order for i in items]
    assert (summary.answered, summary.correct, summary.percent) == (2, 1, 33)


def test_the_timed_grid_shows_answered_and_marked_items(user):
    qs = [QuestionFactory() for _ in range(3)]
    s = session(user, qs, mode=PracticeSession.Mode.TIMED)
    second = s.items.get(position=2)
    services.timed_respond(
        user=user, session_id=s.pk, item=second, choice_id=key(qs[1]).pk, marked=True
    )
    assert selectors.session_grid(session=s) == [
        {"position": 1, "marked": False, "response_id": None},
        {"position": 2, "marked": True, "response_id": key(qs[1]).pk},
        {"position": 3, "marked": False, "response_id": None},
    ]


# The learner's lists -------------------------------------------------------------------


def test_totals_missed_and_flagged_are_the_learners_own(user):
    sec = SectionFactory()
    early, late = (
        SubsectionFactory(section=sec, position=1),
        SubsectionFactory(section=sec, position=2),
    )
    q_late, q_early, q_fixed, q_gone = (
        QuestionFactory(subsection=late),
        QuestionFactory(subsection=early),
        QuestionFactory(subsection=early),
        QuestionFactory(subsection=early),
    )
    s1 = session(user, [q_late, q_early, q_fixed, q_gone])
    for item in s1.items.all():
        answer(user, item, wrong(item.question))
    answer(user, session(user, [q_fixed], title="again").items.get(), key(q_fixed))
    Question.objects.filter(pk=q_gone.pk).update(status=Question.Status.RETIRED)
    other = UserFactory()
    answer(other, session(other, [q_fixed]).items.get(), wrong(q_fixed))

    assert selectors.progress_totals(user=user) == {
        "attempts": 5,
        "correct": 1,
        "questions": 4,
        "sessions": 2,
    }
    missed = list(selectors.progress_missed_list(user=user))
    assert [p.question_id for p in missed] == [q_early.pk, q_late.pk]
    assert missed[0].last_choice == wrong(q_early)

    for q in (q_late, q_early, q_gone):
        services.annotation_save(user=user, question=q, flagged=True)
    services.annotation_save(user=user, question=q_fixed, flagged=False)
    services.annotation_save(user=other, question=q_fixed, flagged=True)
    assert [a.question_id for a in selectors.annotation_flagged_list(user=user)] == [
        q_early.pk,
        q_late.pk,
    ]


def test_reports_are_the_learners_own_newest_first(user, monkeypatch):
    q1, q2 = QuestionFactory(), QuestionFactory()
    for n, q in enumerate([q1, q2]):
        monkeypatch.setattr(timezone, "now", lambda n=n: T0 + timedelta(minutes=n))
        services.report_create(user=user, question=q, reason=f"r{n}")
    services.report_create(user=UserFactory(), question=q1, reason="theirs")
    assert [r.reason for r in selectors.report_list(user=user)] == ["r1", "r0"]


# A question outside a session ------------------------------------------------------------


def test_peer_shares_round_to_whole_percent():
    stats = PeerStats(total=3, by_choice={1: 2, None: 1})
    assert (stats.share(1), stats.share(None), stats.share(7), stats.success(1)) == (67, 33, 0, 67)
    assert PeerStats(total=0, by_choice={}).share(1) == 0


def test_a_question_reveals_its_key_and_peers_only_after_an_answer(user, monkeypatch):
    q = QuestionFactory()
    others = [UserFactory() for _ in range(3)]
    for other, choice in zip(others, [key(q), key(q), wrong(q)], strict=True):
        answer(other, session(other, [q]).items.get(), choice)

    before = selectors.question_view_get(user=user, external_id=q.external_id)
    assert (before.revealed, before.peers, before.progress) == (False, None, None)
    assert [c.position for c in before.choices] == [0, 1, 2, 3]
    services.annotation_save(user=user, question=q, note="mine")
    answer(user, session(user, [q]).items.get(), wrong(q))
    after = selectors.question_view_get(user=user, external_id=q.external_id)
    assert after.revealed and after.annotation.note == "mine"
    assert after.progress.last_choice == wrong(q)
    assert (after.peers.total, after.peers.success(key(q).pk), after.peers.share(wrong(q).pk)) == (
        4,
        50,
        50,
    )
    assert selectors.annotation_get(user=user, question=q).note == "mine"
    assert selectors.annotation_get(user=others[0], question=q) is None

    # In a running timed test, the key stays hidden even though it was answered before.
    monkeypatch.setattr(timezone, "now", lambda: T0)
    timed = session(user, [q], mode=PracticeSession.Mode.TIMED)  # deadline T0 + 90 s
    hidden = selectors.question_view_get(user=user, external_id=q.external_id)
    assert (hidden.in_open_timed_test, hidden.revealed, hidden.peers) == (True, False, None)
    monkeypatch.setattr(timezone, "now", lambda: T0 + timedelta(seconds=90))
    assert (
        selectors.question_in_open_timed_test(user=user, question=q) is False
    )  # the deadline passed
    monkeypatch.setattr(timezone, "now", lambda: T0 + timedelta(seconds=89))
    assert selectors.question_in_open_timed_test(user=user, question=q) is True
    assert selectors.question_in_open_timed_test(user=others[0], question=q) is False
    services.timed_finish(user=user, session_id=timed.pk)
    assert selectors.question_in_open_timed_test(user=user, question=q) is False

    Question.objects.filter(pk=q.pk).update(status=Question.Status.RETIRED)
    with pytest.raises(Http404):
        selectors.question_view_get(user=user, external_id=q.external_id)


def test_history_lists_sessions_newest_first_with_their_scores(user, monkeypatch):
    qs = [QuestionFactory() for _ in range(3)]
    monkeypatch.setattr(timezone, "now", lambda: T0)
    older = session(user, qs)
    monkeypatch.setattr(timezone, "now", lambda: T0 + timedelta(hours=1))
    newer = session(user, qs[:2])
    for item, choice in zip(
        older.items.order_by("position"), [key(qs[0]), wrong(qs[1]), key(qs[2])], strict=True
    ):
        answer(user, item, choice)
    answer(user, newer.items.get(position=1), wrong(qs[0]))
    session(UserFactory(), qs)
    got = [(s.pk, s.answered, s.correct) for s in selectors.attempt_history_list(user=user)]
    assert got == [(newer.pk, 1, 0), (older.pk, 3, 2)]


# Survivors of the first mutation run on selectors (issue 23) ---------------------------


def test_the_feedback_progress_counts_this_sessions_answers(user):
    q1, q2, q3 = QuestionFactory(), QuestionFactory(), QuestionFactory()
    earlier = session(user, [q1])
    answer(user, earlier.items.get(), key(q1))  # another session's answer: not counted
    s = session(user, [q1, q2, q3])
    items = list(s.items.order_by("position"))
    answer(user, items[0], key(items[0].question))
    answer(user, items[1], wrong(items[1].question))
    assert selectors.session_progress(session=s) == Progress(2, 1, 3)
    answer(user, items[2], key(items[2].question))
    assert selectors.session_progress(session=s) == Progress(3, 2, 3)


def test_the_results_breakdown_counts_each_subsection_by_hand(user):
    first, second = SubsectionFactory(position=0), SubsectionFactory(position=1)
    second.section = first.section
    second.save()
    qs = [QuestionFactory(subsection=second), QuestionFactory(subsection=first)]
    qs += [QuestionFactory(subsection=first), QuestionFactory(subsection=first)]
    s = session(user, qs)
    items = {i.question_id: i for i in s.items.all()}
    answer(user, items[qs[0].pk], wrong(qs[0]))  # second: 0 right of 1 answered, 1 asked
    answer(user, items[qs[1].pk], key(qs[1]))  # first: 2 right, 3 answered, 3 asked
    answer(user, items[qs[2].pk], key(qs[2]))
    answer(user, items[qs[3].pk], None)  # "I don't know": answered, not right
    scores = selectors.session_summary(session=s).by_subsection()
    assert [(x.subsection, x.total, x.answered, x.correct) for x in scores] == [
        (first, 3, 3, 2),
        (second, 1, 1, 0),
    ]


def test_reports_tie_on_time_newest_id_first_in_one_query(
    user, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(timezone, "now", lambda: T0)
    qs = [QuestionFactory() for _ in range(3)]
    for n, q in enumerate(qs):
        services.report_create(user=user, question=q, reason=f"r{n}")
    monkeypatch.setattr(timezone, "now", lambda: T0 - timedelta(days=1))
    services.report_create(user=user, question=QuestionFactory(), reason="older")
    with django_assert_num_queries(1):  # every field the dashboard shows, no lazy load
        rows = [
            (*(r.reason, r.status, r.resolution_note, r.resolved_at, r.created_at, r.pk),
             r.question.external_id, r.question.stem_snippet)
            for r in selectors.report_list(user=user)
        ]  # fmt: skip
    assert [r[0] for r in rows] == ["r2", "r1", "r0", "older"]


# Survivors of the full mutation run on 4ca2549 (issue 23) -------------------------------


def test_one_questions_answer_note_and_flag_never_show_on_another(user):
    answered, fresh = QuestionFactory(), QuestionFactory()
    answer(user, session(user, [answered]).items.get(), wrong(answered))
    services.annotation_save(user=user, question=answered, flagged=True, note="mine")
    view = selectors.question_view_get(user=user, external_id=fresh.external_id)
    # The key of a question stays hidden until it is answered, whatever else was.
    assert (view.revealed, view.progress, view.peers, view.annotation) == (False, None, None, None)
    assert selectors.annotation_get(user=user, question=fresh) is None


def test_only_a_running_timed_test_that_holds_the_question_hides_its_key(user, monkeypatch):
    answered, other = QuestionFactory(), QuestionFactory()
    tutor = session(user, [answered, other])  # left open: its second item unanswered
    answer(user, tutor.items.get(position=1), key(answered))
    monkeypatch.setattr(timezone, "now", lambda: T0)
    session(user, [other], mode=PracticeSession.Mode.TIMED)  # still running at T0
    assert selectors.question_in_open_timed_test(user=user, question=answered) is False
    assert selectors.question_view_get(user=user, external_id=answered.external_id).revealed
    # A tutor session with a deadline (only the admin could set one) is no timed test.
    PracticeSession.objects.filter(pk=tutor.pk).update(deadline=T0 + timedelta(hours=1))
    assert selectors.question_in_open_timed_test(user=user, question=answered) is False


def test_missed_and_flagged_questions_follow_the_syllabus(user):
    first, second = SectionFactory(position=1), SectionFactory(position=2)
    a1 = SubsectionFactory(section=first, position=0)
    a2 = SubsectionFactory(section=first, position=1)
    b1 = SubsectionFactory(section=second, position=0)
    # Created out of order, so the database's own order is not the syllabus's.
    in_b1 = QuestionFactory(subsection=b1, position=0)
    in_a2 = QuestionFactory(subsection=a2, position=0)
    late_in_a1 = QuestionFactory(subsection=a1, position=2)
    early_in_a1 = QuestionFactory(subsection=a1, position=1)
    created = [in_b1, in_a2, late_in_a1, early_in_a1]
    for item, q in zip(session(user, created).items.order_by("position"), created, strict=True):
        answer(user, item, wrong(q))
        services.annotation_save(user=user, question=q, flagged=True)
    syllabus = [early_in_a1, late_in_a1, in_a2, in_b1]
    assert [p.question for p in selectors.progress_missed_list(user=user)] == syllabus
    assert [a.question for a in selectors.annotation_flagged_list(user=user)] == syllabus


def test_history_is_by_start_time_then_newest_id(user, monkeypatch):
    qs = [QuestionFactory()]
    monkeypatch.setattr(timezone, "now", lambda: T0)
    today = session(user, qs)
    monkeypatch.setattr(timezone, "now", lambda: T0 - timedelta(days=1))
    yesterday = session(user, qs)  # a higher id, an earlier start
    monkeypatch.setattr(timezone, "now", lambda: T0)
    same_time = session(user, qs)  # started at the same instant as `today`
    got = [s.pk for s in selectors.attempt_history_list(user=user)]
    assert got == [same_time.pk, today.pk, yesterday.pk]


def test_a_sections_totals_add_up_every_subsection_and_skip_retired_questions(user):
    section = SectionFactory()
    sub2 = SubsectionFactory(section=section, position=1)  # created first, listed last
    sub1 = SubsectionFactory(section=section, position=0)
    q1, retired = QuestionFactory(subsection=sub1), QuestionFactory(subsection=sub1)
    q2 = QuestionFactory(subsection=sub2)
    QuestionFactory(subsection=sub2)
    for n, choice in enumerate([key(q1), key(retired), wrong(q2)]):
        answer(user, session(user, [choice.question], title=f"s{n}").items.get(), choice)
    Question.objects.filter(pk=retired.pk).update(status=Question.Status.RETIRED)

    (got,) = [s for s in selectors.section_catalogue_list(user=user) if s.pk == section.pk]
    s1, s2 = got.subsections.all()
    assert (s1.questions_count, s1.seen, s1.progress) == (1, 1, Progress(1, 1, 1))
    assert (s2.questions_count, s2.seen, s2.progress) == (2, 1, Progress(1, 0, 2))
    # One right in the first subsection, one wrong in the last: 2 seen, 50 %.
    assert (got.questions_count, got.seen, got.progress) == (3, 2, Progress(2, 1, 3))
    assert got.progress.accuracy == 50


def test_the_fallback_sample_is_the_first_easy_question_without_a_figure():
    sub = SubsectionFactory()
    QuestionFactory(subsection=sub, position=0, difficulty="easy", figure_file="q.svg")
    QuestionFactory(subsection=sub, position=1, difficulty="medium")
    plain = QuestionFactory(subsection=sub, position=2, difficulty="easy")
    question, choices = selectors.question_sample_get()
    assert question == plain
    assert [c.position for c in choices] == [0, 1, 2, 3]
