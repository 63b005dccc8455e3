"""The readiness forecast and the daily plan, as pure functions of plain data.

No database here: `services.py` reads the learner's cards and answers, calls
`forecast()`, and stores the result; `bench/readiness_simulation.py` calls the
same functions for simulated learners and checks the forecast is calibrated.

The score forecast is for a *syllabus mock*: MOCK_SIZE questions, each
subsection's share in proportion to its syllabus target, questions drawn at
random within a subsection. For every question we need the chance the learner
answers it right on the date:

- answered before (it has an FSRS card): the card's recall R projected to the
  date, plus the guess floor: p = R + (1 - R) / 4;
- unseen: a one-parameter logistic (Rasch) model of "knows it", plus the guess
  floor: p = 1/4 + 3/4 · σ(θ_s − b_q), with θ_s the learner's ability in the
  subsection and b_q the question's difficulty from all learners' first answers
  (the YAML difficulty while it has few).

"Plan followed" projects the schedule forward: every card is reviewed on the
day it falls due (rated Good, the likely outcome) and the plan brings in new
questions each day with the minutes left after reviews; "stop now" lets every
card decay untouched. The 80% interval adds the mock's own sampling variance
(a sum of Bernoullis) to the uncertainty of θ and of the memory model.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import fsrs

from srs.scheduling import GUESS_FACTOR, day_stamp, scheduled_retention

GUESS = 0.25  # four options: a learner who does not know still guesses right one time in four
MOCK_SIZE = 40
MOCK_SECONDS = 90
Z80 = 1.2816  # the 80% interval of a normal distribution is ±1.28 σ
MIN_ANSWERS = 20  # fewer first answers than this: "not enough evidence yet"
MIN_SECTION_ANSWERS = 5
YAML_B = {"easy": -1.0, "medium": 0.0, "hard": 1.0}
PRIOR_ANSWERS = 20  # the YAML difficulty counts as this many first answers
ABILITY_PRIOR_SD = 1.5  # the learner's overall ability θ_g ~ N(0, 1.5²)
SUBSECTION_SD = 0.8  # each subsection's ability θ_s ~ N(θ_g, 0.8²)
MEMORY_SD = 0.03  # how far the forgetting curve may be off for this learner (recall points)
LEARNED_P = 0.95  # a question practised under the schedule, on the day: for ranking new ones
DEFAULT_SECONDS = 45
MAX_PROJECTED_REVIEWS = 30


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, x))))


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def with_guess(knows: float) -> float:
    return GUESS + (1 - GUESS) * knows


# Items and abilities ---------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: int
    subsection: str  # the subsection's number, e.g. "2.3"
    section: str
    b: float  # Rasch difficulty of "knows it"


def item_difficulty(yaml_difficulty: str, first_answers: int = 0, first_right: int = 0) -> float:
    """Difficulty from all learners' first answers, starting from the YAML label:
    the label counts as PRIOR_ANSWERS answers at the rate it implies."""
    prior_right = with_guess(sigmoid(-YAML_B.get(yaml_difficulty, 0.0)))
    rate = (first_right + PRIOR_ANSWERS * prior_right) / (first_answers + PRIOR_ANSWERS)
    knows = min(0.98, max(0.02, (rate - GUESS) / (1 - GUESS)))
    return -logit(knows)


@dataclass(frozen=True)
class Ability:
    """θ_s = θ_g·shrink + (its own answers): its variance is local + shrink²·var(θ_g)."""

    theta: float
    local: float  # variance of θ_s given θ_g
    shrink: float  # how much of θ_g's uncertainty it carries (1: no answers of its own)
    answers: int


@dataclass(frozen=True)
class Abilities:
    theta: float  # overall ability θ_g
    var: float  # its posterior variance
    answers: int
    by_subsection: dict[str, Ability]

    def of(self, subsection: str) -> Ability:
        return self.by_subsection.get(subsection) or Ability(self.theta, SUBSECTION_SD**2, 1.0, 0)


def _map_theta(
    responses: Sequence[tuple[float, bool]], mean: float, sd: float
) -> tuple[float, float]:
    """MAP of θ under p = 1/4 + 3/4·σ(θ − b) with a normal prior; (θ, information)."""
    theta = mean
    info = 0.0
    for _ in range(25):
        grad, info = -(theta - mean) / sd**2, 1 / sd**2
        for b, right in responses:
            s = sigmoid(theta - b)
            p = with_guess(s)
            dp = (1 - GUESS) * s * (1 - s)
            grad += (right - p) / (p * (1 - p)) * dp
            info += dp * dp / (p * (1 - p))
        step = grad / info
        theta += max(-1.0, min(1.0, step))
        if abs(step) < 1e-6:
            break
    return theta, info


def abilities(first_answers: Iterable[tuple[Item, bool]]) -> Abilities:
    """The learner's ability overall and per subsection from their first answers
    (an answer to a question seen before says more about memory than ability)."""
    answers = list(first_answers)
    g_theta, g_info = _map_theta([(i.b, r) for i, r in answers], 0.0, ABILITY_PRIOR_SD)
    grouped: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for item, right in answers:
        grouped[item.subsection].append((item.b, right))
    by_sub = {}
    for sub, responses in grouped.items():
        theta, info = _map_theta(responses, g_theta, SUBSECTION_SD)
        # Shrunk toward θ_g: its uncertainty carries over in proportion to the shrinkage.
        by_sub[sub] = Ability(theta, 1 / info, (1 / SUBSECTION_SD**2) / info, len(responses))
    return Abilities(g_theta, 1 / g_info, len(answers), by_sub)


# Memory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CardState:
    question_id: int
    state: int
    step: int | None
    stability: float
    difficulty: float
    last_day: date
    due_day: date


_MODEL = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def _fsrs_card(c: CardState) -> fsrs.Card:
    return fsrs.Card(
        card_id=1,
        state=fsrs.State(c.state),
        step=c.step,
        stability=c.stability,
        difficulty=c.difficulty,
        due=day_stamp(c.due_day),
        last_review=day_stamp(c.last_day),
    )


def recall_on(card: fsrs.Card, day: date) -> float:
    """True recall on `day`. The card's own figure is too kind: guesses that came
    out right counted as recalls when it was scheduled. The scheduler makes up for
    that by aiming at 1 − (1 − R)·GUESS_FACTOR (srs/scheduling.py, measured by
    bench-srs); here we undo the same factor."""
    apparent = _MODEL.get_card_retrievability(card, day_stamp(day))
    return max(0.0, 1 - (1 - apparent) / GUESS_FACTOR)


class Projector:
    """Cards reviewed on the day they fall due, rated Good, until `until`."""

    def __init__(self, retention: float, until: date):
        self.scheduler = fsrs.Scheduler(
            desired_retention=scheduled_retention(retention),
            learning_steps=(),
            relearning_steps=(),
            enable_fuzzing=False,
        )
        self.until = until
        self._new: dict[tuple[int, bool], tuple[float, list[int]]] = {}
        self.cards: dict[int, tuple[float, float, list[date]]] = {}  # id -> (stop, plan, days)

    def card(self, c: CardState, today: date) -> tuple[float, float, list[date]]:
        """A card's recall on the date if left alone and if reviewed when due. Memoised."""
        if c.question_id not in self.cards:
            card = _fsrs_card(c)
            stop = recall_on(card, self.until)
            plan, days = self.run(card, c.due_day, today) if self.until > today else (stop, [])
            self.cards[c.question_id] = (stop, plan, days)
        return self.cards[c.question_id]

    def run(self, card: fsrs.Card, due: date, today: date) -> tuple[float, list[date]]:
        """(recall on `until`, the review days before it); an overdue card is reviewed today."""
        days = []
        day = max(due, today)
        while day < self.until and len(days) < MAX_PROJECTED_REVIEWS:
            days.append(day)
            card, _ = self.scheduler.review_card(card, fsrs.Rating.Good, day_stamp(day))
            day = card.due.date()
        return recall_on(card, self.until), days

    def new(self, days_left: int, right: bool) -> tuple[float, list[int]]:
        """A question first answered `days_left` days before the date: its recall
        then and its reviews (as days after the first answer). Memoised."""
        key = (days_left, right)
        if key not in self._new:
            start = self.until - timedelta(days=days_left)
            card, _ = self.scheduler.review_card(
                fsrs.Card(card_id=1, due=day_stamp(start)),
                fsrs.Rating.Good if right else fsrs.Rating.Again,
                day_stamp(start),
            )
            recall, days = self.run(card, card.due.date(), start)
            self._new[key] = (recall, [(d - start).days for d in days])
        return self._new[key]


