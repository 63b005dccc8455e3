"""Django admin for the core's plain models. The Question admin (item analysis,
warnings, history, bulk work, import) is editorial's: see editorial/admin.py."""

from django.contrib import admin

from .models import Attempt, PracticeSession, Section, Subsection


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
    """Read-only: an answer is the learner's record, written only by
    `services`, which keeps their progress rows, cards and cached dashboard in
    step; an edit here would leave all three wrong."""

    list_display = ["pk", "user", "question", "correct", "time_taken_ms", "created_at"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question", "choice", "item"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
