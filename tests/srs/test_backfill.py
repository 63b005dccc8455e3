from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from quizbank.models import Attempt
from srs.models import Card, ReviewLog
from srs.services import cards_backfill
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_history_from_before_cards_is_replayed_once(capsys):
    user, q = UserFactory(), QuestionFactory()
    key = q.choices.get(correct=True)
    wrong = q.choices.filter(correct=False).first()
    now = timezone.now()
    for days_ago, choice in ((30, wrong), (20, key), (5, key)):
        Attempt.objects.create(
            user=user,
            question=q,
            choice=choice,
            correct=choice.correct,
            created_at=now - timedelta(days=days_ago),
        )
    assert not Card.objects.exists()

    call_command("srs_backfill")
    card = Card.objects.get(user=user, question=q)
    assert card.reps == 3 and card.due > now - timedelta(days=5)
    assert ReviewLog.objects.filter(card=card).count() == 3
    assert "Cards built: 1" in capsys.readouterr().out

    assert cards_backfill() == 0  # a second run changes nothing
    assert ReviewLog.objects.count() == 3
