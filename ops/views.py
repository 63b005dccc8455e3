import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from .selectors import health


@never_cache
def health_view(request) -> JsonResponse:
    """Database, broker and the age of beat's last heartbeat. 503 when the
    database is down (the site cannot serve), 200 otherwise."""
    h = health()
    body = {
        "status": h.status,
        "database": h.database,
        "broker": h.broker,
        "beat_age_seconds": h.beat_age_s,
    }
    return JsonResponse(body, status=200 if h.ok else 503)


def ping(request) -> HttpResponse:
    """A bare Django view: liveness, and the baseline the load benchmark divides by."""
    return HttpResponse("pong", content_type="text/plain")


def server_error(request) -> HttpResponse:
    """handler500: a lost database connection (e.g. Postgres restarting) is a
    503 with Retry-After, whichever layer met it; anything else is a plain 500.
    Writes run in transactions, so nothing half-done was saved either way."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
