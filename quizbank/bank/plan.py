"""Planning: what loading checked records onto the database would change.

The one place that compares the files with the stored questions. The loader
plans the whole bank (its taxonomy synced, questions it lacks retired); the
admin import plans one file merged onto the bank (nothing retired). Planning
reads and never writes; bank.apply.apply_plan carries a plan out.
"""

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from ..models import Question
from .read import Bank, ChoiceData, QuestionData


class Kind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    RETIRED = "retired"
    RESTORED = "restored"


@dataclass(frozen=True)
class Change:
    """What happens to one question. `data` is what to write (None when
    retired); `fields` names what differs in an update."""

    kind: Kind
    external_id: str
    data: QuestionData | None = None
    fields: tuple[str, ...] = ()


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.retired + self.restored

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"retired {self.retired}, restored {self.restored}"
        )


@dataclass
class BankPlan:
    """The changes, in the files' order (retirements last). `sections` is the
    taxonomy to sync for a whole-bank load, None for a merge."""

    changes: list[Change]
    sections: list[dict[str, Any]] | None = None

    def ids(self, kind: Kind) -> list[str]:
        return [c.external_id for c in self.changes if c.kind == kind]

    @property
    def created(self) -> list[str]:
        return self.ids(Kind.CREATED)

    @property
    def updated(self) -> list[tuple[str, list[str]]]:
        return [(c.external_id, list(c.fields)) for c in self.changes if c.kind == Kind.UPDATED]

    @property
    def unchanged(self) -> list[str]:
        return self.ids(Kind.UNCHANGED)

    @property
    def retired(self) -> list[str]:
        return self.ids(Kind.RETIRED)

    @property
    def restored(self) -> list[str]:
        return self.ids(Kind.RESTORED)

    @property
    def report(self) -> LoadReport:
        return LoadReport(**{kind.value: len(self.ids(kind)) for kind in Kind})


def stored_data(question: Question) -> QuestionData:
    """A stored question as the record the files would give (choices prefetched)."""
    return QuestionData(
        external_id=question.external_id,
        subsection=question.subsection.number,
        difficulty=question.difficulty,
        stem=question.stem,
        explanation=question.explanation,
        choices=tuple(
            ChoiceData(text=c.text, why=c.why, correct=c.correct, misconception=c.misconception)
            for c in question.choices.all()
        ),
        tags=tuple(question.tags),
        references=tuple(question.references),
        position=question.position,
        figure_file=question.figure_file,
        figure_alt=question.figure_alt,
    )


def _change(data: QuestionData, question: Question | None) -> Change:
    if question is None:
        return Change(Kind.CREATED, data.external_id, data)
    stored = stored_data(question)
    if stored != data:
        differ = tuple(
            f.name for f in fields(data) if getattr(stored, f.name) != getattr(data, f.name)
        )
        return Change(Kind.UPDATED, data.external_id, data, differ)
    if question.status != Question.Status.PUBLISHED:
        return Change(Kind.RESTORED, data.external_id, data)
    return Change(Kind.UNCHANGED, data.external_id, data)


def plan_bank(bank: Bank, *, whole: bool = False) -> BankPlan:
    """The changes `bank` makes to the database, without writing anything (two
    queries). With `whole`, `bank` is the entire bank: its taxonomy is synced
    and the published questions it lacks are retired. Without, it is merged:
    questions it does not hold are left as they are.
    """
    stored = Question.objects.all()
    if not whole:
        stored = stored.filter(external_id__in=[d.external_id for d in bank.questions])
    current = {
        q.external_id: q for q in stored.select_related("subsection").prefetch_related("choices")
    }
    changes = [_change(data, current.pop(data.external_id, None)) for data in bank.questions]
    if whole:
        changes += [
            Change(Kind.RETIRED, qid)
            for qid, q in current.items()
            if q.status == Question.Status.PUBLISHED
        ]
    return BankPlan(changes=changes, sections=bank.sections if whole else None)
