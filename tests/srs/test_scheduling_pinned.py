"""srs.scheduling pinned to figures worked out by hand (issue 23, mutation testing).

The expected figures come from FSRS-6's published formulas and default weights
(w0..w20 = 0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722,
0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912,
0.0658, 0.1542), never from srs.scheduling itself:

- retrievability R(t, S) = (1 + F·t/S)^(-w20), F = 0.9^(-1/w20) - 1 ≈ 0.2345;
- interval I(S, r) = S/F · (r^(-1/w20) - 1), rounded to whole days;
- a new card rated Good: S = w2 = 2.3065, D = w4 - e^(2·w5) + 1 ≈ 2.1181;
  rated Again: S = w0 = 0.212, D = w4 = 6.4133;
- a review card S = 10, D = 5 seen 10 days ago (R = 0.9), rated Good:
  S' = S·(1 + e^w8·(11 - D)·S^-w9·(e^(w10·(1-R)) - 1)) ≈ 32.0267,
  D' = w7·D0(Easy) + (1 - w7)·D ≈ 4.9902, I(32.0267, 0.93) ≈ 19.63 → 20 days;
  rated Again: S' = w11·D^-w12·((S+1)^w13 - 1)·e^(w14·(1-R)) ≈ 1.3920 → 1 day.
"""

from datetime import UTC, date, datetime

import pytest

from srs.scheduling import day_stamp, review, scheduled_retention, scheduler

TODAY = date(2026, 5, 14)
GOOD, AGAIN = 3, 1
REVIEW_STATE = 2


def test_a_day_is_stamped_at_midnight_utc():
    assert day_stamp(date(2026, 5, 14)) == datetime(2026, 5, 14, 0, 0, tzinfo=UTC)
    assert day_stamp(date(2026, 5, 14)).utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("desired", "aimed"),
    # 1 - (1 - desired) × 0.7: a little above the learner's target, never below.
    [(0.9, 0.93), (0.8, 0.86), (0.95, 0.965), (0.7, 0.79), (1.0, 1.0)],
)
def test_the_scheduler_aims_a_little_above_the_learners_retention(desired, aimed):
    assert scheduled_retention(desired) == pytest.approx(aimed)
    assert scheduler(desired).desired_retention == pytest.approx(aimed)


def test_quiz_cards_skip_the_minute_long_learning_steps():
    aimed = scheduler(0.9)
    assert tuple(aimed.learning_steps) == ()
    assert tuple(aimed.relearning_steps) == ()


def test_fuzz_follows_the_setting(settings):
    settings.SRS_ENABLE_FUZZ = False
    assert scheduler(0.9).enable_fuzzing is False
    settings.SRS_ENABLE_FUZZ = True
    assert scheduler(0.9).enable_fuzzing is True


def test_fuzz_is_on_when_a_settings_module_leaves_it_out(settings):
    del settings.SRS_ENABLE_FUZZ
    assert scheduler(0.9).enable_fuzzing is True


def new(rating, desired=0.9):
    return review(
        state=None,
        step=None,
        stability=None,
        difficulty=None,
        last_day=None,
        due_day=None,
        today=TODAY,
        rating=rating,
        desired_retention=desired,
    )


def test_a_new_card_answered_right_comes_back_after_its_first_interval(settings):
    settings.SRS_ENABLE_FUZZ = False
    card, due = new(GOOD)
    assert card.stability == pytest.approx(2.3065)
    assert card.difficulty == pytest.approx(2.1181, abs=1e-4)
    assert int(card.state) == REVIEW_STATE
    # I(2.3065, 0.93) ≈ 1.41 → 1 day (aimed at 0.9 itself it would be 2.31 → 2 days).
    assert due == date(2026, 5, 15)
    # Aimed at 0.86 for a learner content with 0.8: I(2.3065, 0.86) ≈ 3.90 → 4 days.
    assert new(GOOD, desired=0.8)[1] == date(2026, 5, 18)


def test_a_new_card_missed_comes_back_tomorrow(settings):
    settings.SRS_ENABLE_FUZZ = False
    card, due = new(AGAIN)
    assert card.stability == pytest.approx(0.212)
    assert card.difficulty == pytest.approx(6.4133)
    assert due == date(2026, 5, 15)


def seen_ten_days_ago(rating):
    return review(
        state=REVIEW_STATE,
        step=None,
        stability=10.0,
        difficulty=5.0,
        last_day=date(2026, 5, 4),
        due_day=date(2026, 5, 14),
        today=TODAY,
        rating=rating,
        desired_retention=0.9,
    )


def test_a_review_card_recalled_grows_its_interval_by_the_elapsed_days(settings):
    settings.SRS_ENABLE_FUZZ = False
    card, due = seen_ten_days_ago(GOOD)
    assert card.stability == pytest.approx(32.0267, abs=1e-4)
    assert card.difficulty == pytest.approx(4.9902, abs=1e-4)
    assert due == date(2026, 6, 3)  # 20 days on
    assert card.last_review == datetime(2026, 5, 14, tzinfo=UTC)


def test_a_review_card_forgotten_lapses_to_a_short_stability(settings):
    settings.SRS_ENABLE_FUZZ = False
    card, due = seen_ten_days_ago(AGAIN)
    assert card.stability == pytest.approx(1.3920, abs=1e-4)
    assert due == date(2026, 5, 15)
