"""Applying a plan: write what bank.plan.plan_bank decided, all or nothing.

Questions are upserted by their stable id, in place, so attempts, cards and
history keep pointing at the same rows; retired questions are kept, hidden.
"""

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Choice, Question, Section, Subsection
from .plan import BankPlan, Kind, LoadReport, plan_bank
from .read import QuestionData, read_bank


def _sync_taxonomy(sections: list[dict[str, Any]]) -> dict[str, Subsection]:
    subsections = {}
    for s_pos, raw in enumerate(sections):
        section, _ = Section.objects.update_or_create(
            number=str(raw["number"]),
            defaults={
                "slug": raw["slug"],
                "title": raw["title"],
                "band": raw.get("band", ""),
                "position": s_pos,
            },
        )
        for pos, sub in enumerate(raw.get("subsections") or []):
            subsections[str(sub["number"])], _ = Subsection.objects.update_or_create(
                number=str(sub["number"]),
                defaults={
                    "section": section,
                    "slug": sub["slug"],
                    "title": sub["title"],
                    "summary": sub.get("summary", ""),
                    "floor": sub.get("floor", 0),
                    "target": sub.get("target", 0),
                    "position": pos,
                },
            )
    return subsections


def _write_question(question: Question, data: QuestionData, subsection: Subsection) -> None:
    question.subsection = subsection
    question.difficulty = data.difficulty
    question.stem = data.stem
    question.explanation = data.explanation
    question.tags = list(data.tags)
    question.references = list(data.references)
    question.position = data.position
    question.figure_file, question.figure_alt = data.figure_file, data.figure_alt
    question.status = Question.Status.PUBLISHED
    question.save()
    existing = {c.position: c for c in question.choices.all()} if question.pk else {}
    # Clear the old key first so the one-correct-choice constraint holds throughout.
    Choice.objects.filter(question=question, correct=True).update(correct=False)
    for position, c in enumerate(data.choices):
        choice = existing.get(position) or Choice(question=question, position=position)
        choice.text, choice.why = c.text, c.why
        choice.correct, choice.misconception = c.correct, c.misconception
        choice.save()


@transaction.atomic
def apply_plan(plan: BankPlan, *, user=None) -> LoadReport:
    """Carry out `plan`; `user` (if any) is recorded in the questions' history."""
    writes = [c for c in plan.changes if c.kind in (Kind.CREATED, Kind.UPDATED, Kind.RESTORED)]
    if plan.sections is not None:
        subsections = _sync_taxonomy(plan.sections)
    else:
        numbers = {c.data.subsection for c in writes}
        subsections = {s.number: s for s in Subsection.objects.filter(number__in=numbers)}
    existing = [c.external_id for c in writes if c.kind != Kind.CREATED]
    current = {
        q.external_id: q
        for q in Question.objects.filter(external_id__in=existing)
        .select_for_update()
        .prefetch_related("choices")
    }
    for change in writes:
        question = current.get(change.external_id) or Question(external_id=change.external_id)
        if user is not None:
            question._history_user = user
        if change.kind == Kind.RESTORED:
            question.status = Question.Status.PUBLISHED
            question.save(update_fields=["status", "updated_at"])
        else:
            _write_question(question, change.data, subsections[change.data.subsection])
    if retired := plan.retired:
        Question.objects.filter(external_id__in=retired, status=Question.Status.PUBLISHED).update(
            status=Question.Status.RETIRED,
            updated_at=timezone.now(),  # a new version
        )
    return plan.report


@transaction.atomic
def load_bank(*, directory: Path) -> LoadReport:
    """Load the whole bank from `directory`: read, plan, apply; all or nothing.
    Raises BankError (and changes nothing) when a file breaks a rule."""
    return apply_plan(plan_bank(read_bank(directory), whole=True))
