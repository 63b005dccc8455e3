"""Django admin for the bank: questions with their item analysis, warnings,
history and bulk work; the other models plainly."""

import io
import re
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from editorial import services as editorial
from editorial.forms import ImportForm, MoveForm
from editorial.selectors import open_reports_count, read_upload, version_choices
from editorial.suspects import LETTERS, Suspect, suspect_lines, suspect_q

from .bank import FIGURE_ALT_MIN, FIGURES_DIR, BankError, export_bank, plan_bank
from .ids import parse_id
from .models import Attempt, Choice, PracticeSession, Question, Section, Subsection
from .rules import CHOICES_PER_QUESTION, choice_problems


class ChoiceForm(forms.ModelForm):
    def validate_constraints(self):
        """Skip per-row checks against the stored rows: the key may move between
        choices in one save. ChoiceFormSet checks the four choices together."""


class ChoiceFormSet(BaseInlineFormSet):
    """Applies the same choice rules as the YAML loader (quizbank.rules)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data]
        if problems := choice_problems(rows):
            raise ValidationError([f"This question {p}." for p in problems])


class ChoiceInline(admin.StackedInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    fields = ["text", "correct", "why", "misconception"]
    can_delete = False
    min_num = max_num = CHOICES_PER_QUESTION
    extra = 0


def figure_choices() -> list[tuple[str, str]]:
    folder = settings.QUESTIONBANK_DIR / FIGURES_DIR
    return [("", "(no figure)")] + [(p.name, p.name) for p in sorted(folder.glob("*.svg"))]


UNSAFE_SVG = re.compile(rb"<script|<foreignobject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


class QuestionAdminForm(forms.ModelForm):
    """Pick a figure from the bank's folder, or upload a new SVG into it; either
    way the alt text follows the loader's rule."""

    figure_file = forms.ChoiceField(label="Figure", required=False, choices=figure_choices)
    figure_upload = forms.FileField(
        label="or upload an SVG",
        required=False,
        help_text="Saved under fixtures/questionbank/figures/ with its own name; "
        "export the bank and redeploy to serve it with a cache-busting name.",
    )

    class Meta:
        model = Question
        fields = ["figure_file", "figure_alt"]  # the admin adds the fieldsets' fields

    def clean_figure_upload(self):
        upload = self.cleaned_data.get("figure_upload")
        if upload is None:
            return None
        name = Path(upload.name).name.lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.svg", name):
            raise ValidationError("Name the file with lowercase letters, digits and dashes, .svg.")
        content = upload.read()
        if b"<svg" not in content[:4096] or UNSAFE_SVG.search(content):
            raise ValidationError("That is not a plain SVG drawing (no scripts or handlers).")
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("figure_upload")
        if upload is not None:
            data["figure_file"] = Path(upload.name).name.lower()
        if data.get("figure_file") and len((data.get("figure_alt") or "").strip()) < FIGURE_ALT_MIN:
            self.add_error(
                "figure_alt", f"Describe the figure in at least {FIGURE_ALT_MIN} characters."
            )
        return data

    def save(self, commit=True):
        upload = self.cleaned_data.get("figure_upload")
        if upload is not None:
            folder = settings.QUESTIONBANK_DIR / FIGURES_DIR
            folder.mkdir(parents=True, exist_ok=True)
            (folder / self.cleaned_data["figure_file"]).write_bytes(upload.read())
        return super().save(commit=commit)


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
        # Stored, sanitised preview HTML: maths as MathML, code as code.
        return mark_safe(obj.stem_snippet)  # nh3-cleaned when saved

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
            editorial.question_revert(
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
        n = editorial.questions_set_status(
            questions=queryset, status=Question.Status.RETIRED, user=request.user
        )
        self.message_user(
            request, f"Retired {n} question{'s' if n != 1 else ''}.", messages.SUCCESS
        )

    @admin.action(description="Restore selected questions to practice", permissions=["change"])
    def restore(self, request, queryset):
        n = editorial.questions_set_status(
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
            n = editorial.questions_move(
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
            },
        )

    @admin.action(
        description="Export selected questions as YAML (bank format)", permissions=["view"]
    )
    def export_yaml(self, request, queryset):
        questions = Question.objects.filter(pk__in=queryset.values("pk"))
        with tempfile.TemporaryDirectory() as tmp:
            counts = export_bank(directory=Path(tmp), questions=questions)
            if len(counts) == 1:
                (name,) = counts
                response = HttpResponse(
                    (Path(tmp) / name).read_bytes(), content_type="application/yaml; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{Path(name).name}"'
                return response
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in sorted(Path(tmp).rglob("*.yaml")):
                    archive.write(file, file.relative_to(tmp))
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
                    report = editorial.bank_import(bank=bank, user=request.user)
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


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "band"]


@admin.register(Subsection)
class SubsectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "section", "floor", "target"]
    list_filter = ["section"]
    list_select_related = ["section"]


@admin.register(PracticeSession)
class PracticeSessionAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "title", "mode", "size", "created_at", "finished_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "question", "correct", "time_taken_ms", "created_at"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question", "choice", "item"]
