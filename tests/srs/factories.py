from datetime import date, timedelta

from quizbank.models import Question
from srs.days import DayRule
from srs.models import Card


def card_due(user, day: date, *, question: Question | None = None, interval: int = 3, **fields):
    """A review card for `user` falling due at the start of study day `day`,
    last reviewed `interval` days before."""
    from tests.factories import QuestionFactory

    rule = DayRule.for_user(user)
    values = {
        "state": Card.State.REVIEW,
        "stability": 3.0,
        "difficulty": 5.0,
        "due": rule.start(day),
        "last_review": rule.start(day - timedelta(days=interval)),
        "reps": 1,
        **fields,
    }
    return Card.objects.create(user=user, question=question or QuestionFactory(), **values)
