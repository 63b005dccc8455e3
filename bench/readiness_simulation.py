"""Is the readiness forecast calibrated? Simulated learners follow the plan.

Each learner has a known ability per subsection (a Rasch model of "knows it"
before studying, with question difficulties that differ from their YAML labels)
and a known forgetting curve (FSRS-6 with default parameters, updated by whether
they really recalled, as in bench/srs_simulation.py). Questions have four
options, so a learner who does not know guesses right one time in four; the app
sees only right or wrong. Every learner sets an interview date 30–90 days out
and a time a day, misses days at their own rate, and each study day does the
plan (the reviews due, then the new questions it picks). Seven days before the
date we take the forecast; on the date they sit a syllabus mock (40 questions
drawn in proportion to the syllabus targets). Question difficulties start from
a background population's first answers. Prints figures; asserts nothing.
"""

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

from quizbank.bank import read_bank  # noqa: E402
from readiness import model  # noqa: E402
from srs.scheduling import day_stamp, scheduler  # noqa: E402

LEARNERS = int(os.environ.get("SIM_LEARNERS", 300))
SEED = int(os.environ.get("SIM_SEED", 20260105))
OUT = 7  # days before the date the forecast is taken
START = date(2026, 1, 5)
ROOT = Path(__file__).resolve().parents[1]


class Memory:
    """The learner's true memory of one question (the known curve)."""

    model = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)

    def __init__(self, day: date):
        self.card = fsrs.Card(card_id=1, due=day_stamp(day))

    def recall(self, day: date) -> float:
        return self.model.get_card_retrievability(self.card, day_stamp(day))

    def update(self, recalled: bool, day: date) -> None:
        rating = fsrs.Rating.Good if recalled else fsrs.Rating.Again
        self.card, _ = self.model.review_card(self.card, rating, day_stamp(day))


def the_bank(rng: random.Random) -> tuple[model.Bank, dict[int, float]]:
    """The real bank's syllabus and labels; true difficulties scattered around
    the labels; estimated ones from a background population's first answers."""
    data = read_bank(ROOT / "fixtures" / "questionbank")
    targets, section_of = {}, {}
    for section in data.sections:
        for sub in section["subsections"]:
            targets[str(sub["number"])] = int(sub.get("target") or 1)
            section_of[str(sub["number"])] = str(section["number"])
    items, truth = [], {}
    for qid, q in enumerate(data.questions):
        b_true = model.YAML_B[q.difficulty] + rng.gauss(0, 0.6)
        n = rng.randint(0, 40)
        right = sum(
            rng.random() < model.with_guess(model.sigmoid(rng.gauss(0, 1) - b_true))
            for _ in range(n)
        )
        items.append(
            model.Item(
                qid,
                q.subsection,
                section_of[q.subsection],
                model.item_difficulty(q.difficulty, n, right),
            )
        )
        truth[qid] = b_true
    return model.Bank(tuple(items), targets), truth


def simulate(
    bank: model.Bank, truth: dict[int, float], rng: random.Random
) -> tuple[float, float, float, float]:
    """One learner: (forecast mean, low, high, mock score)."""
    base = rng.gauss(-0.3, 0.8)
    theta = {s: base + rng.gauss(0, 0.6) for s in bank.targets}
    days = rng.randint(30, 90)
    minutes = rng.choice([20, 30, 45, 60])
    seconds = rng.uniform(25, 60)
    miss = rng.uniform(0, 0.3)
    date_on = START + timedelta(days=days)
    ours = scheduler(0.9)
    by_id = {i.id: i for i in bank.items}
    cards: dict[int, fsrs.Card] = {}
    memory: dict[int, Memory] = {}
    firsts: list[tuple[int, bool]] = []
    studied: list[bool] = []
    forecast = None

    def learner() -> model.Learner:
        return model.Learner(
            cards=[
                model.CardState(
                    q,
                    int(c.state),
                    c.step,
                    c.stability,
                    c.difficulty,
                    c.last_review.date(),
                    c.due.date(),
                )
                for q, c in cards.items()
            ],
            first_answers=list(firsts),
            seconds_per_answer=seconds,
            adherence=model.adherence(studied),
        )

    for d in range(days):
        today = START + timedelta(days=d)
        if d == days - OUT:
            forecast = model.forecast(bank, learner(), today=today, on=date_on, minutes=minutes)
        studied.append(rng.random() >= miss)
        if not studied[-1]:
            continue
        _, new_ids = model.plan_today(bank, learner(), today=today, minutes=minutes)
        stamp = day_stamp(today)
        due = [q for q, c in cards.items() if c.due <= stamp]
        for q in due:
            p = memory[q].recall(today)
            recalled = rng.random() < p
            right = recalled or rng.random() < model.GUESS
            memory[q].update(recalled, today)
            rating = fsrs.Rating.Good if right else fsrs.Rating.Again
            cards[q] = ours.review_card(cards[q], rating, stamp)[0]
        for q in new_ids:
            item = by_id[q]
            knows = rng.random() < model.sigmoid(theta[item.subsection] - truth[q])
            right = knows or rng.random() < model.GUESS
            memory[q] = Memory(today)
            memory[q].update(knows, today)
            rating = fsrs.Rating.Good if right else fsrs.Rating.Again
            cards[q] = ours.review_card(fsrs.Card(card_id=1, due=stamp), rating, stamp)[0]
            firsts.append((q, right))

    right = 0
    mock = model.mock_draw(bank, rng)
    for q in mock:
        if q in memory:
            r = memory[q].recall(date_on)
            p = r + (1 - r) * model.GUESS
        else:
            p = model.with_guess(model.sigmoid(theta[by_id[q].subsection] - truth[q]))
        right += rng.random() < p
    score = 100 * right / len(mock)
    return forecast.plan.mean, forecast.plan.low, forecast.plan.high, score


def main() -> None:
    rng = random.Random(SEED)
    bank, truth = the_bank(rng)
    rows = [simulate(bank, truth, rng) for _ in range(LEARNERS)]
    errors = [abs(mean - score) for mean, _, _, score in rows]
    bias = statistics.mean(mean - score for mean, _, _, score in rows)
    covered = [low <= score <= high for _, low, high, score in rows]
    print(
        f"{LEARNERS} learners, 30–90 days, 20–60 minutes a day, 0–30% of days missed; "
        f"{len(bank.items)} questions"
    )
    print(
        f"mock score mean {statistics.mean(r[3] for r in rows):.1f}, "
        f"forecast bias {bias:+.1f} points, "
        f"interval width {statistics.mean(r[2] - r[1] for r in rows):.1f} points"
    )
    print(
        f"readiness forecast: MAE {statistics.mean(errors):.1f} points at {OUT} days out; "
        f"80% interval covers {100 * statistics.mean(covered):.0f}%"
    )


if __name__ == "__main__":
    main()
