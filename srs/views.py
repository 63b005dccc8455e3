"""Review queue and reminder unsubscribe. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from quizbank.models import PracticeSession
from quizbank.services import session_create

from . import charts, emails, selectors, services


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    due = selectors.card_due_today(user=request.user)
    loads = selectors.card_due_forecast(user=request.user, due=due)
    context = {
        # `srs_due` replaces the navigation's own (lazy) count: one query for both.
        "srs_due": due,
        "forecast": loads,
        "chart": charts.forecast_bars(loads),
        "week_ahead": sum(d.cards for d in loads[:7]),
        "stats": selectors.review_stats(user=request.user, due=due),
    }
    return render(request, "srs/queue.html", context)


@login_required
@require_POST
def queue_start(request: HttpRequest) -> HttpResponse:
    queue = selectors.card_review_queue(user=request.user)
    if not queue.question_ids:
        messages.info(request, "Nothing is due today. Well done.")
        return redirect("srs-queue")
    session = session_create(
        user=request.user,
        question_ids=queue.question_ids,
        title="Spaced review",
        mode=PracticeSession.Mode.REVIEW,
    )
    return redirect("session-item", session.pk, 1)


@csrf_exempt  # the signed token is the credential; mail clients POST without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners must not unsubscribe anyone); POST,
    from that button or a mail client's one-click (RFC 8058), turns reminders off."""
    user_id = emails.unsubscribe_user_id(token)
    if user_id is None:
        return render(request, "srs/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.reminders_off(user_id=user_id)
        return render(request, "srs/unsubscribe.html", {"done": True})
    return render(request, "srs/unsubscribe.html", {"token": token})
