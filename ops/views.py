from django.http import HttpResponse, JsonResponse
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
