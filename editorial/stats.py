"""Item analysis in three set-based statements over all attempts.

Portable SQL (window functions, no DISTINCT ON or statistical aggregates) so the
same code runs on Postgres and on the SQLite of `make run`; Python only turns
the per-question sums into ratios.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from quizbank.models import Attempt, Choice

UPPER_SHARE_PERCENT = 27  # Kelley's upper group: the top 27% by rest score

_BASE = f"""
WITH ranked AS (
    SELECT a.user_id, a.question_id, a.choice_id, a.time_taken_ms,
           CASE WHEN a.correct THEN 1 ELSE 0 END AS x,
           ROW_NUMBER() OVER (PARTITION BY a.user_id, a.question_id
                              ORDER BY a.created_at, a.id) AS nth
    FROM {Attempt._meta.db_table} a
),
first AS (SELECT * FROM ranked WHERE nth = 1),
totals AS (SELECT user_id, COUNT(*) AS n, SUM(x) AS c FROM first GROUP BY user_id),
scored AS (
    SELECT f.user_id, f.question_id, f.choice_id, f.time_taken_ms, f.x,
           CASE WHEN t.n > 1
                THEN CAST(t.c - f.x AS DOUBLE PRECISION) / (t.n - 1) END AS rest
    FROM first f JOIN totals t ON t.user_id = f.user_id
),
grouped AS (
    SELECT s.*,
           COUNT(s.rest) OVER (PARTITION BY s.question_id) AS n_rest,
           ROW_NUMBER() OVER (PARTITION BY s.question_id
                              ORDER BY CASE WHEN s.rest IS NULL THEN 1 ELSE 0 END,
                                       s.rest DESC, s.user_id) AS rank_rest
    FROM scored s
),
analysed AS (
    SELECT g.*,
           CASE WHEN g.rest IS NOT NULL
                 AND g.rank_rest <= ({UPPER_SHARE_PERCENT} * g.n_rest + 99) / 100
                THEN 1 ELSE 0 END AS upper
    FROM grouped g
)
"""

_PER_QUESTION = (
    _BASE
    + """
SELECT question_id, COUNT(*), SUM(x),
       COUNT(rest), SUM(CASE WHEN rest IS NOT NULL THEN x ELSE 0 END),
       SUM(rest), SUM(rest * rest), SUM(x * rest), SUM(upper)
FROM analysed GROUP BY question_id
"""
)

_PER_CHOICE = (
    _BASE
    + f"""
SELECT an.question_id, c.position, c.correct, COUNT(*), SUM(an.upper)
FROM analysed an LEFT JOIN {Choice._meta.db_table} c ON c.id = an.choice_id
GROUP BY an.question_id, c.position, c.correct
"""
)

_MEDIAN_TIME = (
    _BASE
    + """
SELECT question_id, AVG(time_taken_ms) FROM (
    SELECT question_id, time_taken_ms,
           ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY time_taken_ms) AS rn,
           COUNT(*) OVER (PARTITION BY question_id) AS cnt
    FROM first WHERE time_taken_ms IS NOT NULL
) timed
WHERE rn = (cnt + 1) / 2 OR rn = (cnt + 2) / 2
GROUP BY question_id
"""
)

_ANSWERED = f"SELECT question_id, COUNT(*) FROM {Attempt._meta.db_table} GROUP BY question_id"


@dataclass
class ItemFigures:
    learners: int = 0
    correct: int = 0
    discrimination: float | None = None
    upper_n: int = 0
    answered: int = 0
    median_time_ms: int | None = None
    options: list[dict] = field(default_factory=list)
    upper_key: int = 0
    upper_top_distractor: int = 0
    top_distractor_position: int | None = None

    @property
    def facility(self) -> float | None:
        return self.correct / self.learners if self.learners else None


def _pearson(n: int, sx: float, sy: float, syy: float, sxy: float) -> float | None:
    """Pearson r from sums; x is 0/1 so sum(x²) = sum(x). None without variance."""
    if n < 2:
        return None
    var_x = n * sx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= 0 or var_y <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)


def item_figures() -> dict[int, ItemFigures]:
    """The figures of every answered question, by question id (four queries)."""
    figures: dict[int, ItemFigures] = defaultdict(ItemFigures)
    with connection.cursor() as cursor:
        cursor.execute(_PER_QUESTION)
        for qid, n, correct, n_rest, sx, sy, syy, sxy, upper in cursor.fetchall():
            f = figures[qid]
            f.learners, f.correct, f.upper_n = n, int(correct), int(upper)
            f.discrimination = _pearson(
                n_rest, float(sx), float(sy or 0), float(syy or 0), float(sxy or 0)
            )
        cursor.execute(_PER_CHOICE)
        for qid, position, correct, count, upper in cursor.fetchall():
            f = figures[qid]
            f.options.append({"position": position, "count": count, "upper": int(upper)})
            if correct:
                f.upper_key = int(upper)
            elif position is not None and int(upper) > f.upper_top_distractor:
                f.upper_top_distractor, f.top_distractor_position = int(upper), position
        cursor.execute(_MEDIAN_TIME)
        for qid, median in cursor.fetchall():
            figures[qid].median_time_ms = round(float(median))
        cursor.execute(_ANSWERED)
        for qid, answered in cursor.fetchall():
            figures[qid].answered = answered
    for f in figures.values():
        f.options.sort(key=lambda o: (o["position"] is None, o["position"] or 0))
    return dict(figures)
