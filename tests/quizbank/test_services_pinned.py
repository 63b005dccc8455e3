"""quizbank.services pinned to hand-worked values (issue 23, mutation testing).

Services are called as the views call them. Time is moved by pointing Django's
`timezone.now` at fixed instants, so every duration below is exact.
"""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quizbank import services
from quizbank.models import (
    Annotation,
    Attempt,
    PracticeSession,
    ProblemReport,
    QuestionProgress,
    SessionItem,
)
from quizbank.signals import attempt_recorded
from tests.factories import QuestionFactory, SectionFactory, SubsectionFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
TIMED = PracticeSession.Mode.TIMED


@pytest.fixture
def at(monkeypatch):
    """`at(instant)`: from now on, Django's clock reads `instant`."""

    def move(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    move(T0)
    return move


@contextmanager
def refused(message):
    """The call raises a ValidationError with exactly this message."""
    with pytest.raises(ValidationError) as caught:
        yield
    assert caught.value.messages == [message]


def key(question):
    return question.choices.get(correct=True)


def wrong(question, n=0):
    return list(question.choices.filter(correct=False).order_by("position"))[n]


def create(user, questions, **kwargs):
    kwargs.setdefault("title", "t")
    return services.session_create(user=user, question_ids=[q.pk for q in questions], **kwargs)


# Sessions ---------------------------------------------------------------------------


def test_a_session_keeps_the_given_order_and_shuffles_each_items_own_choices(user, at):
    qs = [QuestionFactory() for _ in range(3)]
    order = [qs[2], qs[0], qs[1]]
    session = create(user, order, title="x" * 250, difficulties=["hard", "easy", "hard"])
    session.refresh_from_db()
    items = list(session.items.order_by("position"))
    assert [(i.position, i.question_id) for i in items] == [
        (1, qs[2].pk),
        (2, qs[0].pk),
        (3, qs[1].pk),
    ]
    for item in items:
        own = sorted(item.question.choices.values_list("pk", flat=True))
        assert sorted(item.choice_order) == own and len(item.choice_order) == 4
    assert session.title == "x" * 200
    assert session.difficulties == ["easy", "hard"]
    assert (session.size, session.mode, session.user) == (3, "tutor", user)
    assert session.created_at == T0 and session.deadline is None
    assert session.finished_at is None


def test_a_timed_session_gets_its_seconds_per_question(user, at):
    qs = [QuestionFactory() for _ in range(3)]
    assert create(user, qs, mode=TIMED).deadline == T0 + timedelta(seconds=270)
    short = create(user, qs[:2], mode=TIMED, seconds_per_question=10)
    assert short.deadline == T0 + timedelta(seconds=20)


def test_a_session_of_no_questions_is_refused(user):
    with refused("No questions match that choice."):
        services.session_create(user=user, question_ids=[], title="t")


@pytest.mark.parametrize("size", [0, -1, 101])
def test_a_session_size_outside_one_to_a_hundred_is_refused(user, questions, size):
    with refused("Choose between 1 and 100 questions."):
        services.session_start(user=user, size=size)


@pytest.mark.parametrize(("size", "expected"), [(1, 1), (100, 5)])
def test_a_session_of_one_or_a_hundred_is_allowed(user, questions, size, expected):
    assert services.session_start(user=user, size=size).items.count() == expected


def test_a_session_takes_every_unseen_question_before_a_seen_one(user, subsection):
    seen = [QuestionFactory(subsection=subsection) for _ in range(3)]
    unseen = [QuestionFactory(subsection=subsection) for _ in range(2)]
    done = create(user, seen)
    for item in done.items.all():
        services.attempt_record(user=user, item=item, choice_id=key(item.question).pk)
    for _ in range(3):
        picked = services.session_start(user=user, size=3, subsection=subsection)
        ids = list(picked.items.order_by("position").values_list("question_id", flat=True))
        assert set(ids[:2]) == {q.pk for q in unseen}
        assert ids[2] in {q.pk for q in seen}


def test_the_scope_decides_the_questions_and_the_title(user):
    a, b = SectionFactory(), SectionFactory()
    sub_a = SubsectionFactory(section=a)
    sub_b = SubsectionFactory(section=b)
    in_a = QuestionFactory(subsection=sub_a)
    in_b = QuestionFactory(subsection=sub_b)

    by_sub = services.session_start(user=user, size=10, subsection=sub_b)
    assert list(by_sub.items.values_list("question_id", flat=True)) == [in_b.pk]
    assert (by_sub.section, by_sub.subsection, by_sub.title) == (b, sub_b, str(sub_b))

    by_section = services.session_start(user=user, size=10, section=a)
    assert list(by_section.items.values_list("question_id", flat=True)) == [in_a.pk]
    assert (by_section.section, by_section.subsection, by_section.title) == (a, None, str(a))

    picked = services.session_start(user=user, size=10, sections=[b])
    assert list(picked.items.values_list("question_id", flat=True)) == [in_b.pk]
    picked = services.session_start(user=user, size=10, subsections=[sub_a])
    assert list(picked.items.values_list("question_id", flat=True)) == [in_a.pk]

    everything = services.session_start(user=user, size=10)
    assert everything.title == "Custom test"
    assert set(everything.items.values_list("question_id", flat=True)) == {in_a.pk, in_b.pk}
    named = services.session_start(user=user, size=10, title="Mine", mode=TIMED)
    assert (named.title, named.mode) == ("Mine", TIMED)


def test_a_scope_with_nothing_to_ask_says_to_try_other_difficulties(user, subsection):
    QuestionFactory(subsection=subsection, difficulty="easy")
    with refused("No questions match that choice. Try other difficulties."):
        services.session_start(user=user, size=5, difficulties=["hard"])
    picked = services.session_start(user=user, size=5, difficulties=["hard", "easy"])
    assert picked.difficulties == ["easy", "hard"]


# Answers ----------------------------------------------------------------------------


def test_the_answer_time_runs_from_when_the_item_was_first_shown(user, at):
    qs = [QuestionFactory() for _ in range(4)]
    items = list(create(user, qs).items.order_by("position"))
    services.item_present(item=items[0])
    assert items[0].presented_at == T0
    stale = SessionItem.objects.get(pk=items[0].pk)
    at(T0 + timedelta(seconds=5))
    services.item_present(item=items[0])  # shown again: the first showing counts
    stale.presented_at = None
    services.item_present(item=stale)  # even from a stale copy
    assert SessionItem.objects.get(pk=items[0].pk).presented_at == T0

    at(T0 + timedelta(seconds=12, milliseconds=345))
    first = services.attempt_record(user=user, item=items[0], choice_id=key(qs[0]).pk)
    assert first.time_taken_ms == 12_345
    assert first.created_at == T0 + timedelta(seconds=12, milliseconds=345)

    services.item_present(item=items[1])  # shown at 12.345 s, answered two hours later
    at(T0 + timedelta(hours=2))
    assert services.attempt_record(user=user, item=items[1], choice_id=None).time_taken_ms == (
        3_600_000
    )
    services.item_present(item=items[2])  # a clock that went back never gives minus
    at(T0)
    assert services.attempt_record(user=user, item=items[2], choice_id=None).time_taken_ms == 0
    never_shown = services.attempt_record(user=user, item=items[3], choice_id=None)
    assert never_shown.time_taken_ms is None


def test_an_answer_is_stored_with_its_choice_correctness_and_confidence(user, at):
    qs = [QuestionFactory() for _ in range(4)]
    items = list(create(user, qs).items.order_by("position"))
    right = services.attempt_record(
        user=user, item=items[0], choice_id=key(qs[0]).pk, confidence="sure"
    )
    miss = services.attempt_record(
        user=user, item=items[1], choice_id=wrong(qs[1]).pk, confidence="guess"
    )
    odd = services.attempt_record(
        user=user, item=items[2], choice_id=key(qs[2]).pk, confidence="bogus"
    )
    dunno = services.attempt_record(user=user, item=items[3], choice_id=None)
    got = [
        (a.correct, a.choice_id, a.confidence, a.question_id, a.user_id)
        for a in (right, miss, odd, dunno)
    ]
    assert got == [
        (True, key(qs[0]).pk, "sure", qs[0].pk, user.pk),
        (False, wrong(qs[1]).pk, "guess", qs[1].pk, user.pk),
        (True, key(qs[2]).pk, "", qs[2].pk, user.pk),
        (False, None, "", qs[3].pk, user.pk),
    ]
    assert right.item == items[0]


def test_a_second_submission_returns_the_first_answer_unchanged(user, at):
    q = QuestionFactory()
    item = create(user, [q]).items.get()
    first = services.attempt_record(user=user, item=item, choice_id=wrong(q).pk)
    again = services.attempt_record(user=user, item=item, choice_id=key(q).pk)
    assert again.pk == first.pk and again.correct is False
    assert Attempt.objects.count() == 1
    assert QuestionProgress.objects.get().attempts == 1


def test_answers_are_refused_for_timed_items_foreign_choices_and_other_learners(user, at):
    q, other_q = QuestionFactory(), QuestionFactory()
    timed_item = create(user, [q], mode=TIMED).items.get()
    with refused("Timed tests record answers when they end."):
        services.attempt_record(user=user, item=timed_item, choice_id=key(q).pk)
    item = create(user, [q]).items.get()
    with refused("That option is not one of this question's choices."):
        services.attempt_record(user=user, item=item, choice_id=key(other_q).pk)
    with pytest.raises(SessionItem.DoesNotExist):
        services.attempt_record(user=UserFactory(), item=item, choice_id=key(q).pk)
    assert not Attempt.objects.exists()


def test_the_session_finishes_with_its_last_answer(user, at):
    qs = [QuestionFactory() for _ in range(2)]
    session = create(user, qs)
    items = list(session.items.order_by("position"))
    at(T0 + timedelta(seconds=30))
    services.attempt_record(user=user, item=items[1], choice_id=None)
    session.refresh_from_db()
    assert session.finished_at is None
    at(T0 + timedelta(seconds=50))
    services.attempt_record(user=user, item=items[0], choice_id=key(qs[0]).pk)
    session.refresh_from_db()
    assert session.finished_at == T0 + timedelta(seconds=50)


def test_two_tabs_answering_the_last_two_items_at_once_finish_the_session(
    user, at, django_capture_on_commit_callbacks
):
    """Each answer's count was read before the other was stored (two tabs at
    once): neither sees itself as the last, so the one that commits last looks
    again after its commit and finishes the session."""
    qs = [QuestionFactory() for _ in range(3)]
    session = create(user, qs)
    items = list(session.items.order_by("position"))
    services.attempt_record(user=user, item=items[0], choice_id=None, answered=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_record(user=user, item=items[1], choice_id=None, answered=1)
        services.attempt_record(user=user, item=items[2], choice_id=None, answered=1)  # stale
    session.refresh_from_db()
    assert session.finished_at is not None


def test_each_answer_is_announced_once_with_whether_it_was_a_review(user, at):
    heard = []

    def listen(sender, attempt, in_review, **kwargs):
        heard.append((sender, attempt.pk, in_review))

    attempt_recorded.connect(listen, weak=False)
    try:
        q1, q2 = QuestionFactory(), QuestionFactory()
        tutor = create(user, [q1]).items.get()
        review = create(user, [q2], mode=PracticeSession.Mode.REVIEW).items.get()
        a1 = services.attempt_record(user=user, item=tutor, choice_id=key(q1).pk)
        a2 = services.attempt_record(user=user, item=review, choice_id=None)
        services.attempt_record(user=user, item=review, choice_id=None)  # a repeat: no news
    finally:
        attempt_recorded.disconnect(listen)
    # Sent by the Attempt model, so a receiver may connect with sender=Attempt.
    assert heard == [(Attempt, a1.pk, False), (Attempt, a2.pk, True)]


def progress_row(user, question):
    p = QuestionProgress.objects.get(user=user, question=question)
    return (
        p.attempts,
        p.correct_attempts,
        p.last_correct,
        p.last_choice_id,
        p.last_attempt_id,
        p.first_answered_at,
        p.last_answered_at,
    )


def test_progress_counts_every_answer_and_remembers_the_last(user, at):
    q = QuestionFactory()
    answers = []
    for n, (choice, when) in enumerate(
        [(key(q), 10), (wrong(q, 1), 20), (key(q), 30), (wrong(q, 2), 40)]
    ):
        at(T0 + timedelta(minutes=when))
        item = create(user, [q], title=f"s{n}").items.get()
        answers.append(services.attempt_record(user=user, item=item, choice_id=choice.pk))
    expected = (
        4,
        2,
        False,
        wrong(q, 2).pk,
        answers[-1].pk,
        T0 + timedelta(minutes=10),
        T0 + timedelta(minutes=40),
    )
    assert progress_row(user, q) == expected
    other = UserFactory()
    item = create(other, [q]).items.get()
    services.attempt_record(user=other, item=item, choice_id=key(q).pk)
    assert progress_row(other, q)[:3] == (1, 1, True)

    # Rebuilt from the attempts alone, the rows come out the same.
    QuestionProgress.objects.filter(user=user).update(attempts=99, correct_attempts=0)
    assert services.progress_rebuild(user=user) == 1
    assert progress_row(user, q) == expected
    assert progress_row(other, q)[:3] == (1, 1, True)


def test_progress_rebuild_counts_one_row_per_question(user, at):
    qs = [QuestionFactory() for _ in range(3)]
    for n in range(2):
        for item in create(user, qs, title=f"s{n}").items.all():
            services.attempt_record(user=user, item=item, choice_id=key(item.question).pk)
    QuestionProgress.objects.filter(user=user).delete()
    assert services.progress_rebuild(user=user) == 3
    assert (
        sorted(QuestionProgress.objects.values_list("attempts", "correct_attempts")) == [(2, 2)] * 3
    )


# Timed tests ------------------------------------------------------------------------


def spent(item):
    return SessionItem.objects.get(pk=item.pk).time_spent_ms


def test_a_timed_test_clocks_each_item_while_it_is_shown(user, at):
    qs = [QuestionFactory() for _ in range(3)]
    session = create(user, qs, mode=TIMED)  # deadline T0 + 270 s
    one, two, three = session.items.order_by("position")

    services.timed_visit(user=user, session_id=session.pk, item=one)
    at(T0 + timedelta(seconds=7))
    services.timed_visit(user=user, session_id=session.pk, item=one)  # a reload: same clock
    at(T0 + timedelta(seconds=9))
    services.timed_visit(user=user, session_id=session.pk, item=two)
    assert (spent(one), spent(two)) == (9000, 0)

    at(T0 + timedelta(seconds=12))
    assert services.timed_respond(
        user=user,
        session_id=session.pk,
        item=two,
        choice_id=key(qs[1]).pk,
        marked=True,
        staying=True,
    )
    session.refresh_from_db()
    assert (session.current_item_id, session.current_since) == (two.pk, T0 + timedelta(seconds=12))
    at(T0 + timedelta(seconds=15))
    assert services.timed_respond(
        user=user, session_id=session.pk, item=two, choice_id=wrong(qs[1]).pk, marked=False
    )
    session.refresh_from_db()
    assert (session.current_item_id, session.current_since) == (None, None)
    assert spent(two) == 6000
    saved = SessionItem.objects.get(pk=two.pk)
    assert (saved.response_id, saved.marked) == (wrong(qs[1]).pk, False)

    # The deadline stops the clock: three is opened 10 s before it and finished well after.
    at(T0 + timedelta(seconds=260))
    services.timed_visit(user=user, session_id=session.pk, item=three)
    at(T0 + timedelta(seconds=400))
    finished = services.timed_finish(user=user, session_id=session.pk)
    assert spent(three) == 10_000
    assert finished.finished_at == T0 + timedelta(seconds=270)


def test_a_timed_answer_is_refused_at_the_deadline_and_for_a_foreign_choice(user, at):
    q, other = QuestionFactory(), QuestionFactory()
    session = create(user, [q], mode=TIMED)
    item = session.items.get()
    with refused("That option is not one of this question's choices."):
        services.timed_respond(
            user=user, session_id=session.pk, item=item, choice_id=key(other).pk, marked=False
        )
    at(T0 + timedelta(seconds=89, microseconds=999_999))
    assert services.timed_respond(
        user=user, session_id=session.pk, item=item, choice_id=key(q).pk, marked=False
    )
    at(T0 + timedelta(seconds=90))
    assert not services.timed_respond(
        user=user, session_id=session.pk, item=item, choice_id=wrong(q).pk, marked=True
    )
    saved = SessionItem.objects.get(pk=item.pk)
    assert (saved.response_id, saved.marked) == (key(q).pk, False)


def test_finishing_a_timed_test_turns_its_kept_answers_into_attempts_once(user, at):
    qs = [QuestionFactory() for _ in range(3)]
    session = create(user, qs, mode=TIMED)
    one, two, three = session.items.order_by("position")
    services.timed_visit(user=user, session_id=session.pk, item=one)
    at(T0 + timedelta(seconds=4))
    services.timed_respond(
        user=user, session_id=session.pk, item=one, choice_id=key(qs[0]).pk, marked=False
    )
    services.timed_visit(user=user, session_id=session.pk, item=two)
    at(T0 + timedelta(seconds=6))
    services.timed_respond(
        user=user,
        session_id=session.pk,
        item=two,
        choice_id=wrong(qs[1]).pk,
        marked=True,
        staying=True,
    )
    at(T0 + timedelta(seconds=11))
    done = services.timed_finish(user=user, session_id=session.pk)
    assert done.finished_at == T0 + timedelta(seconds=11)
    attempts = {a.question_id: a for a in Attempt.objects.all()}
    assert set(attempts) == {qs[0].pk, qs[1].pk}  # three was never answered
    assert (attempts[qs[0].pk].correct, attempts[qs[0].pk].time_taken_ms) == (True, 4000)
    assert (attempts[qs[1].pk].correct, attempts[qs[1].pk].time_taken_ms) == (False, 7000)
    assert {a.created_at for a in attempts.values()} == {T0 + timedelta(seconds=11)}
    assert attempts[qs[0].pk].item == one
    assert progress_row(user, qs[1])[:3] == (1, 0, False)

    at(T0 + timedelta(seconds=30))
    again = services.timed_finish(user=user, session_id=session.pk)
    assert again.finished_at == T0 + timedelta(seconds=11)
    assert Attempt.objects.count() == 2
    assert not services.timed_respond(
        user=user, session_id=session.pk, item=three, choice_id=key(qs[2]).pk, marked=False
    )
    services.timed_visit(user=user, session_id=session.pk, item=three)  # finished: no clock
    assert spent(three) == 0
    done.refresh_from_db()
    assert done.current_item_id is None


def test_timed_services_are_only_for_the_learners_own_timed_tests(user, at):
    q = QuestionFactory()
    tutor = create(user, [q])
    timed = create(user, [q], mode=TIMED)
    with pytest.raises(PracticeSession.DoesNotExist):
        services.timed_finish(user=user, session_id=tutor.pk)
    with pytest.raises(PracticeSession.DoesNotExist):
        services.timed_finish(user=UserFactory(), session_id=timed.pk)


# Flags, notes and reports -----------------------------------------------------------


def test_a_flag_and_a_note_are_saved_apart(user):
    q = QuestionFactory()
    services.annotation_save(user=user, question=q, flagged=True)
    services.annotation_save(user=user, question=q, note="  " + "n" * 2100 + "  ")
    saved = Annotation.objects.get(user=user, question=q)
    assert (saved.flagged, saved.note) == (True, "n" * 2000)
    services.annotation_save(user=user, question=q, flagged=False)
    saved.refresh_from_db()
    assert (saved.flagged, saved.note) == (False, "n" * 2000)
    services.annotation_save(user=user, question=q, note="  short  ")
    saved.refresh_from_db()
    assert (saved.flagged, saved.note) == (False, "short")
    assert Annotation.objects.count() == 1


def test_a_report_needs_a_reason_and_a_second_one_updates_the_open_one(user, at):
    q = QuestionFactory()
    with refused("Say in a few words what is wrong."):
        services.report_create(user=user, question=q, reason="   ")
    first = services.report_create(user=user, question=q, reason="  typo  ")
    assert (first.reason, first.choice, first.created_at) == ("typo", None, T0)
    at(T0 + timedelta(minutes=5))
    second = services.report_create(user=user, question=q, reason="r" * 1200, choice=wrong(q))
    assert second.pk == first.pk
    first.refresh_from_db()
    assert (first.reason, first.choice, first.created_at) == (
        "r" * 1000,
        wrong(q),
        T0 + timedelta(minutes=5),
    )
    ProblemReport.objects.filter(pk=first.pk).update(status=ProblemReport.Status.RESOLVED)
    third = services.report_create(user=user, question=q, reason="again")
    assert third.pk != first.pk and ProblemReport.objects.count() == 2
    theirs = services.report_create(user=UserFactory(), question=q, reason="mine")
    assert theirs.pk not in (first.pk, third.pk)


def test_a_timed_items_clock_never_runs_backwards_nor_past_an_hour(user, at):
    qs = [QuestionFactory() for _ in range(2)]
    session = create(user, qs, mode=TIMED, seconds_per_question=7200)  # 4 hours in all
    one, two = session.items.order_by("position")
    at(T0 + timedelta(seconds=10))
    services.timed_visit(user=user, session_id=session.pk, item=one)
    at(T0 + timedelta(seconds=5))  # the server's clock was set back
    services.timed_visit(user=user, session_id=session.pk, item=two)
    assert spent(one) == 0
    at(T0 + timedelta(hours=2))
    services.timed_visit(user=user, session_id=session.pk, item=one)
    assert spent(two) == 3_600_000


def test_a_timed_tests_answers_are_announced_as_not_in_review(user, at):
    heard = []

    def listen(sender, attempt, in_review, **kwargs):
        heard.append((sender, attempt.question_id, in_review))

    q = QuestionFactory()
    session = create(user, [q], mode=TIMED)
    item = session.items.get()
    services.timed_respond(
        user=user, session_id=session.pk, item=item, choice_id=key(q).pk, marked=False
    )
    attempt_recorded.connect(listen, weak=False)
    try:
        services.timed_finish(user=user, session_id=session.pk)
    finally:
        attempt_recorded.disconnect(listen)
    assert heard == [(Attempt, q.pk, False)]


def test_among_unseen_questions_the_pick_is_random(user, subsection):
    """40 one-question sessions over 6 unseen questions: a fixed order would
    pick one question every time; a random one picks 3 or more distinct ones
    but with a probability under 10^-17."""
    [QuestionFactory(subsection=subsection) for _ in range(6)]
    firsts = {services.session_start(user=user, size=1).items.get().question_id for _ in range(40)}
    assert len(firsts) >= 3


def test_an_answer_takes_the_chosen_choice_from_the_callers_choices(
    django_assert_num_queries,
):
    """The view passes the cached question's choices (issue 15): the chosen one
    is not read again, and one missing from them is read as before."""
    user, q = UserFactory(), QuestionFactory()
    s = services.session_create(user=user, question_ids=[q.pk], title="t")
    item = s.items.get()
    choices = list(q.choices.all())
    key = next(c for c in choices if c.correct)
    attempt = services.attempt_record(user=user, item=item, choice_id=key.pk, choices=choices)
    assert (attempt.choice, attempt.correct) == (key, True)

    again = services.session_create(user=user, question_ids=[q.pk], title="t").items.get()
    wrong = next(c for c in choices if not c.correct)
    others = [c for c in choices if c.pk != wrong.pk]
    attempt = services.attempt_record(user=user, item=again, choice_id=wrong.pk, choices=others)
    assert (attempt.choice, attempt.correct) == (wrong, False)
