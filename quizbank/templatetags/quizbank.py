from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from quizbank.rules import OPTION_LETTERS

register = template.Library()


@register.filter
def share(peers, choice_id) -> int:
    """Percent of all answers to the question that chose this option."""
    return peers.share(choice_id)


@register.filter
def option_letter(index: int) -> str:
    """The letter an option is shown with, from its 0-based place in the question."""
    return OPTION_LETTERS[index]


@register.filter
def figure_url(file: str) -> str:
    """The static URL of a question figure, or "" when the static manifest does not
    know it yet (uploaded in the admin since the last deploy): the page then shows
    the alt text instead of failing."""
    from django.templatetags.static import static

    try:
        return static(f"questionbank/figures/{file}")
    except ValueError:
        return ""


@register.filter
def key_of(choices):
    """The correct option among a question's choices."""
    return next((c for c in choices if c.correct), None)


@register.filter
def ago(when) -> str:
    """ "just now" under a minute (timesince would say "0 minutes"), else "N units ago"."""
    if when is None:
        return ""
    if (timezone.now() - when).total_seconds() < 60:
        return "just now"
    return f"{timesince(when)} ago"
