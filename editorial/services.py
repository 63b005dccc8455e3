"""Editorial writes: item statistics, the report queue, bulk work, revert, import.

Keyword-only, typed, atomic. Question and choice changes go through save() or
simple-history's bulk helpers, so every change is kept with who and when.
"""

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from quizbank.bank import Bank, LoadReport, apply_plan, plan_bank
from quizbank.models import Choice, ProblemReport, Question, Subsection
from quizbank.rules import RESOLUTION_NOTE_MAX_LENGTH

from .models import ItemStats
from .selectors import version_choices
from .stats import item_figures

STATS_FIELDS = [
    "answered",
    "learners",
    "facility",
    "discrimination",
    "options",
    "median_time_ms",
    "upper_n",
    "upper_key",
    "upper_top_distractor",
    "top_distractor_position",
    "refreshed_at",
]


@transaction.atomic
def item_stats_refresh() -> int:
    """Recompute every question's item analysis in a few set-based statements;
    returns the number of questions with statistics."""
    now = timezone.now()
    rows = [
        ItemStats(
            question_id=qid,
            answered=f.answered,
            learners=f.learners,
            facility=f.facility,
            discrimination=f.discrimination,
            options=f.options,
            median_time_ms=f.median_time_ms,
            upper_n=f.upper_n,
            upper_key=f.upper_key,
            upper_top_distractor=f.upper_top_distractor,
            top_distractor_position=f.top_distractor_position,
            refreshed_at=now,
        )
        for qid, f in item_figures().items()
    ]
    ItemStats.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["question"],
        update_fields=STATS_FIELDS,
    )
    ItemStats.objects.filter(refreshed_at__lt=now).delete()  # questions no longer answered
    return len(rows)


# The report queue ------------------------------------------------------------------


@transaction.atomic
def reports_close(*, reports: QuerySet, status: str, note: str, user: User) -> int:
    """Resolve or dismiss reports with a note the reporters will see."""
    if status not in (ProblemReport.Status.RESOLVED, ProblemReport.Status.DISMISSED):
        raise ValueError(f"cannot close a report as {status!r}")
    return reports.update(
        status=status,
        resolution_note=note.strip()[:RESOLUTION_NOTE_MAX_LENGTH],
        resolved_by=user,
        resolved_at=timezone.now(),
    )


# Bulk work on questions --------------------------------------------------------------


def _locked(questions: QuerySet) -> QuerySet:
    """The plain rows of a (possibly annotated, joined) selection, locked."""
    ids = list(questions.values_list("pk", flat=True))
    return Question.objects.filter(pk__in=ids).select_for_update(of=("self",))


def _bulk_save(questions: list[Question], fields: list[str], user: User) -> int:
    now = timezone.now()
    for q in questions:
        q.updated_at = now
    return bulk_update_with_history(
        questions, Question, [*fields, "updated_at"], default_user=user, batch_size=500
    )


@transaction.atomic
def questions_set_status(*, questions: QuerySet, status: str, user: User) -> int:
    """Retire or restore questions (history kept); returns how many changed."""
    changed = list(_locked(questions).exclude(status=status))
    for q in changed:
        q.status = status
    return _bulk_save(changed, ["status"], user) if changed else 0


@transaction.atomic
def questions_move(*, questions: QuerySet, subsection: Subsection, user: User) -> int:
    """Move questions to the end of `subsection`, keeping their order."""
    moving = list(
        _locked(questions)
        .exclude(subsection=subsection)
        .order_by("subsection__section__position", "subsection__position", "position", "pk")
    )
    if not moving:
        return 0
    last = Question.objects.filter(subsection=subsection).aggregate(m=Max("position"))["m"]
    start = -1 if last is None else last
    for offset, q in enumerate(moving, start=1):
        q.subsection, q.position = subsection, start + offset
    return _bulk_save(moving, ["subsection", "position"], user)


# History ------------------------------------------------------------------------


@transaction.atomic
def question_revert(*, question: Question, history_id: int, user: User) -> Question:
    """Put the question and its choices back as they were at one version."""
    record = question.history.get(history_id=history_id)
    old_choices = version_choices(question=question, record=record)
    restored = record.instance
    restored._history_user = user
    restored.save()
    Choice.objects.filter(question=question, correct=True).update(correct=False)
    for choice in sorted(old_choices, key=lambda c: c.correct):  # the key last
        choice._history_user = user
        choice.save()
    return restored


# Import -------------------------------------------------------------------------


@transaction.atomic
def bank_import(*, bank: Bank, user: User) -> LoadReport:
    """Merge the questions of `bank` onto the database (none retired), with
    `user` in their history; returns what changed, as quizbank.bank plans it."""
    return apply_plan(plan_bank(bank), user=user)
