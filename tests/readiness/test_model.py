"""The forecast's pieces on small cases worked out by hand."""

import math
import random
from datetime import date, timedelta

import pytest

from readiness import model as m

TODAY = date(2026, 3, 10)
# FSRS-6's forgetting curve with its default decay: R(t, S) = (1 + F·t/S)^-decay.
DECAY = 0.1542
FACTOR = 0.9 ** (-1 / DECAY) - 1
S_GOOD = 2.3065  # a new card's stability after a first Good (FSRS-6 default w2)
GUESS_FACTOR = 0.7  # srs.scheduling: a card's forgetting, seen through guesses, is 0.7 of the true


def true_recall(days: float, stability: float) -> float:
    apparent = (1 + FACTOR * days / stability) ** -DECAY
    return 1 - (1 - apparent) / GUESS_FACTOR


def bank(n: int = 4, subsections=("1.1",), difficulty: str = "medium") -> m.Bank:
    items = tuple(
        m.Item(i, subsections[i % len(subsections)], "1", m.item_difficulty(difficulty))
        for i in range(n)
    )
    return m.Bank(items, {s: 10 for s in subsections}, {"1": "Basics"})


def right_yesterday(question_id: int) -> m.CardState:
    return m.CardState(
        question_id=question_id,
        state=2,
        step=None,
        stability=S_GOOD,
        difficulty=5.0,
        last_day=TODAY - timedelta(days=1),
        due_day=TODAY + timedelta(days=2),
    )


def test_medium_question_is_fifty_fifty_for_an_average_learner():
    # The YAML label alone: "medium" means the average learner knows it half the time.
    assert m.item_difficulty("medium") == pytest.approx(0.0, abs=1e-9)
    assert m.item_difficulty("easy") < 0 < m.item_difficulty("hard")


def test_item_difficulty_moves_from_the_yaml_label_with_first_answers():
    # 20 prior answers at 62.5% right plus 30 first answers all right: 85% right.
    b = m.item_difficulty("medium", first_answers=30, first_right=30)
    knows = (((30 + 20 * 0.625) / 50) - 0.25) / 0.75
    assert b == pytest.approx(-math.log(knows / (1 - knows)))


def test_no_answers_forecasts_the_guess_adjusted_prior_with_not_enough_evidence():
    result = m.forecast(
        bank(), m.Learner(cards=[], first_answers=[]), today=TODAY, on=TODAY, minutes=30
    )
    # θ = 0, b = 0: knows one time in two, so right 1/4 + 3/4 · 1/2 = 62.5%.
    assert result.stop.mean == pytest.approx(62.5)
    assert result.plan.mean == pytest.approx(62.5)
    assert not result.plan.enough
    assert result.answers == 0
    # Wide: the mock's own noise plus not knowing θ at all (prior sd 1.5).
    assert result.plan.high - result.plan.low > 30


def test_all_right_yesterday_projects_recall_to_today_plus_the_guess_floor():
    learner = m.Learner(
        cards=[right_yesterday(q) for q in range(4)], first_answers=[(q, True) for q in range(4)]
    )
    result = m.forecast(bank(), learner, today=TODAY, on=TODAY, minutes=30)
    # One day after: the card says 0.9468; undoing the guesses it counted, 0.9241.
    recall = true_recall(1, S_GOOD)
    assert recall == pytest.approx(0.9241, abs=1e-4)
    p = recall + (1 - recall) / 4  # 0.9431
    assert result.stop.mean == pytest.approx(100 * p, abs=0.01)
    # Interval: the mock's sampling variance p(1-p)/40 plus the memory model's 3 points.
    half = 1.2816 * math.sqrt(p * (1 - p) / 40 + 0.03**2)
    assert result.stop.low == pytest.approx(100 * (p - half), abs=0.01)
    assert result.stop.high == 100  # clipped
    assert result.reviews_today == 0 and result.new_today == []


def test_a_date_in_the_past_is_forecast_as_today():
    learner = m.Learner(cards=[right_yesterday(0)], first_answers=[(0, True)])
    past = m.forecast(bank(), learner, today=TODAY, on=TODAY - timedelta(days=5), minutes=30)
    today = m.forecast(bank(), learner, today=TODAY, on=TODAY, minutes=30)
    assert past.date == TODAY and past.days_left == 0
    assert past.plan == today.plan
    assert past.plan == past.stop  # no days left to follow a plan
    assert past.new_today == []


def test_stopping_now_forgets_and_the_plan_keeps_recall_up():
    learner = m.Learner(cards=[right_yesterday(q) for q in range(4)], first_answers=[])
    result = m.forecast(bank(), learner, today=TODAY, on=TODAY + timedelta(days=60), minutes=30)
    assert result.stop.mean < result.plan.mean
    assert result.plan.mean > 90