# The forecast ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bank:
    items: tuple[Item, ...]
    targets: dict[str, int]  # syllabus target per subsection number
    section_titles: dict[str, str] = field(default_factory=dict)

    def weights(self) -> dict[str, float]:
        """Each subsection's share of a mock (subsections with no questions drop out)."""
        present = dict.fromkeys(i.subsection for i in self.items)  # in bank order: reproducible
        total = sum(self.targets.get(s, 0) for s in present) or 1
        return {s: self.targets.get(s, 0) / total for s in present}


UNLIMITED = 10_000  # a daily limit no plan reaches


@dataclass
class Learner:
    cards: list[CardState]
    first_answers: list[tuple[int, bool]]  # (question id, right at first answer)
    retention: float = 0.9
    seconds_per_answer: float = DEFAULT_SECONDS
    answered_today: int = 0
    review_room: int = UNLIMITED  # reviews still allowed today (the daily review limit)
    new_room: int = UNLIMITED  # new questions still allowed today (the daily new limit)
    new_per_day: int = UNLIMITED  # new questions allowed on each later day
    adherence: float = 1.0  # share of study days the learner has kept lately


@dataclass(frozen=True)
class Score:
    """A forecast score in points (0–100) with its 80% interval."""

    mean: float
    low: float
    high: float
    enough: bool

    def as_dict(self) -> dict:
        return {
            "mean": round(self.mean, 1),
            "low": round(self.low, 1),
            "high": round(self.high, 1),
            "enough": self.enough,
        }


