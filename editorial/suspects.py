"""The warnings editors act on: which questions look wrong, and why in one line.

Each warning is a Q over Question (for the admin list filter) and a line of
text built from the row's ItemStats and its `open_reports` annotation (for
the list column and the change page), so both agree and cost no query.
"""

from django.db import models
from django.db.models import F, Q

MIN_ANSWERS = 20  # fewer learners than this and the figures are noise
EASY_ABOVE = 0.95
HARD_BELOW = 0.2
LETTERS = "ABCDEFGH"


class Suspect(models.TextChoices):
    DISTRACTOR = "distractor", "Distractor beats the key among strong learners"
    NEGATIVE = "negative", "Negative discrimination"
    EASY = "easy", f"Too easy (facility above {EASY_ABOVE})"
    HARD = "hard", f"Too hard (facility below {HARD_BELOW})"
    REPORTED = "reported", "Open problem reports"


def _enough() -> Q:
    return Q(stats__learners__gte=MIN_ANSWERS)


def suspect_q(kind: str) -> Q:
    """Questions showing this warning (the queryset needs `open_reports`)."""
    return {
        Suspect.DISTRACTOR: _enough() & Q(stats__upper_top_distractor__gt=F("stats__upper_key")),
        Suspect.NEGATIVE: _enough() & Q(stats__discrimination__lt=0),
        Suspect.EASY: _enough() & Q(stats__facility__gt=EASY_ABOVE),
        Suspect.HARD: _enough() & Q(stats__facility__lt=HARD_BELOW),
        Suspect.REPORTED: Q(open_reports__gt=0),
    }[Suspect(kind)]


def suspect_lines(question) -> list[str]:
    """One line per warning on `question` (stats select_related, open_reports annotated)."""
    lines = []
    stats = getattr(question, "stats", None)
    if stats is not None and stats.learners >= MIN_ANSWERS:
        if stats.upper_top_distractor > stats.upper_key:
            letter = LETTERS[stats.top_distractor_position]
            lines.append(
                f"Strong learners chose {letter} ({stats.upper_top_distractor} of "
                f"{stats.upper_n}) more often than the key ({stats.upper_key}): "
                f"is {letter} also right, or the key wrong?"
            )
        if stats.discrimination is not None and stats.discrimination < 0:
            lines.append(
                f"Negative discrimination ({stats.discrimination:.2f}): learners who do "
                f"well elsewhere get it wrong more often; check the key and the wording."
            )
        if stats.facility is not None and stats.facility > EASY_ABOVE:
            lines.append(
                f"Facility {stats.facility:.2f} over {stats.learners} learners: almost "
                f"everyone gets it right; are the distractors plausible?"
            )
        if stats.facility is not None and stats.facility < HARD_BELOW:
            lines.append(
                f"Facility {stats.facility:.2f} over {stats.learners} learners: almost "
                f"nobody gets it right; is the key right and the stem clear?"
            )
    open_reports = getattr(question, "open_reports", 0) or 0
    if open_reports:
        lines.append(
            f"{open_reports} open problem report{'s' if open_reports != 1 else ''} from learners."
        )
    return lines
