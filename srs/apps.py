from django.apps import AppConfig


class SrsConfig(AppConfig):
    name = "srs"
    verbose_name = "Spaced repetition"

    def ready(self):
        from quizbank.models import Attempt, Question
        from quizbank.signals import attempt_recorded

        from .selectors import card_due_today_answered, card_due_today_forget
        from .services import SCHEDULED_DUE, card_record_attempt

        def _schedule(sender, *, attempt, in_review, **kwargs):
            log = card_record_attempt(attempt=attempt, in_review=in_review)
            setattr(attempt, SCHEDULED_DUE, log.due)
            # The navigation's cached "Due today" count moves with the answer when
            # the learner and a published question came with it (the practice
            # loop); otherwise it is recounted: forgotten now, and once committed.
            question = attempt.question if Attempt.question.is_cached(attempt) else None
            if (
                Attempt.user.is_cached(attempt)
                and question is not None
                and question.status == Question.Status.PUBLISHED
            ):
                card_due_today_answered(user=attempt.user, kind=log.kind, due=log.due)
                return
            card_due_today_forget(user_id=attempt.user_id)

        # Strong reference, keyed by uid, so a reload never connects it twice.
        attempt_recorded.connect(_schedule, weak=False, dispatch_uid="srs.card_record_attempt")
