"""Editors' admin: questions with their item analysis, warnings, history and
revert, bulk work and YAML import/export; and the report queue (learners'
problem reports, resolved or dismissed with a note).

The models are quizbank's (so the URLs are admin:quizbank_question_…); the
editorial code that drives them lives here, so the core imports none of it.
"""

import io
import zipfile

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from quizbank.bank import BankError, export_files, plan_bank
from quizbank.ids import parse_id
from quizbank.models import Choice, ProblemReport, Question
from quizbank.rules import CHOICES_PER_QUESTION

from . import services
from .forms import (
    ChoiceForm,
    ChoiceFormSet,
    CloseReportsForm,
    ImportForm,
    MoveForm,
    QuestionAdminForm,
)
from .selectors import open_reports_count, read_upload, version_choices
from .suspects import LETTERS, Suspect, suspect_lines, suspect_q


class ChoiceInline(admin.StackedInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    fields = ["text", "correct", "why", "misconception"]
    can_delete = False
    min_num = max_num = CHOICES_PER_QUESTION
    extra = 0


class SuspectFilter(admin.SimpleListFilter):
    """Questions whose statistics or reports say an editor should look."""

    title = "warning"
    parameter_name = "suspect"

    def lookups(self, request, model_admin):
        return Suspect.choices

    def queryset(self, request, queryset):
        if self.value() in Suspect.values:
            return queryset.filter(suspect_q(self.value()))
        return queryset


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    form = QuestionAdminForm
    inlines = [ChoiceInline]
    list_display = [
        "external_id",
        "short_stem",
        "subsection",
        "difficulty",
        "status",
        "answered",
        "facility",
        "discrimination",
        "median_time",
        "open_reports",
        "warnings",
    ]
    list_filter = [SuspectFilter, "subsection__section", "subsection", "difficulty", "status"]
    list_select_related = ["subsection", "stats"]
    search_fields = ["external_id", "stem", "explanation", "choices__text", "choices__why"]
    readonly_fields = ["item_analysis", "preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["external_id", "subsection", "difficulty", "status"]}),
        ("Item analysis", {"fields": ["item_analysis"]}),
        ("Content", {"fields": ["stem", "explanation", "tags", "references"]}),
        ("Figure", {"fields": ["figure_file", "figure_upload", "figure_alt"]}),
        ("Preview, as learners see it (after saving)", {"fields": ["preview"]}),
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    actions = ["retire", "restore", "move", "export_yaml"]
    change_list_template = "admin/quizbank/question/change_list.html"
    object_history_template = "admin/quizbank/question/object_history.html"
    object_history_form_template = "admin/quizbank/question/object_history_form.html"

    class Media:
        css = {"all": ["css/content.css", "css/pygments.css", "editorial/editorial.css"]}

    def get_queryset(self, request):
        # Statistics come from the ItemStats join and reports from one subquery
        # column: the list costs the same number of queries however many rows.
        return super().get_queryset(request).annotate(open_reports=open_reports_count())

    # List columns ----------------------------------------------------------------

    @admin.display(description="Stem")
    def short_stem(self, obj: Question) -> str:
        # The stored, nh3-cleaned one-line preview: maths as MathML, code as code.
        return mark_safe(obj.stem_snippet)

    @admin.display(description="answered", ordering="stats__answered")
    def answered(self, obj: Question):
        stats = getattr(obj, "stats", None)
        return stats.answered if stats else 0

    @admin.display(description="facility", ordering="stats__facility")
    def facility(self, obj: Question) -> str:
        stats = getattr(obj, "stats", None)
        return "–" if stats is None or stats.facility is None else f"{stats.facility:.2f}"

    @admin.display(description="discrim.", ordering="stats__discrimination")
    def discrimination(self, obj: Question) -> str:
        stats = getattr(obj, "stats", None)
        value = stats.discrimination if stats else None
        return "–" if value is None else f"{value:+.2f}"

    @admin.display(description="median time", ordering="stats__median_time_ms")
    def median_time(self, obj: Question) -> str:
        stats = getattr(obj, "stats", None)
        value = stats.median_time_ms if stats else None
        return "–" if value is None else f"{value / 1000:.1f} s"

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, obj: Question) -> int:
        return obj.open_reports

    @admin.display(description="warnings")
    def warnings(self, obj: Question) -> str:
        lines = suspect_lines(obj)
        if not lines:
            return ""
        return format_html(
            '<ul class="suspects">{}</ul>',
            format_html_join("", "<li>{}</li>", ((x,) for x in lines)),
        )

    # Change page -----------------------------------------------------------------

    @admin.display(description="Statistics")
    def item_analysis(self, obj: Question) -> str:
        if not obj.pk:
            return "No answers yet."
        stats = getattr(obj, "stats", None)
        choices = list(obj.choices.all())
        rows = []
        if stats is not None:
            for choice in choices:
                rows.append(
                    {
                        "letter": LETTERS[choice.position],
                        "choice": choice,
                        "share": _percent(stats.option_share(choice.position)),
                        "count": stats.option_count(choice.position),
                        "upper": next(
                            (o["upper"] for o in stats.options if o["position"] == choice.position),
                            0,
                        ),
                    }
                )
        return render_to_string(
            "admin/quizbank/question/item_analysis.html",
            {
                "stats": stats,
                "rows": rows,
                "dont_know": stats and _percent(stats.option_share(None)),
                "dont_know_count": stats and stats.option_count(None),
                "median_time": self.median_time(obj),
                "facility": stats and _percent(stats.facility),
                "open_reports": getattr(obj, "open_reports", 0),
                "lines": suspect_lines(obj),
            },
        )

    @admin.display(description="Preview")
    def preview(self, obj: Question) -> str:
        if not obj.pk:
            return "Save the question to see its preview."
        return render_to_string(
            "admin/quizbank/question_preview.html",
            {"question": obj, "choices": obj.choices.all()},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Choice:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # records new/changed objects for the admin's history
        with transaction.atomic():
            # Every choice is saved, after clearing the old key: at most one correct
            # choice is a database constraint, and the key may have moved.
            Choice.objects.filter(question=form.instance).update(correct=False)
            for position, choice_form in enumerate(formset.forms):
                choice = choice_form.instance
                choice.question = form.instance
                choice.position = position
                choice._history_user = request.user
                choice.save()
        return None

    # History ---------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """simple-history's list of question versions, plus the choices' changes."""
        if parse_id(object_id) is None:
            raise Http404("No such question.")
        choice_records = (
            Choice.history.filter(question_id=object_id)
            .select_related("history_user")
            .order_by("-history_date")[:200]
        )
        extra = {"choice_records": choice_records, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=extra)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        match = request.resolver_match
        if match and match.url_name and match.url_name.endswith("_simple_history"):
            # A past version: its own choices are listed; current figures don't apply.
            return [f for f in fieldsets if f[0] in (None, "Content")]
        return fieldsets

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show a version with its choices; POST puts question and choices back."""
        if parse_id(object_id) is None or parse_id(version_id) is None:
            raise Http404("No such version.")
        question = get_object_or_404(Question, pk=object_id)
        record = get_object_or_404(question.history, history_id=version_id)
        if request.method == "POST":
            if not self.has_change_permission(request, question):
                raise PermissionDenied
            services.question_revert(
                question=question, history_id=record.history_id, user=request.user
            )
            self.log_change(
                request,
                question,
                f"Reverted to the version of {record.history_date:%Y-%m-%d %H:%M}.",
            )
            self.message_user(
                request,
                f"{question} is back as it was on {record.history_date:%Y-%m-%d %H:%M} "
                f"(choices included).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:quizbank_question_change", args=[question.pk])
            )
        extra = {"version_choices": version_choices(question=question, record=record)}
        return super().history_form_view(
            request, object_id, version_id, {**extra, **(extra_context or {})}
        )

    # Bulk actions ----------------------------------------------------------------

    @admin.action(
        description="Retire selected questions (hide from practice)", permissions=["change"]
    )
    def retire(self, request, queryset):
        n = services.questions_set_status(
            questions=queryset, status=Question.Status.RETIRED, user=request.user
        )
        self.message_user(
            request, f"Retired {n} question{'s' if n != 1 else ''}.", messages.SUCCESS
        )

    @admin.action(description="Restore selected questions to practice", permissions=["change"])
    def restore(self, request, queryset):
        n = services.questions_set_status(
            questions=queryset, status=Question.Status.PUBLISHED, user=request.user
        )
        self.message_user(
            request, f"Restored {n} question{'s' if n != 1 else ''}.", messages.SUCCESS
        )

    @admin.action(
        description="Move selected questions to another subsection", permissions=["change"]
    )
    def move(self, request, queryset):
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            n = services.questions_move(
                questions=queryset, subsection=form.cleaned_data["subsection"], user=request.user
            )
            self.message_user(
                request,
                f"Moved {n} question{'s' if n != 1 else ''} to {form.cleaned_data['subsection']}.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/quizbank/question/move.html",
            {
                **self.admin_site.each_context(request),
                "title": "Move questions to another subsection",
                "opts": self.model._meta,
                "form": form,
                "questions": queryset.select_related(None).only("pk", "external_id"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": "move",
                "verb": "Move",
                "changelist": "admin:quizbank_question_changelist",
                "changelist_title": "Questions",
            },
        )

    @admin.action(
        description="Export selected questions as YAML (bank format)", permissions=["view"]
    )
    def export_yaml(self, request, queryset):
        questions = Question.objects.filter(pk__in=queryset.values("pk"))
        taxonomy, *files = export_files(questions=questions)
        if len(files) == 1:
            (file,) = files
            response = HttpResponse(file.text, content_type="application/yaml; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{file.path.name}"'
            return response
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted([taxonomy, *files], key=lambda f: f.path):
                archive.writestr(str(file.path), file.text)
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="questionbank.zip"'
        return response

    # Import ----------------------------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="quizbank_question_import",
            )
        ]
        return custom + urls

    def import_view(self, request):
        """Upload a subsection file: check it with the loader, show the diff, apply."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Import questions from YAML",
            "opts": self.model._meta,
        }
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        status = 200
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["raw"]
            try:
                bank = read_upload(raw)
            except BankError as exc:
                context["problems"] = exc.problems
                status = 400
            else:
                if "apply" in request.POST:
                    report = services.bank_import(bank=bank, user=request.user)
                    self.message_user(request, f"Imported: {report}.", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:quizbank_question_changelist"))
                context["plan"] = plan_bank(bank)
                form = ImportForm(initial={"content": raw.decode("utf-8")})
        elif request.method == "POST":
            status = 400
        context["form"] = form
        return TemplateResponse(
            request, "admin/quizbank/question/import.html", context, status=status
        )


# The report queue ---------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Open reports first: the queue opens on what needs doing."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ProblemReport.Status.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or ProblemReport.Status.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or ProblemReport.Status.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "question_link",
        "reporter",
        "reporter_choice",
        "short_reason",
        "status",
        "resolution_note",
        "resolved_by",
    ]
    list_filter = [StatusFilter]
    list_select_related = ["question", "user", "choice", "resolved_by"]
    search_fields = ["reason", "question__external_id", "resolution_note"]
    ordering = ["-created_at", "-pk"]
    readonly_fields = [
        "question_link",
        "reporter",
        "reporter_choice",
        "reason",
        "created_at",
        "resolved_by",
        "resolved_at",
    ]
    fields = [
        "question_link",
        "reporter",
        "reporter_choice",
        "reason",
        "created_at",
        "status",
        "resolution_note",
        "resolved_by",
        "resolved_at",
    ]
    actions = ["resolve", "dismiss"]

    def has_add_permission(self, request):
        return False  # learners report from the question page

    def has_delete_permission(self, request, obj=None):
        return False  # reporters keep seeing the outcome

    @admin.display(description="question", ordering="question__external_id")
    def question_link(self, obj: ProblemReport) -> str:
        url = reverse("admin:quizbank_question_change", args=[obj.question_id])
        return format_html('<a href="{}">{}</a>', url, obj.question.external_id)

    @admin.display(description="reporter", ordering="user__email")
    def reporter(self, obj: ProblemReport) -> str:
        return obj.user.email

    @admin.display(description="their answer")
    def reporter_choice(self, obj: ProblemReport) -> str:
        if obj.choice is None:
            return "–"
        key = " (the key)" if obj.choice.correct else ""
        return f"{LETTERS[obj.choice.position]}{key}: {Truncator(obj.choice.text).chars(60)}"

    @admin.display(description="reason")
    def short_reason(self, obj: ProblemReport) -> str:
        return Truncator(obj.reason).chars(120)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            closed = obj.status != ProblemReport.Status.OPEN
            obj.resolved_by = request.user if closed else None
            obj.resolved_at = timezone.now() if closed else None
        super().save_model(request, obj, form, change)

    def _close(self, request, queryset, status: str, verb: str, done: str):
        form = CloseReportsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            n = services.reports_close(
                reports=queryset, status=status, note=form.cleaned_data["note"], user=request.user
            )
            self.message_user(
                request, f"{done} {n} report{'s' if n != 1 else ''}.", messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/editorial/report_close.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{verb} reports",
                "opts": self.model._meta,
                "form": form,
                "reports": queryset.select_related("question"),
                "action": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "verb": verb,
                "changelist": "admin:quizbank_problemreport_changelist",
                "changelist_title": "Problem reports",
            },
        )

    @admin.action(description="Resolve selected reports, with a note", permissions=["change"])
    def resolve(self, request, queryset):
        return self._close(request, queryset, ProblemReport.Status.RESOLVED, "Resolve", "Resolved")

    @admin.action(description="Dismiss selected reports, with a note", permissions=["change"])
    def dismiss(self, request, queryset):
        return self._close(
            request, queryset, ProblemReport.Status.DISMISSED, "Dismiss", "Dismissed"
        )
