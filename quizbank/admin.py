from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.text import Truncator

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


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    inlines = [ChoiceInline]
    list_display = ["external_id", "short_stem", "subsection", "difficulty", "status", "updated_at"]
    list_filter = ["subsection__section", "subsection", "difficulty", "status"]
    list_select_related = ["subsection"]
    search_fields = ["external_id", "stem", "explanation", "choices__text", "choices__why"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["external_id", "subsection", "difficulty", "status"]}),
        ("Content", {"fields": ["stem", "explanation", "tags", "references"]}),
        ("Preview, as learners see it (after saving)", {"fields": ["preview"]}),
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/content.css", "css/pygments.css"]}

    @admin.display(description="Stem")
    def short_stem(self, obj: Question) -> str:
        return Truncator(obj.stem).chars(90)

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
                choice.save()
        return None


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
