"""Spaced-repetition writes (FSRS). Filled in by the spaced-repetition issue."""

from quizbank.models import Attempt


def card_record_attempt(*, attempt: Attempt, in_review: bool) -> None:
    """Update the learner's card for the attempt's question.

    Called inside attempt recording's transaction, once per stored attempt.
    `in_review` is true when the attempt was made in a spaced-review session.
    """
