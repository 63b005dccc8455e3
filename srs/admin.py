from django.contrib import admin

from .models import Card, ReminderLog, ReviewLog


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "state", "due", "stability", "reps", "lapses"]
    list_filter = ["state"]
    raw_id_fields = ["user", "question"]
    search_fields = ["user__email", "question__external_id"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ["card", "rating", "kind", "rescheduled", "reviewed_at", "duration_ms"]
    list_filter = ["kind", "rating"]
    raw_id_fields = ["card", "user", "attempt"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "status", "reason", "due_count", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["user"]
