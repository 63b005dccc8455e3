from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness"

    def ready(self):
        from quizbank.signals import attempt_recorded

        from .models import Goal
        from .services import forecast_refresh_on_commit

        def _refresh(sender, *, attempt, in_review, **kwargs):
            forecast_refresh_on_commit(user_id=attempt.user_id)

        attempt_recorded.connect(_refresh, weak=False, dispatch_uid="readiness.forecast_refresh")

        from django.db.models.signals import post_save

        from quizbank.models import PracticeSession

        def _timed_finished(sender, *, instance, update_fields=None, **kwargs):
            # A mock with no answer sends no attempt_recorded: score it when it ends.
            if instance.is_timed and update_fields and "finished_at" in update_fields:
                forecast_refresh_on_commit(user_id=instance.user_id)

        from django.contrib.auth import get_user_model

        # What the plan reads from the learner's settings: their study day and limits.
        plan_inputs = {
            "timezone",
            "day_rollover_hour",
            "desired_retention",
            "review_limit",
            "new_limit",
        }

        def _settings_saved(sender, *, instance, created, update_fields=None, **kwargs):
            if created or (update_fields is not None and not plan_inputs & set(update_fields)):
                return
            if Goal.objects.filter(user_id=instance.pk).exists():  # no goal, no plan
                forecast_refresh_on_commit(user_id=instance.pk)

        post_save.connect(
            _settings_saved,
            sender=get_user_model(),
            weak=False,
            dispatch_uid="readiness.settings_saved",
        )
        post_save.connect(
            _timed_finished,
            sender=PracticeSession,
            weak=False,
            dispatch_uid="readiness.timed_finished",
        )
