"""Learner pages. Thin: forms validate, services write, selectors read.

Each page is one template; when htmx swaps a region, the view renders just
that partial (`page.html#region`), so every URL also works without JavaScript.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from . import export, search, selectors, services
from .dashboard import dashboard_data
from .forms import (
    AnswerForm,
    CustomTestForm,
    NoteForm,
    PractiseResultsForm,
    ReportForm,
    SearchForm,
    StartForm,
    TimedResponseForm,
)
from .ids import parse_id
from .models import Choice, Question, Section, Subsection
from .rules import MAX_SESSION_SIZE
from .selectors import Pool

SESSION_ENDED = (
    "This session has ended, so its score stands. Start another round to answer "
    "the questions you left."
)


def answer_rate(group: str, request: HttpRequest) -> str:
    """Answers, notes, flags and reports per learner: generous for people,
    tight enough to stop a script hammering the database."""
    return settings.ANSWER_RATE


limited = ratelimit(key="user", rate=answer_rate, method="POST", block=True)


def session_start_rate(group: str, request: HttpRequest) -> str:
    """New sessions per learner: enough for anyone, not for a script building
    hundreds of 100-item sessions."""
    return settings.SESSION_START_RATE


session_start_limited = ratelimit(
    key="user", rate=session_start_rate, method="POST", block=True, group="session-start"
)


def _partial(request: HttpRequest, template: str, region: str) -> str:
    """`template#region` when htmx asked to swap that region, else the whole page."""
    if request.htmx and request.htmx.target == region:
        return f"{template}#{region}"
    return template


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return _home(request, _sample_context())


def _home(request: HttpRequest, sample: dict | None, status: int = 200) -> HttpResponse:
    context = {"sample": sample, "counts": selectors.bank_counts()}
    return render(request, "quizbank/home.html", context, status=status)


def _sample_context(form: AnswerForm | None = None) -> dict | None:
    found = selectors.question_sample_get()
    if found is None:
        return None
    question, choices = found
    return {"question": question, "choices": choices, "form": form, "answered": False}


sample_limited = ratelimit(key="ip", rate=answer_rate, method="POST", block=True, group="sample")


@require_POST
@sample_limited
def sample_answer(request: HttpRequest) -> HttpResponse:
    """Answer the landing page's sample question, no account needed: the feedback
    is rendered from the bank and nothing is stored. htmx swaps the sample's
    region; without JavaScript the whole landing page comes back with it."""
    sample = _sample_context()
    if sample is None:
        return redirect("home")
    form = AnswerForm(request.POST, choice_ids=[c.pk for c in sample["choices"]])
    status = 200
    if form.is_valid():
        sample["answered"], sample["chosen_id"] = True, form.chosen  # None: "I don't know"
    else:
        sample["form"], status = form, 400
    if request.htmx:
        return render(request, "quizbank/sample.html#sample", {"sample": sample}, status=status)
    return _home(request, sample, status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_data(user=request.user)
    context = vars(data) | {"reports": selectors.report_list(user=request.user)[:5]}
    return render(request, "quizbank/dashboard.html", context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    sections = selectors.section_catalogue_list(user=request.user)
    return render(request, "quizbank/catalogue.html", {"sections": sections})


@login_required
@session_start_limited
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
@require_POST
@session_start_limited
def pool_start(request: HttpRequest, pool: str) -> HttpResponse:
    """One click from Review missed, Flagged or a weak topic: a session over them."""
    subsection = None
    if request.POST.get("subsection"):
        subsection = get_object_or_404(Subsection, pk=_int(request.POST["subsection"]))
    titles = {
        Pool.MISSED: "Missed questions",
        Pool.FLAGGED: "Flagged questions",
        Pool.ALL: "Weak topic",
    }
    if pool not in titles:
        return HttpResponse("Unknown pool.", status=404)
    try:
        session = services.session_start(
            user=request.user,
            subsection=subsection,
            pool=pool,
            size=MAX_SESSION_SIZE if pool != Pool.ALL else 10,
            title=f"{titles[pool]}: {subsection}" if subsection else titles[pool],
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("missed" if pool == Pool.MISSED else "flagged")
    return redirect("session-item", session.pk, 1)


def _int(value: str) -> int:
    return parse_id(value) or 0


@login_required
@session_start_limited
def custom_test(request: HttpRequest) -> HttpResponse:
    """The builder. As the form changes, htmx asks for the match count only."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = CustomTestForm(data)
    # The first view counts what the defaults choose, as htmx counts each change.
    if not form.is_bound:
        d = form.default_choice()
    elif form.is_valid():
        d = form.cleaned_data
    else:
        d = None
    matching = None
    if d is not None:
        questions = selectors.question_pool_list(
            user=request.user,
            pool=d["pool"],
            sections=d["sections"],
            subsections=d["subsections"],
            difficulties=d["difficulties"],
        )
        matching = questions.count()
        if request.method == "POST":
            try:
                session = services.session_start(
                    user=request.user,
                    size=d["size"],
                    pool=d["pool"],
                    mode=d["mode"],
                    sections=d["sections"],
                    subsections=d["subsections"],
                    difficulties=d["difficulties"],
                    title=_custom_title(d),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("session-item", session.pk, 1)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        _partial(request, "quizbank/custom.html", "match-count"),
        {"form": form, "matching": matching, "size": d["size"] if d else None, "pools": Pool},
        status=status,
    )


