"""Login throttling (django-axes) and the pages shown when a limit is hit."""

from django.shortcuts import render


def axes_username(request, credentials: dict | None) -> str:
    """The email being tried: allauth passes it as `email`; its form field is `login`."""
    if credentials:
        return (credentials.get("email") or credentials.get("username") or "").lower()
    return (request.POST.get("login") or "").lower()


def locked_out(request, credentials=None, *args, **kwargs):
    """Too many failed logins for this account or address: say so, and when to retry."""
    return render(request, "429.html", {"reason": "login"}, status=429)


def rate_limited(request, exception=None):
    """django-ratelimit's view: too many requests of one kind in a short time."""
    return render(request, "429.html", {"reason": "rate"}, status=429)
