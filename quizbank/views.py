"""Practice pages. Thin: forms validate, services write, selectors read.

Each page is one template; when htmx swaps a region, the view renders just
that partial (`page.html#region`), so every URL also works without JavaScript.
"""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import AnswerForm, StartForm
from .models import Section, Subsection


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("catalogue")
    return render(request, "quizbank/home.html")


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    sections = selectors.catalogue(user=request.user)
    return render(request, "quizbank/catalogue.html", {"sections": sections})


@login_required
def practice_start(request: HttpRequest, section: str, subsection: str | None = None):
    section_obj = get_object_or_404(Section, slug=section)
    subsection_obj = (
        get_object_or_404(Subsection, section=section_obj, slug=subsection) if subsection else None
    )
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_start(
                user=request.user,
                section=section_obj,
                subsection=subsection_obj,
                size=form.cleaned_data["size"],
                difficulties=form.cleaned_data["difficulties"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("session-item", session.pk, 1)
    status = 400 if form.errors else 200
    context = {"section": section_obj, "subsection": subsection_obj, "form": form}
    return render(request, "quizbank/start.html", context, status=status)


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_for(user=request.user, session_id=session_id)
    position = selectors.first_unanswered_position(session=session)
    if position is None:
        return redirect("session-summary", session.pk)
    return redirect("session-item", session.pk, position)


def _render_item(request, state, form=None, status=200) -> HttpResponse:
    template = "quizbank/question.html"
    if request.htmx and request.htmx.target == "practice":
        template += "#practice"
    context = {"state": state, "form": form}
    return render(request, template, context, status=status)


@login_required
def session_item(request: HttpRequest, session_id: int, position: int) -> HttpResponse:
    state = selectors.item_state(user=request.user, session_id=session_id, position=position)
    if state.attempt is None:
        services.item_present(item=state.item)
    return _render_item(request, state)


@login_required
@require_POST
def session_answer(request: HttpRequest, session_id: int, position: int) -> HttpResponse:
    state = selectors.item_state(user=request.user, session_id=session_id, position=position)
    form = AnswerForm(request.POST, choice_ids=state.item.choice_order)
    if state.attempt is None:
        if not form.is_valid():
            return _render_item(request, state, form=form, status=400)
        try:
            attempt = services.attempt_record(
                user=request.user, item=state.item, choice_id=form.cleaned_data["choice"]
            )
        except ValidationError as exc:
            form.add_error("choice", exc)
            return _render_item(request, state, form=form, status=400)
        state = replace(
            state, attempt=attempt, progress=selectors.session_progress(session=state.session)
        )
    if not request.htmx:
        return redirect("session-item", session_id, position)
    return _render_item(request, state)


@login_required
def session_summary(request: HttpRequest, session_id: int) -> HttpResponse:
    session, items = selectors.session_summary(user=request.user, session_id=session_id)
    answered = [i for i in items if getattr(i, "attempt", None)]
    correct = sum(1 for i in answered if i.attempt.correct)
    context = {
        "session": session,
        "items": items,
        "answered": len(answered),
        "correct": correct,
        "percent": round(100 * correct / len(answered)) if answered else 0,
    }
    return render(request, "quizbank/summary.html", context)
