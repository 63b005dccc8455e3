"""Editorial reads: report counts, the bank as an uploaded file sees it, history."""

from pathlib import Path

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from quizbank.bank import FIGURES_DIR, Bank, BankError, read_file
from quizbank.models import Choice, ProblemReport, Question, Subsection

UPLOAD_NAME = "upload.yaml"


def open_reports_count() -> Subquery:
    """Live count of a question's open reports, as an annotation (no join, no GROUP BY)."""
    counts = (
        ProblemReport.objects.filter(question=OuterRef("pk"), status=ProblemReport.Status.OPEN)
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def read_upload(content: bytes) -> Bank:
    """Check one uploaded subsection file with the loader's own rules, against
    the subsections in the database and the bank's figures folder (where the
    admin saves uploaded SVGs). Raises quizbank.bank.BankError."""
    numbers = set(Subsection.objects.values_list("number", flat=True))
    if not numbers:
        raise BankError(["The database has no sections yet: load the bank first."])
    figures = Path(settings.QUESTIONBANK_DIR) / FIGURES_DIR
    return read_file(content, name=UPLOAD_NAME, subsections=numbers, figures=figures)


def version_choices(*, question: Question, record) -> list[Choice]:
    """The question's choices as they were at one of its history records.

    An admin or loader save writes the question and then its choices, so a
    version's choices are their latest records before the question's next record.
    """
    next_date = (
        question.history.filter(history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    records = Choice.history.filter(question_id=question.pk)
    if next_date is not None:
        records = records.filter(history_date__lt=next_date)
    return sorted(
        (r.instance for r in records.latest_of_each() if r.history_type != "-"),
        key=lambda c: c.position,
    )
