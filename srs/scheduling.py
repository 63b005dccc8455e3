"""FSRS, fed with study days.

We hand FSRS timestamps at midnight UTC of each study day, so the elapsed days
it sees are exactly the study days between reviews, and the interval it returns
lands on a study day; the card then falls due at the start of that day in the
learner's own time zone. Quiz questions skip FSRS's minute-long learning steps:
the learner has just read the explanation, so a first miss comes back the next
day, a lapse as soon as its post-lapse stability says, and a right answer later.
"""

from datetime import UTC, date, datetime

import fsrs
from django.conf import settings


def day_stamp(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# With four options a learner who has forgotten still answers right one time in
# four; FSRS reads that as recall and grows the interval. We aim the scheduler at
# a slightly higher retention so that true recall lands on the learner's target
# (bench/srs_simulation.py measures it).
GUESS_FACTOR = 0.7


def scheduled_retention(desired_retention: float) -> float:
    return 1 - (1 - desired_retention) * GUESS_FACTOR


def scheduler(desired_retention: float) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=scheduled_retention(desired_retention),
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=getattr(settings, "SRS_ENABLE_FUZZ", True),
    )


def review(
    *,
    state: int | None,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    last_day: date | None,
    due_day: date | None,
    today: date,
    rating: int,
    desired_retention: float,
) -> tuple[fsrs.Card, date]:
    """Review a card (state None = a new card) on study day `today`:
    its new FSRS state and the study day it falls due next."""
    # fsrs never reads a card's id or `due` when reviewing, and `step` is None for
    # every card without learning steps (ours); the id is given only because
    # without one fsrs sleeps a millisecond to make one. Mutating these lines
    # cannot change a schedule: `make mutation` skips them (docs/mutation.md).
    if state is None:
        card = fsrs.Card(card_id=1, due=day_stamp(today))  # pragma: no mutate
    else:
        card = fsrs.Card(
            card_id=1,  # pragma: no mutate
            state=fsrs.State(state),
            step=step,  # pragma: no mutate
            stability=stability,
            difficulty=difficulty,
            due=day_stamp(due_day or today),  # pragma: no mutate
            last_review=day_stamp(last_day) if last_day else None,
        )
    card, _ = scheduler(desired_retention).review_card(
        card, fsrs.Rating(rating), review_datetime=day_stamp(today)
    )
    return card, card.due.date()
