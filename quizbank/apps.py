from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class QuizbankConfig(AppConfig):
    name = "quizbank"
    verbose_name = "Question bank"

    def ready(self) -> None:
        from .models import Section, Subsection
        from .selectors import question_bundle_forget_all

        for model in (Section, Subsection):
            for signal in (post_save, post_delete):
                signal.connect(
                    question_bundle_forget_all,
                    sender=model,
                    dispatch_uid=f"bundle-{model.__name__}",
                )
