from django import template

register = template.Library()


@register.filter
def share(peers, choice_id) -> int:
    """Percent of all answers to the question that chose this option."""
    return peers.share(choice_id)
