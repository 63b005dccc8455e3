from django.utils.functional import SimpleLazyObject

from .selectors import card_due_today_cached


def due(request) -> dict:
    """`srs_due` for the navigation's "Due today" count: from the cache (one
    query when it is cold), and only when a template reads it (htmx partials don't)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"srs_due": SimpleLazyObject(lambda: card_due_today_cached(user=user))}
