"""What editors need beside the bank: the history of every question and choice
(django-simple-history, kept in this app so quizbank's migrations stay put)
and the item-analysis table refreshed from the attempts."""

import simple_history
from django.db import models

from quizbank.models import Choice, Question

# The search text and vector are derived on every save: no history of them.
simple_history.register(
    Question, app="editorial", excluded_fields=["search_document", "search_vector"]
)
simple_history.register(Choice, app="editorial")


class ItemStats(models.Model):
    """Classical item analysis of one question, refreshed in bulk by
    `editorial.services.item_stats_refresh` (never computed per request).

    The analysis uses each learner's first attempt at the question: later
    attempts come after seeing the feedback, so they measure memory, not the item.
    """

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    answered = models.PositiveIntegerField(default=0, help_text="Every attempt, repeats included.")
    learners = models.PositiveIntegerField(
        default=0, help_text="Learners analysed (first attempt)."
    )
    facility = models.FloatField(null=True, help_text="Share of first attempts that were right.")
    discrimination = models.FloatField(
        null=True,
        help_text="Point-biserial correlation between getting this item right and the "
        "learner's share right on the rest of the bank.",
    )
    # [{"position": 0, "count": 12, "upper": 5}, ...] plus position None for "I don't know".
    options = models.JSONField(default=list)
    median_time_ms = models.PositiveIntegerField(null=True)
    upper_n = models.PositiveIntegerField(default=0, help_text="Size of the top 27% group.")
    upper_key = models.PositiveIntegerField(default=0)
    upper_top_distractor = models.PositiveIntegerField(default=0)
    top_distractor_position = models.PositiveSmallIntegerField(null=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = "item statistics"
        verbose_name_plural = "item statistics"

    def __str__(self) -> str:
        return f"Statistics of {self.question_id}"

    def option_count(self, position: int | None) -> int:
        return next((o["count"] for o in self.options if o["position"] == position), 0)

    def option_share(self, position: int | None) -> float | None:
        return self.option_count(position) / self.learners if self.learners else None