def test_wrong_first_answers_lower_the_subsection_ability():
    b = bank(8, subsections=("1.1", "1.2"))
    firsts = [(i.id, i.subsection == "1.1") for i in b.items]
    ab = m.abilities([(i, right) for i, (_, right) in zip(b.items, firsts, strict=True)])
    assert ab.of("1.1").theta > ab.theta > ab.of("1.2").theta
    assert ab.of("9.9").theta == ab.theta  # no answers: the overall ability


def test_the_interval_narrows_as_the_learner_answers():
    b = bank(200, subsections=("1.1", "1.2", "1.3", "1.4"))
    widths = []
    for n in (0, 20, 100):
        learner = m.Learner(cards=[], first_answers=[(q, q % 3 != 0) for q in range(n)])
        r = m.forecast(b, learner, today=TODAY, on=TODAY, minutes=30)
        widths.append(r.stop.high - r.stop.low)
        assert r.stop.enough == (n >= m.MIN_ANSWERS)
    assert widths[0] > widths[1] > widths[2]


def test_todays_plan_fills_the_minutes_after_reviews():
    b = bank(100, subsections=("1.1", "1.2"))
    cards = [right_yesterday(q) for q in range(6)]
    cards = [
        m.CardState(c.question_id, 2, None, S_GOOD, 5.0, TODAY - timedelta(days=3), TODAY)
        for c in cards
    ]
    learner = m.Learner(cards=cards, first_answers=[], seconds_per_answer=60)
    r = m.forecast(b, learner, today=TODAY, on=TODAY + timedelta(days=20), minutes=20)
    assert r.reviews_today == 6
    assert len(r.new_today) == 20 - 6  # 20 minutes at a minute an answer
    assert set(r.new_today).isdisjoint(range(6))
    assert r.minutes_today == 20
    assert len(r.due_forecast) == 14 and r.due_forecast[0] == 6  # reviews, not new ones


def test_new_questions_cover_every_subsection_first():
    b = bank(40, subsections=("1.1", "1.2", "1.3", "1.4"))
    ab = m.abilities([])
    first_four = {b.items[q].subsection for q in [i.id for i in m.rank_new(b, set(), ab)[:4]]}
    assert first_four == {"1.1", "1.2", "1.3", "1.4"}


def test_minutes_needed_reaches_the_target():
    b = bank(300, subsections=("1.1", "1.2"))
    learner = m.Learner(cards=[], first_answers=[(q, False) for q in range(20)])
    on = TODAY + timedelta(days=14)
    needed = m.minutes_needed(b, learner, today=TODAY, on=on, target=85)
    assert needed is not None and needed % 5 == 0
    assert m.forecast(b, learner, today=TODAY, on=on, minutes=needed).plan.mean >= 85
    if needed > 5:
        assert m.forecast(b, learner, today=TODAY, on=on, minutes=needed - 5).plan.mean < 85


def test_a_mock_draws_in_proportion_to_the_syllabus():
    weights = {"1.1": 0.5, "1.2": 0.25, "1.3": 0.25}
    for seed in range(20):
        counts = m.mock_counts(weights, ["1.1", "1.2", "1.3"], random.Random(seed))
        assert counts == {"1.1": 20, "1.2": 10, "1.3": 10}
    odd = {"1.1": 0.33, "1.2": 0.33, "1.3": 0.34}
    counts = m.mock_counts(odd, ["1.1", "1.2", "1.3"], random.Random(1))
    assert sum(counts.values()) == 40 and all(13 <= n <= 14 for n in counts.values())


def test_the_plan_keeps_the_learners_daily_new_question_limit():
    """Found on 1 December: with 30 minutes a day the plan offered 40 new
    questions while the learner's profile allows 10 a day and the review page
    offered 10. Today takes what is left of the limit; later days the limit."""
    b = bank(300, subsections=("1.1", "1.2"))
    free = m.Learner(cards=[], first_answers=[], seconds_per_answer=30)
    limited = m.Learner(
        cards=[], first_answers=[], seconds_per_answer=30, new_room=4, new_per_day=10
    )
    on = TODAY + timedelta(days=10)
    wide = m.forecast(b, free, today=TODAY, on=on, minutes=30)
    narrow = m.forecast(b, limited, today=TODAY, on=on, minutes=30)
    assert len(wide.new_today) == 60 and len(narrow.new_today) == 4
    assert narrow.minutes_today == 2
    assert narrow.plan.mean < wide.plan.mean  # ten a day cover less of the bank
    assert m.plan_today(b, limited, today=TODAY, minutes=30) == (0, narrow.new_today)
