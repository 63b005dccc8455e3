"""A card built by two transactions at once (issue 23, mutation testing).

The first learner answer of a question builds its card; the backfill builds
cards from older history. When both build the same card at once, the second
must retry against the card the first made. See tests/quizbank/test_races_pinned.py
for how the first transaction is held without sleeping.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizbank import services as quiz
from quizbank.models import Attempt
from quizbank.signals import attempt_recorded
from srs import services
from srs.models import Card, ReviewLog
from tests.factories import QuestionFactory, UserFactory
from tests.quizbank.test_races_pinned import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs Postgres's row locks"),
]


def test_the_backfill_and_an_answer_building_the_same_card_leave_one_card():
    user, q = UserFactory(), QuestionFactory()
    miss = q.choices.filter(correct=False).first()
    Attempt.objects.create(  # history from before cards: no card yet
        user=user, question=q, choice=miss, correct=False, created_at=timezone.now()
    )
    item = quiz.session_create(user=user, question_ids=[q.pk], title="t").items.get()
    key = q.choices.get(correct=True)
    built = []

    errors = race(
        lambda: quiz.attempt_record(user=user, item=item, choice_id=key.pk),
        lambda: built.append(services.cards_backfill(user_ids=[user.pk])),
        attempt_recorded,
        {},
    )
    assert errors == {}
    card = Card.objects.get(user=user, question=q)
    kinds = sorted(ReviewLog.objects.filter(card=card).values_list("kind", flat=True))
    # The answer made the card; the backfill's miss then came before it was due.
    assert kinds == ["early", "new"]
    assert (card.reps, built) == (2, [1])
    assert card.due - card.last_review < timedelta(days=2)
