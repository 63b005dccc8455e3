from django.utils.functional import SimpleLazyObject

from .selectors import due_today


def due(request) -> dict:
    """`srs_due` for the navigation's "Due today" count: one query, and only
    when a template reads it (htmx partials don't)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"srs_due": SimpleLazyObject(lambda: due_today(user))}
