"""Editorial reads: report counts, the bank as an uploaded file sees it, history."""

import tempfile
from pathlib import Path

import yaml
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from quizbank.bank import Bank, BankError, read_bank
from quizbank.models import Choice, ProblemReport, Question, Section

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


def _taxonomy() -> dict:
    return {
        "sections": [
            {
                "number": s.number,
                "slug": s.slug,
                "title": s.title,
                "subsections": [
                    {"number": sub.number, "slug": sub.slug, "title": sub.title}
                    for sub in s.subsections.all()
                ],
            }
            for s in Section.objects.prefetch_related("subsections")
        ]
    }


def read_upload(content: bytes) -> Bank:
    """Check one uploaded subsection file with the loader's own rules, against
    the subsections in the database. Raises quizbank.bank.BankError."""
    taxonomy = _taxonomy()
    if not taxonomy["sections"]:
        raise BankError(["The database has no sections yet: load the bank first."])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "taxonomy.yaml").write_text(yaml.safe_dump(taxonomy), encoding="utf-8")
        (root / UPLOAD_NAME).write_bytes(content)
        return read_bank(root)


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
