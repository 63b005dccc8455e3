from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness"

    def ready(self):
        from quizbank.signals import attempt_recorded

        from .services import forecast_refresh_on_commit

        def _refresh(sender, *, attempt, in_review, **kwargs):
            forecast_refresh_on_commit(user_id=attempt.user_id)

        attempt_recorded.connect(_refresh, weak=False, dispatch_uid="readiness.forecast_refresh")