@dataclass
class Result:
    date: date
    days_left: int
    plan: Score
    stop: Score
    sections: dict[str, tuple[Score, Score]]  # section number -> (plan, stop)
    reviews_today: int
    new_today: list[int]  # question ids, in the order to take them
    minutes_today: int
    due_forecast: list[int]  # reviews due on each of the next 14 days (plan followed)
    answers: int


def _score(
    parts: dict[str, tuple[float, float, float]],
    weights: dict[str, float],
    mock_size: float,
    g_slope: float,
    g_var: float,
    enough: bool,
) -> Score:
    """parts: subsection -> (mean p, ∂mean/∂θ_s · √var_local, share seen)."""
    total = sum(weights[s] for s in parts) or 1
    mean = sum(weights[s] * m for s, (m, _, _) in parts.items()) / total
    sampling = sum(weights[s] * m * (1 - m) for s, (m, _, _) in parts.items()) / total / mock_size
    local = sum((weights[s] / total) ** 2 * d**2 for s, (_, d, _) in parts.items())
    seen = sum(weights[s] * f for s, (_, _, f) in parts.items()) / total
    var = sampling + local + (g_slope / total) ** 2 * g_var + (MEMORY_SD * seen) ** 2
    half = Z80 * math.sqrt(var)
    return Score(100 * mean, 100 * max(0.0, mean - half), 100 * min(1.0, mean + half), enough)


def rank_new(bank: Bank, seen: set[int], ab: Abilities) -> list[Item]:
    """Unseen questions in the order the plan brings them in: the most forecast
    gained per answer first (weak, heavily weighted subsections), but first one
    question from every subsection not yet touched, so all are covered."""
    weights = bank.weights()
    sizes: dict[str, int] = defaultdict(int)
    for item in bank.items:
        sizes[item.subsection] += 1
    touched = {i.subsection for i in bank.items if i.id in seen}

    def gain(item: Item) -> float:
        p = with_guess(sigmoid(ab.of(item.subsection).theta - item.b))
        return weights[item.subsection] / sizes[item.subsection] * (LEARNED_P - p)

    unseen = sorted((i for i in bank.items if i.id not in seen), key=gain, reverse=True)
    first, rest, covered = [], [], set(touched)
    for item in unseen:
        if item.subsection not in covered:
            covered.add(item.subsection)
            first.append(item)
        else:
            rest.append(item)
    return first + rest