def _custom_title(d: dict) -> str:
    scope = [s.title for s in d["sections"]] + [s.number for s in d["subsections"]]
    pool = "" if d["pool"] == Pool.ALL else f"{Pool(d['pool']).label.split(':')[0]} · "
    return f"{pool}{', '.join(scope) or 'Whole bank'}"


@login_required
def missed(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.progress_missed_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "quizbank/missed.html", {"page": page})


@login_required
def flagged(request: HttpRequest) -> HttpResponse:
    rows = selectors.annotation_flagged_list(user=request.user)
    return render(request, "quizbank/flagged.html", {"rows": rows})


@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.attempt_history_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "quizbank/history.html", {"page": page})


# Search and notes ------------------------------------------------------------------

SEARCH_PAGE_SIZE = 20
NOTES_PAGE_SIZE = 25


def _search_results(request: HttpRequest, form: SearchForm):
    d = form.cleaned_data
    return search.search_questions(
        user=request.user,
        text=d["q"],
        section=d["section"],
        difficulty=d["difficulty"],
        status=d["status"],
    )


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """/search/?q=…: the bank by words, section, difficulty and my status."""
    form = SearchForm(request.GET or None, sections=Section.objects.all())
    page = hits = None
    if form.is_bound and form.is_valid() and form.filtered:
        results = _search_results(request, form)
        page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        hits = search.hits(page.object_list, form.cleaned_data["q"])
    context = {"form": form, "page": page, "hits": hits, "sizes": [5, 10, 20, 40]}
    return render(request, "quizbank/search.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
@session_start_limited
def search_practise(request: HttpRequest) -> HttpResponse:
    """ "Practise these": a tutor session over the search's first results, in its order."""
    form = PractiseResultsForm(request.POST, sections=Section.objects.all())
    if not form.is_valid():
        return render(request, "quizbank/search.html", {"form": form}, status=400)
    d = form.cleaned_data
    ids = search.result_ids(_search_results(request, form), d["size"])
    try:
        session = services.session_create(
            user=request.user,
            question_ids=ids,
            title=f"Search: {d['q']}" if d["q"] else "Search results",
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        kept = {k: d[k] for k in ("q", "section", "difficulty", "status") if d[k]}
        return redirect(f"{reverse('search')}?{urlencode(kept)}")
    return redirect("session-item", session.pk, 1)


@login_required
def notes(request: HttpRequest) -> HttpResponse:
    """Every private note, with its question."""
    page = Paginator(search.notes(user=request.user), NOTES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "quizbank/notes.html", {"page": page})


# Take it with you ----------------------------------------------------------------


def export_rate(group: str, request: HttpRequest) -> str:
    """Building a file costs more than a page: enough downloads for anyone."""
    return settings.EXPORT_RATE


export_limited = ratelimit(key="user", rate=export_rate, method="GET", block=True, group="export")


@login_required
@export_limited
def export_anki(request: HttpRequest) -> HttpResponse:
    """My missed and flagged questions as an Anki deck."""
    cards = export.take_away(user=request.user)
    body = export.as_apkg(cards, user=request.user, site_url=export.site_url())
    return _download(body, "application/apkg", "deepprep-missed-and-flagged.apkg")


@login_required
@export_limited
def export_csv(request: HttpRequest) -> HttpResponse:
    """The same questions as CSV (UTF-8 with a BOM, so spreadsheets read the maths)."""
    text = export.as_csv(export.take_away(user=request.user), site_url=export.site_url())
    return _download(
        ("\ufeff" + text).encode(), "text/csv; charset=utf-8", "deepprep-missed-and-flagged.csv"
    )


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Questions outside a session: review, flag, note, report --------------------------


@login_required
def question_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    view = selectors.question_view_get(user=request.user, external_id=external_id)
    return render(
        request, "quizbank/question_detail.html", {"view": view, "note_form": _note_form(view)}
    )


@login_required
@require_POST
@session_start_limited
def question_practise(request: HttpRequest, external_id: str) -> HttpResponse:
    """Answer one question from its page: a tutor session of just that question."""
    question = get_object_or_404(Question.objects.published(), external_id=external_id)
    session = services.session_create(
        user=request.user, question_ids=[question.pk], title=f"Question {question.external_id}"
    )
    return redirect("session-item", session.pk, 1)


def _note_form(view) -> NoteForm:
    return NoteForm(initial={"note": view.annotation.note if view.annotation else ""})


def _annotation_response(
    request, question: Question, annotation, note_form=None, status=200, announce=""
):
    context = {
        "question": question,
        "annotation": annotation,
        "note_form": note_form or NoteForm(initial={"note": annotation.note if annotation else ""}),
        # The page the widget sits on (not this POST's URL), for a later no-JS post.
        "back_to": request.POST.get("next", "").partition("#")[0],
        "announce": announce if request.htmx else "",
    }
    if request.htmx:
        return render(request, "quizbank/annotation.html#annotation", context, status=status)
    if status != 200:
        return render(request, "quizbank/annotation.html", context, status=status)
    return _back(request, question_url(question))


def question_url(question: Question) -> str:
    return reverse("question-detail", args=[question.external_id])


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the form's `next` if it is a path on this site, else `default`
    (never an arbitrary URL, and never a view name)."""
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe else default)


@login_required
@require_POST
@limited
def question_flag(request: HttpRequest, external_id: str) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), external_id=external_id)
    flagged = request.POST.get("flagged") == "1"
    annotation = services.annotation_save(user=request.user, question=question, flagged=flagged)
    announce = "Flagged for later." if flagged else "Flag removed."
    return _annotation_response(request, question, annotation, announce=announce)


@login_required
@require_POST
@limited
def question_note(request: HttpRequest, external_id: str) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), external_id=external_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        annotation = selectors.annotation_get(user=request.user, question=question)
        return _annotation_response(request, question, annotation, form, status=400)
    note = form.cleaned_data["note"]
    annotation = services.annotation_save(user=request.user, question=question, note=note)
    announce = "Note saved." if note else "Note removed."
    return _annotation_response(request, question, annotation, announce=announce)


@login_required
@require_POST
@limited
def question_report(request: HttpRequest, external_id: str) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), external_id=external_id)
    form = ReportForm(request.POST)
    choice = None
    if form.is_valid() and form.cleaned_data.get("choice"):
        choice = Choice.objects.filter(question=question, pk=form.cleaned_data["choice"]).first()
    if form.is_valid():
        services.report_create(
            user=request.user, question=question, reason=form.cleaned_data["reason"], choice=choice
        )
    template = _partial(request, "quizbank/report.html", "report")
    context = {"question": question, "form": form, "sent": form.is_valid()}
    if request.htmx and form.is_valid():
        context["announce"] = "Report sent: an editor will look at it."
    if not request.htmx and form.is_valid():
        messages.success(request, "Thanks: an editor will look at it.")
        return _back(request, question_url(question))
    return render(request, template, context, status=200 if form.is_valid() else 400)


# Sessions ------------------------------------------------------------------------------


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    if session.is_over():  # the summary ends a timed test whose time ran out
        return redirect("session-summary", session.pk)
    position = selectors.session_first_unanswered_position(session=session) or 1
    return redirect("session-item", session.pk, position)


def _render_item(request, state, form=None, status=200) -> HttpResponse:
    annotation = state.annotation
    context = {
        "state": state,
        "form": form,
        "question": state.question,
        "annotation": annotation,
        "note_form": NoteForm(initial={"note": annotation.note if annotation else ""}),
    }
    if state.attempt is not None:  # feedback: how others answered, and a way to report
        context |= {
            "peers": selectors.question_peer_stats_cached(
                question=state.question, attempt=state.attempt
            ),
            "report_form": ReportForm(),
        }
    template = _partial(request, "quizbank/question.html", "practice")
    return render(request, template, context, status=status)


def _ended(request: HttpRequest, session) -> HttpResponse:
    """An unanswered item of a finished tutor or review session: the session's
    score stands, so its summary, which says why."""
    messages.info(request, SESSION_ENDED)
    url = reverse("session-summary", args=[session.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
def session_item(request: HttpRequest, session_id: int, position: int) -> HttpResponse:
    state = selectors.item_state(user=request.user, session_id=session_id, position=position)
    if state.session.is_timed:
        return _timed_item(request, state)
    if state.attempt is None:
        if state.session.finished_at is not None:
            return _ended(request, state.session)
        services.item_present(item=state.item)
    return _render_item(request, state)


def _timed_item(request, state, form=None, status=200) -> HttpResponse:
    session = state.session
    if services.timed_finish_if_over(user=request.user, session=session):
        return redirect("session-summary", session.pk)
    services.timed_visit(user=request.user, session_id=session.pk, item=state.item)
    grid = selectors.session_grid(session=session)
    return render(
        request, "quizbank/timed.html", {"state": state, "grid": grid, "form": form}, status=status
    )


@login_required
@require_POST
@limited
def session_answer(request: HttpRequest, session_id: int, position: int) -> HttpResponse:
    state = selectors.item_state(user=request.user, session_id=session_id, position=position)
    if state.session.is_timed:
        return _timed_respond(request, state)
    form = AnswerForm(request.POST, choice_ids=state.item.choice_order)
    if state.attempt is None:
        if state.session.finished_at is not None:
            return _ended(request, state.session)
        if not form.is_valid():
            return _render_item(request, state, form=form, status=400)
        try:
            attempt = services.attempt_record(
                user=request.user,
                item=state.item,
                choice_id=form.chosen,
                confidence=form.cleaned_data["confidence"],
                choices=state.choices,
                answered=state.progress.answered,
            )
        except ValidationError as exc:
            form.add_error("choice", exc)
            return _render_item(request, state, form=form, status=400)
        state = selectors.item_state_answered(state=state, attempt=attempt)
    if not request.htmx:
        return redirect("session-item", session_id, position)
    return _render_item(request, state)


def _timed_respond(request, state) -> HttpResponse:
    session, item = state.session, state.item
    form = TimedResponseForm(request.POST, choice_ids=item.choice_order)
    if not form.is_valid():
        return _timed_item(request, state, form=form, status=400)
    go = form.cleaned_data["go"]
    kept = services.timed_respond(
        user=request.user,
        session_id=session.pk,
        item=item,
        choice_id=form.cleaned_data["choice"],
        marked=form.cleaned_data["marked"],
        staying=go == "save",
    )
    if kept and go == "save":  # saved on change: htmx needs no page
        if request.htmx:
            return HttpResponse(status=204)
        return redirect("session-item", session.pk, item.position)
    if kept and go == "review":
        return redirect("session-review", session.pk)
    if not kept or go == "finish":
        services.timed_finish(user=request.user, session_id=session.pk)
        return redirect("session-summary", session.pk)
    target = {"next": item.position + 1, "prev": item.position - 1}.get(go, _int(go))
    target = min(max(target or item.position, 1), session.size)
    return redirect("session-item", session.pk, target)


@login_required
@require_POST
@limited
def session_finish(request: HttpRequest, session_id: int) -> HttpResponse:
    """Submit a timed test, or finish a tutor session early: either way, the summary."""
    session = selectors.session_get(user=request.user, session_id=session_id)
    services.session_finish(user=request.user, session=session)
    return redirect("session-summary", session.pk)


@login_required
def session_review(request: HttpRequest, session_id: int) -> HttpResponse:
    """Before submitting a timed test: what is still unanswered or marked."""
    session = selectors.session_get(user=request.user, session_id=session_id)
    if not session.is_timed or services.timed_finish_if_over(user=request.user, session=session):
        return redirect("session-summary", session.pk)
    grid = selectors.session_grid(session=session)
    context = {
        "session": session,
        "grid": grid,
        "unanswered": [c for c in grid if not c["response_id"]],
        "marked": [c for c in grid if c["marked"]],
    }
    return render(request, "quizbank/timed_review.html", context)


@login_required
def session_summary(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    if session.is_timed:
        session = services.timed_finish_if_over(user=request.user, session=session)
        if session is None:  # still running: no results before the end
            return redirect("session-item", session_id, 1)
    summary = selectors.session_summary(session=session)
    if not session.is_timed:
        return render(request, "quizbank/summary.html", {"session": session, "summary": summary})
    show = request.GET.get("show", "all")
    show = show if show in selectors.RESULT_FILTERS else "all"
    context = {
        "session": session,
        "summary": summary,
        "show": show,
        "shown": summary.shown(show),
        "shown_positions": {row.item.position for row in summary.shown(show)},
        "filters": [
            (key, label, n)
            for (key, label), n in zip(
                selectors.RESULT_FILTERS.items(), summary.counts().values(), strict=True
            )
        ],
        "breakdown": summary.by_subsection(),
    }
    return render(request, "quizbank/results.html", context)
