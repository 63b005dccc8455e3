"""Goal settings, and the two buttons of the Today card. Thin: services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from quizbank.selectors import session_first_unanswered_position

from . import services
from .forms import GoalForm


@login_required
def goal(request: HttpRequest) -> HttpResponse:
    today = services.study_day(request.user)
    current = services.goal_of(request.user)
    form = GoalForm(request.POST or None, instance=current, today=today)
    if request.method == "POST" and form.is_valid():
        services.goal_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Goal saved: today's plan and forecast are updated.")
        return redirect("dashboard")
    return render(request, "readiness/goal.html", {"form": form, "today": today})


@login_required
@require_POST
def plan_start(request: HttpRequest) -> HttpResponse:
    session = services.plan_start(user=request.user)
    if session is None:
        messages.info(request, "Nothing left in today's plan. Well done.")
        return redirect("dashboard")
    position = session_first_unanswered_position(session=session) or 1
    return redirect("session-item", session.pk, position)


@login_required
@require_POST
def mock_start(request: HttpRequest) -> HttpResponse:
    try:
        session = services.mock_start(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("dashboard")
    return redirect("session-item", session.pk, 1)
