"""Login throttling (django-axes) and the pages shown when a limit is hit."""

from django.shortcuts import render


def axes_username(request, credentials: dict | None) -> str:
    """The email being tried: allauth passes it as `email`; its form field is `login`."""
    if credentials:
        return (credentials.get("email") or credentials.get("username") or "").lower()
    return (request.POST.get("login") or "").lower()


def client_ip(request) -> str:
    """The client address for axes: REMOTE_ADDR, which ClientAddressMiddleware has
    already set from X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies."""
    return request.META.get("REMOTE_ADDR", "")


def unlock_after_password_reset(request, user, **kwargs) -> None:
    """The owner proved control of the address: clear failed logins against it,
    so a lock-out someone caused from the owner's own network ends at once."""
    from axes.utils import reset

    reset(username=user.email.lower())


def locked_out(request, credentials=None, *args, **kwargs):
    """Too many failed logins for this account or address: say so, and when to retry."""
    return render(request, "429.html", {"reason": "login"}, status=429)


def rate_limited(request, exception=None):
    """django-ratelimit's view: too many requests of one kind in a short time."""
    return render(request, "429.html", {"reason": "rate"}, status=429)
