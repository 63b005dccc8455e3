"""Simulated learners under our scheduler, for 180 days.

Each learner's true memory follows a known forgetting curve (FSRS-6 with its
default parameters, updated by whether they really recalled). Questions have
four options: a learner who has forgotten still guesses right one time in four,
and our scheduler sees only right (Good) or wrong (Again), exactly as in the
app. We report realised retention (true recall when a review falls due)
against desired retention, the right-answer rate the app sees, reviews per day,
and the peak day's load over the mean. Prints figures; asserts nothing.
"""

import math
import os
import random
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
import django

django.setup()

import fsrs  # noqa: E402

from srs.scheduling import day_stamp, scheduler  # noqa: E402

DAYS = 180
LEARNERS = int(os.environ.get("SIM_LEARNERS", 30))
QUESTIONS = 400
NEW_PER_DAY = 10
REVIEW_LIMIT = 200
OPTIONS = 4
START = date(2026, 1, 1)


class Memory:
    """The learner's true memory of one question (the known curve)."""

    model = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)

    def __init__(self):
        self.card = fsrs.Card(card_id=1, due=day_stamp(START))

    def recall_probability(self, day: date) -> float:
        return self.model.get_card_retrievability(self.card, day_stamp(day))

    def update(self, recalled: bool, day: date) -> None:
        rating = fsrs.Rating.Good if recalled else fsrs.Rating.Again
        self.card, _ = self.model.review_card(self.card, rating, day_stamp(day))


def simulate(retention: float, rng: random.Random) -> dict:
    ours = scheduler(retention)
    load = [0] * DAYS
    due_recall, due_right = [], []
    for _ in range(LEARNERS):
        # question -> (our card, true memory); a question enters at its first answer.
        cards: dict[int, tuple[fsrs.Card, Memory]] = {}
        next_new = 0
        for d in range(DAYS):
            today = START + timedelta(days=d)
            stamp = day_stamp(today)
            due = [
                q for q, (c, _) in cards.items() if c.due <= stamp
            ]  # due today or overdue, most overdue relative to interval first
            due.sort(
                key=lambda q: (
                    -(stamp - cards[q][0].due)
                    / max(cards[q][0].due - cards[q][0].last_review, timedelta(days=1))
                )
            )
            todays = due[:REVIEW_LIMIT]
            for q in todays:
                card, memory = cards[q]
                p = memory.recall_probability(today)
                recalled = rng.random() < p
                right = recalled or rng.random() < 1 / OPTIONS
                due_recall.append(recalled)
                due_right.append(right)
                memory.update(recalled, today)
                rating = fsrs.Rating.Good if right else fsrs.Rating.Again
                cards[q] = (ours.review_card(card, rating, stamp)[0], memory)
            for _ in range(min(NEW_PER_DAY, QUESTIONS - next_new)):
                memory = Memory()
                # A new question: the learner knows it beforehand one time in three.
                recalled = rng.random() < 1 / 3
                right = recalled or rng.random() < 1 / OPTIONS
                memory.update(recalled, today)
                card = fsrs.Card(card_id=1, due=stamp)
                rating = fsrs.Rating.Good if right else fsrs.Rating.Again
                cards[next_new] = (ours.review_card(card, rating, stamp)[0], memory)
                next_new += 1
            load[d] += len(todays)
    per_day = [n / LEARNERS for n in load]
    steady = per_day[60:]
    return {
        "retention": retention,
        "realised": statistics.mean(due_recall),
        "right": statistics.mean(due_right),
        "per_day": statistics.mean(per_day),
        "steady": statistics.mean(steady),
        "peak_over_mean": max(steady) / statistics.mean(steady),
    }


def main() -> None:
    rng = random.Random(20260101)
    print(
        f"{LEARNERS} learners × {DAYS} days, {NEW_PER_DAY} new questions a day "
        f"(of {QUESTIONS}), {OPTIONS}-option questions, fuzz on"
    )
    print("desired  realised  diff   right-rate  reviews/day  (days 60–180)  peak/mean")
    for retention in (0.80, 0.85, 0.90, 0.95):
        r = simulate(retention, rng)
        diff = 100 * (r["realised"] - r["retention"])
        print(
            f"  {r['retention']:.2f}     {r['realised']:.3f}  {diff:+5.1f}    {r['right']:.3f}"
            f"       {r['per_day']:6.1f}       {r['steady']:6.1f}        {r['peak_over_mean']:.2f}"
        )
    assert not math.isnan(r["realised"])


if __name__ == "__main__":
    main()
