"""The report queue: learners' problem reports, resolved or dismissed with a note."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from quizbank.models import ProblemReport

from . import services
from .forms import CloseReportsForm
from .suspects import LETTERS


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
