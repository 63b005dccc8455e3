from django.contrib import admin

from .models import Forecast, Goal, Mock


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["user", "interview_date", "target_score", "minutes_per_day"]
    raw_id_fields = ["user"]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "target_date", "mean", "low", "high", "enough"]
    raw_id_fields = ["user"]
    list_filter = ["enough"]


@admin.register(Mock)
class MockAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "score", "forecast_mean", "forecast_low", "forecast_high"]
    raw_id_fields = ["user", "session"]
