import pytest
from django.core.exceptions import ValidationError

from quizbank import services
from quizbank.models import Attempt, PracticeSession, Question
from tests.factories import QuestionFactory, answer, past_attempts

pytestmark = pytest.mark.django_db


def test_session_start_takes_unseen_questions_first(user, subsection, questions):
    seen = questions[:3]
    past_attempts(user, seen, 3)
    session = services.session_start(user=user, subsection=subsection, size=2)
    picked = set(session.items.values_list("question_id", flat=True))
    assert picked <= {q.pk for q in questions[3:]}
    assert session.size == 2 and session.title == str(subsection)


def test_session_start_filters_difficulty_and_skips_retired(user, subsection):
    QuestionFactory(subsection=subsection, difficulty="easy")
    hard = QuestionFactory(subsection=subsection, difficulty="hard")
    QuestionFactory(subsection=subsection, difficulty="hard", status=Question.Status.RETIRED)
    session = services.session_start(
        user=user, subsection=subsection, size=10, difficulties=["hard"]
    )
    assert list(session.items.values_list("question_id", flat=True)) == [hard.pk]


def test_session_start_with_nothing_to_ask_says_so(user, subsection):
    with pytest.raises(ValidationError, match="No questions match"):
        services.session_start(user=user, subsection=subsection, size=5)
    assert not PracticeSession.objects.exists()


def test_choice_order_is_a_shuffle_of_the_question_choices(user, subsection, questions):
    orders, key_positions = set(), set()
    for _ in range(8):  # 40 items of four choices each
        session = services.session_start(user=user, subsection=subsection, size=5)
        for item in session.items.select_related("question"):
            stored = list(item.question.choices.order_by("pk").values_list("pk", flat=True))
            assert sorted(item.choice_order) == stored
            orders.add(tuple(item.choice_order.index(pk) for pk in stored))
            key_positions.add(item.choice_order.index(item.question.choices.get(correct=True).pk))
    # Unshuffled, every item keeps one arrangement and the key one place; shuffled,
    # forty items of 24 arrangements all alike is a chance of about 1 in 10^55.
    assert len(orders) > 1
    assert len(key_positions) > 1


def test_attempt_record_stores_one_attempt_per_item(user, subsection, questions):
    session = services.session_start(user=user, subsection=subsection, size=2)
    item = session.items.get(position=1)
    services.item_present(item=item)
    first = answer(user, item, correct=False)
    again = answer(user, item, correct=True)  # double submit, even with another option
    assert again.pk == first.pk and not again.correct
    assert Attempt.objects.filter(item=item).count() == 1
    assert first.time_taken_ms is not None and first.time_taken_ms >= 0


def test_attempt_record_refuses_a_choice_of_another_question(user, subsection, questions):
    session = services.session_start(user=user, subsection=subsection, size=2)
    item = session.items.get(position=1)
    other = session.items.get(position=2).question.choices.first()
    with pytest.raises(ValidationError):
        services.attempt_record(user=user, item=item, choice_id=other.pk)
    assert not Attempt.objects.exists()


def test_answering_the_last_item_finishes_the_session(user, subsection, questions):
    session = services.session_start(user=user, subsection=subsection, size=2)
    answer(user, session.items.get(position=1), correct=True)
    session.refresh_from_db()
    assert session.finished_at is None
    answer(user, session.items.get(position=2), correct=True)
    session.refresh_from_db()
    assert session.finished_at is not None
