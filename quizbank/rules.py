"""The rules every question and practice session obeys, each written once here for the
loader, the admin, the forms, the services and the templates alike."""

from collections.abc import Iterable, Mapping

from django.db import models

CHOICES_PER_QUESTION = 4
OPTION_LETTERS = "ABCD"[:CHOICES_PER_QUESTION]


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


DIFFICULTIES = tuple(Difficulty.values)

# Practice sessions (a spaced-review queue is capped the same way).
MAX_SESSION_SIZE = 100
SECONDS_PER_TIMED_QUESTION = 90
MAX_TIME_TAKEN_MS = 60 * 60 * 1000  # an item left open longer counts as this long

# Lengths of what learners and editors write.
NOTE_MAX_LENGTH = 2000
REPORT_MAX_LENGTH = 1000
RESOLUTION_NOTE_MAX_LENGTH = 2000

# Lists show a stem or an option as one rendered line of this many characters.
STEM_SNIPPET_CHARS = 160
CHOICE_SNIPPET_CHARS = 90

# Below this many answers a share ("100% chose this" after one answer) says
# nothing, so feedback shows no peer percentages.
MIN_ANSWERS_FOR_PEER_SHARES = 20


def choice_problems(choices: Iterable[Mapping]) -> list[str]:
    """Why these choices cannot make a question (empty when they can).

    Each choice is a mapping with `text`, `why` and `correct`.
    """
    choices = list(choices)
    problems = []
    if len(choices) != CHOICES_PER_QUESTION:
        problems.append(f"has {len(choices)} choices; it needs exactly {CHOICES_PER_QUESTION}")
    n_correct = sum(1 for c in choices if c.get("correct") is True)
    if n_correct != 1:
        problems.append(f"has {n_correct} correct choices; it needs exactly one")
    texts = [str(c.get("text") or "").strip() for c in choices]
    if any(not t for t in texts):
        problems.append("a choice has no text")
    elif len({t.casefold() for t in texts}) != len(texts):
        problems.append("two choices have the same text")
    if any(not str(c.get("why") or "").strip() for c in choices):
        problems.append("a choice has no 'why'")
    return problems
