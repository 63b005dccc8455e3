"""The rules every question obeys, in one place for the loader and the admin."""

from collections.abc import Iterable, Mapping

CHOICES_PER_QUESTION = 4
OPTION_LETTERS = "ABCD"[:CHOICES_PER_QUESTION]
DIFFICULTIES = ("easy", "medium", "hard")


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
