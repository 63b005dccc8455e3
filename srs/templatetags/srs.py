"""`{% load srs %}`: spaced repetition shown on core pages, which must not
import srs themselves (quizbank is the core; srs builds on it)."""

from django import template

from .. import selectors
from ..services import SCHEDULED_DUE

register = template.Library()


@register.inclusion_tag("srs/next_review.html", takes_context=True)
def next_review(context, question, attempt=None) -> dict:
    """When the learner's card for `question` comes back, after an answer: no
    query when `attempt` was just scheduled (srs notes its due date on it), else one."""
    user = context["request"].user
    days = (
        selectors.card_next_review(
            user=user, question_id=question.pk, due=getattr(attempt, SCHEDULED_DUE, None)
        )
        if user.is_authenticated
        else None
    )
    return {"days": days}