def adherence(studied: Sequence[bool], window: int = 14) -> float:
    """The share of recent study days (up to `window`) the learner studied on,
    shrunk toward 1 while there are few: the plan assumes the same rate ahead."""
    recent = list(studied)[-window:]
    return (sum(recent) + 2) / (len(recent) + 2)


def capacity(minutes: int, seconds_per_answer: float) -> int:
    return int(minutes * 60 // max(1.0, seconds_per_answer))


def plan_today(bank: Bank, learner: Learner, *, today: date, minutes: int) -> tuple[int, list[int]]:
    """Today's plan without the forecast: (reviews due, new question ids in order).
    The same numbers `forecast` gives for its first day."""
    by_id = {i.id: i for i in bank.items}
    seen = {c.question_id for c in learner.cards if c.question_id in by_id}
    reviews = sum(1 for c in learner.cards if c.question_id in by_id and c.due_day <= today)
    reviews = min(reviews, learner.review_room)
    room = max(0, capacity(minutes, learner.seconds_per_answer) - learner.answered_today) - reviews
    room = min(room, learner.new_room)
    if room <= 0:
        return reviews, []
    ab = abilities((by_id[q], r) for q, r in learner.first_answers if q in by_id)
    return reviews, [i.id for i in rank_new(bank, seen, ab)[:room]]


def forecast(
    bank: Bank,
    learner: Learner,
    *,
    today: date,
    on: date,
    minutes: int,
    projector: "Projector | None" = None,
) -> Result:
    """The expected mock score on `on` (a past date counts as today), plan
    followed at `minutes` a day and if the learner stops now, with today's plan."""
    on = max(on, today)
    days_left = (on - today).days
    by_id = {i.id: i for i in bank.items}
    weights = bank.weights()
    firsts = [(by_id[q], r) for q, r in learner.first_answers if q in by_id]
    ab = abilities(firsts)
    enough = len(firsts) >= MIN_ANSWERS
    projector = projector or Projector(learner.retention, on)
    per_day = capacity(minutes, learner.seconds_per_answer)
    horizon = max(days_left, 14)
    load = [0.0] * (horizon + 1)

    p_plan: dict[int, float] = {}
    p_stop: dict[int, float] = {}
    seen: set[int] = set()
    reviews_today = 0
    for c in learner.cards:
        if c.question_id not in by_id:
            continue
        seen.add(c.question_id)
        r_stop, r_plan, days = projector.card(c, today)
        p_stop[c.question_id] = r_stop + (1 - r_stop) * GUESS
        if c.due_day <= today:
            reviews_today += 1
        p_plan[c.question_id] = r_plan + (1 - r_plan) * GUESS
        for d in days:
            load[(d - today).days] += 1
        if c.due_day > on and c.due_day < today + timedelta(days=15):
            load[(c.due_day - today).days] += 1  # falls due after the date: still a review
    reviews_today = min(reviews_today, learner.review_room)

    def p_unseen(item: Item) -> float:
        return with_guess(sigmoid(ab.of(item.subsection).theta - item.b))

    queue = rank_new(bank, seen, ab)
    new_today: list[int] = []
    taken = 0
    for d in range(days_left):
        if d == 0:
            room = min(max(0, per_day - learner.answered_today) - reviews_today, learner.new_room)
        else:
            room = min(
                per_day * learner.adherence - load[d], learner.new_per_day * learner.adherence
            )
        n = max(0, min(int(room), len(queue) - taken))
        for item in queue[taken : taken + n]:
            p0 = p_unseen(item)
            left = days_left - d
            r_good, days_good = projector.new(left, True)
            r_bad, days_bad = projector.new(left, False)
            recall = p0 * r_good + (1 - p0) * r_bad
            p_plan[item.id] = recall + (1 - recall) * GUESS
            for off in days_good:
                load[d + off] += p0
            for off in days_bad:
                load[d + off] += 1 - p0
            if d == 0:
                new_today.append(item.id)
        taken += n

    # Aggregate per subsection.
    items_by_sub: dict[str, list[Item]] = defaultdict(list)
    for item in bank.items:
        items_by_sub[item.subsection].append(item)

    def parts(probs: dict[int, float], section: str | None):
        """subsection -> (mean p, its sd from θ_s given θ_g, share seen); and
        the slope of the weighted mean in θ_g."""
        out, slope = {}, 0.0
        for sub, items in items_by_sub.items():
            if section is not None and items[0].section != section:
                continue
            a = ab.of(sub)
            total, dsum, seen_n = 0.0, 0.0, 0
            for item in items:
                if item.id in probs:
                    total += probs[item.id]
                    seen_n += item.id in seen
                else:
                    p = p_unseen(item)
                    total += p
                    k = (p - GUESS) / (1 - GUESS)
                    dsum += (1 - GUESS) * k * (1 - k)
            d_mean = dsum / len(items)
            out[sub] = (total / len(items), d_mean * math.sqrt(a.local), seen_n / len(items))
            slope += weights[sub] * d_mean * a.shrink
        return out, slope

    def score(probs: dict[int, float], section: str | None = None) -> Score:
        p, slope = parts(probs, section)
        share = sum(weights[s] for s in p)
        sec_answers = sum(1 for i, _ in firsts if section is None or i.section == section)
        ok = enough and (section is None or sec_answers >= MIN_SECTION_ANSWERS)
        return _score(p, weights, MOCK_SIZE * share, slope, ab.var, ok)

    sections = {}
    for sec in sorted({i.section for i in bank.items}, key=_natural):
        sections[sec] = (score(p_plan, sec), score(p_stop, sec))
    seconds = (reviews_today + len(new_today)) * learner.seconds_per_answer
    return Result(
        date=on,
        days_left=days_left,
        plan=score(p_plan),
        stop=score(p_stop),
        sections=sections,
        reviews_today=reviews_today,
        new_today=new_today,
        minutes_today=math.ceil(seconds / 60),
        due_forecast=[round(x) for x in load[:14]],
        answers=len(firsts),
    )


def _natural(number: str) -> tuple:
    return tuple(int(x) if x.isdigit() else x for x in number.split("."))


def minutes_needed(
    bank: Bank, learner: Learner, *, today: date, on: date, target: float, limit: int = 240
) -> int | None:
    """The fewest minutes a day (a multiple of 5) whose plan reaches `target`
    points by the date, or None if even `limit` minutes do not."""
    projector = Projector(learner.retention, max(on, today))

    def reaches(minutes: int) -> bool:
        result = forecast(bank, learner, today=today, on=on, minutes=minutes, projector=projector)
        return result.plan.mean >= target

    if not reaches(limit):
        return None
    lo, hi = 1, limit // 5  # in units of 5 minutes
    while lo < hi:
        mid = (lo + hi) // 2
        if reaches(mid * 5):
            hi = mid
        else:
            lo = mid + 1
    return lo * 5


def mock_counts(
    weights: dict[str, float], order: Sequence[str], rng, size: int = MOCK_SIZE
) -> dict[str, int]:
    """How many questions each subsection gets in a mock: systematic sampling in
    proportion to the weights (each gets the floor or ceiling of its share)."""
    counts: dict[str, int] = defaultdict(int)
    step = 1 / size
    point = rng.random() * step
    cumulative = 0.0
    for sub in order:
        cumulative += weights.get(sub, 0.0)
        while point < cumulative and sum(counts.values()) < size:
            counts[sub] += 1
            point += step
    return dict(counts)


def mock_draw(bank: Bank, rng, size: int = MOCK_SIZE) -> list[int]:
    """A syllabus mock: question ids in syllabus order."""
    by_sub: dict[str, list[int]] = defaultdict(list)
    for item in bank.items:
        by_sub[item.subsection].append(item.id)
    order = sorted(by_sub, key=_natural)
    picked: list[int] = []
    for sub, n in mock_counts(bank.weights(), order, rng, size).items():
        picked += rng.sample(by_sub[sub], min(n, len(by_sub[sub])))
    return picked
