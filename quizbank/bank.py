"""The question bank on disk: read and check the YAML, load it, export it back.

The files under fixtures/questionbank/ are the source of truth (format in
shared/questionbank-format.md). Loading upserts by the stable question id in
one transaction and retires what the files no longer hold; exporting writes
the database back in the same layout, so admin edits round-trip to YAML.
"""

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from .models import Choice, Question, Section, Subsection
from .rules import DIFFICULTIES, choice_problems

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
QUESTION_KEYS = {
    "id",
    "difficulty",
    "stem",
    "choices",
    "explanation",
    "tags",
    "references",
    "figure",
}
# The order the exporter writes a question's keys in.
QUESTION_LAYOUT = (
    "id",
    "difficulty",
    "stem",
    "figure",
    "choices",
    "explanation",
    "tags",
    "references",
)
FIGURES_DIR = "figures"  # beside taxonomy.yaml
FIGURE_ALT_MIN = 40
CHOICE_KEYS = {"text", "correct", "why", "misconception"}


class BankError(Exception):
    """The files break a rule; nothing was changed. `problems` names each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ChoiceData:
    text: str
    why: str
    correct: bool = False
    misconception: str = ""


@dataclass(frozen=True)
class QuestionData:
    external_id: str
    subsection: str
    difficulty: str
    stem: str
    explanation: str
    choices: tuple[ChoiceData, ...]
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    position: int = 0
    figure_file: str = ""
    figure_alt: str = ""


@dataclass
class Bank:
    sections: list[dict[str, Any]]
    questions: list[QuestionData]


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


# Reading --------------------------------------------------------------------


def _read_yaml(path: Path, root: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path.relative_to(root)}: not valid YAML ({exc})")
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _figure(raw: Any, root: Path, where: str, problems: list[str]) -> tuple[str, str]:
    """The (file, alt) of a question's optional figure, checked."""
    if raw is None:
        return "", ""
    if not isinstance(raw, dict) or set(raw) != {"file", "alt"}:
        problems.append(f"{where}: figure must be a mapping with file and alt")
        return "", ""
    file, alt = _text(raw["file"]).strip(), _text(raw["alt"])
    if "/" in file or "\\" in file or not file.endswith(".svg"):
        problems.append(f"{where}: figure file must be an .svg name under {FIGURES_DIR}/")
    elif not (root / FIGURES_DIR / file).is_file():
        problems.append(f"{where}: figure file {FIGURES_DIR}/{file} does not exist")
    if len(alt.strip()) < FIGURE_ALT_MIN:
        problems.append(f"{where}: figure alt is under {FIGURE_ALT_MIN} characters")
    return file, alt


def _question(
    raw: Any, subsection: str, position: int, where: str, problems: list[str], root: Path
):
    if not isinstance(raw, dict):
        problems.append(f"{where}: each question must be a mapping")
        return None
    qid = _text(raw.get("id"))
    where = f"{where}: question {qid or '?'}"
    start = len(problems)
    if not ID_PATTERN.fullmatch(qid):
        problems.append(f"{where}: id must be lowercase letters, digits and dashes")
    if unknown := set(raw) - QUESTION_KEYS:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("difficulty") not in DIFFICULTIES:
        problems.append(f"{where}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    for key in ("stem", "explanation"):
        if not _text(raw.get(key)).strip():
            problems.append(f"{where}: {key} is empty")
    raw_choices = raw.get("choices")
    if not isinstance(raw_choices, list) or not all(isinstance(c, dict) for c in raw_choices):
        problems.append(f"{where}: choices must be a list of mappings")
        return None
    for c in raw_choices:
        if unknown := set(c) - CHOICE_KEYS:
            problems.append(f"{where}: a choice has unknown keys {sorted(unknown)}")
    problems.extend(f"{where}: {p}" for p in choice_problems(raw_choices))
    texts = [raw.get("stem"), raw.get("explanation")]
    texts += [v for c in raw_choices for v in (c.get("text"), c.get("why"))]
    if any(_CONTROL.search(_text(t)) for t in texts):
        problems.append(
            f"{where}: a tab or control character in the text (a backslash such as \\t in "
            f"a double-quoted YAML string? use a block scalar or single quotes)"
        )
    tags, refs = raw.get("tags") or [], raw.get("references") or []
    if not isinstance(tags, list) or not isinstance(refs, list):
        problems.append(f"{where}: tags and references must be lists")
    elif not all(isinstance(t, str | int | float) for t in [*tags, *refs]):
        problems.append(
            f"{where}: each tag and reference must be plain text (quote a reference "
            f"that holds ': ', or YAML reads it as a mapping)"
        )
    figure_file, figure_alt = _figure(raw.get("figure"), root, where, problems)
    if len(problems) > start:
        return None
    return QuestionData(
        external_id=qid,
        subsection=subsection,
        difficulty=raw["difficulty"],
        stem=_text(raw["stem"]),
        explanation=_text(raw["explanation"]),
        choices=tuple(
            ChoiceData(
                text=_text(c["text"]).strip(),
                why=_text(c["why"]),
                correct=c.get("correct") is True,
                misconception=_text(c.get("misconception")),
            )
            for c in raw_choices
        ),
        tags=tuple(str(t) for t in tags),
        references=tuple(str(r) for r in refs),
        position=position,
        figure_file=figure_file,
        figure_alt=figure_alt,
    )


def read_bank(directory: Path) -> Bank:
    """Parse and check every file; raise BankError listing every problem found."""
    root = Path(directory)
    problems: list[str] = []
    taxonomy_path = root / "taxonomy.yaml"
    if not taxonomy_path.is_file():
        raise BankError([f"{taxonomy_path}: not found"])
    taxonomy = _read_yaml(taxonomy_path, root, problems) or {}
    sections = taxonomy.get("sections") if isinstance(taxonomy, dict) else None
    if not isinstance(sections, list) or not sections:
        raise BankError([*problems, "taxonomy.yaml: it must list sections"])
    numbers = set()
    for section in sections:
        for key in ("number", "slug", "title"):
            if not section.get(key):
                problems.append(f"taxonomy.yaml: a section lacks {key}")
        for sub in section.get("subsections") or []:
            for key in ("number", "slug", "title"):
                if not sub.get(key):
                    problems.append(
                        f"taxonomy.yaml: a subsection of {section.get('number')} lacks {key}"
                    )
            numbers.add(str(sub.get("number")))

    questions: list[QuestionData] = []
    seen: dict[str, str] = {}
    for path in sorted(root.rglob("*.yaml")):
        if path == taxonomy_path:
            continue
        rel = str(path.relative_to(root))
        data = _read_yaml(path, root, problems)
        if not isinstance(data, dict):
            if data is not None:
                problems.append(f"{rel}: must be a mapping with 'subsection' and 'questions'")
            continue
        number = _text(data.get("subsection"))
        if number not in numbers:
            problems.append(f"{rel}: subsection {number!r} is not in taxonomy.yaml")
            continue
        for position, raw in enumerate(data.get("questions") or []):
            q = _question(raw, number, position, rel, problems, root)
            if q is None:
                continue
            if q.external_id in seen:
                problems.append(
                    f"{rel}: question {q.external_id}: id also used in {seen[q.external_id]}"
                )
                continue
            seen[q.external_id] = rel
            questions.append(q)
    if problems:
        raise BankError(problems)
    return Bank(sections=sections, questions=questions)


# Loading --------------------------------------------------------------------


def _as_data(question: Question) -> QuestionData:
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
def load_bank(*, directory: Path) -> LoadReport:
    """Upsert the bank from `directory`; all or nothing. Raises BankError."""
    bank = read_bank(directory)
    subsections = _sync_taxonomy(bank.sections)
    current = {
        q.external_id: q
        for q in Question.objects.select_related("subsection").prefetch_related("choices")
    }
    report = LoadReport()
    for data in bank.questions:
        question = current.pop(data.external_id, None)
        if question is None:
            _write_question(
                Question(external_id=data.external_id), data, subsections[data.subsection]
            )
            report.created += 1
        elif _as_data(question) != data:
            _write_question(question, data, subsections[data.subsection])
            report.updated += 1
        elif question.status != Question.Status.PUBLISHED:
            question.status = Question.Status.PUBLISHED
            question.save(update_fields=["status", "updated_at"])
            report.restored += 1
        else:
            report.unchanged += 1
    gone = [q.pk for q in current.values() if q.status == Question.Status.PUBLISHED]
    report.retired = Question.objects.filter(pk__in=gone).update(status=Question.Status.RETIRED)
    return report


@dataclass
class BankPlan:
    """What loading `bank` onto the database would do, question by question."""

    created: list[str]
    updated: list[tuple[str, list[str]]]  # (id, the fields that differ)
    restored: list[str]
    unchanged: list[str]

    @property
    def report(self) -> LoadReport:
        return LoadReport(
            created=len(self.created),
            updated=len(self.updated),
            restored=len(self.restored),
            unchanged=len(self.unchanged),
        )


def plan_bank(bank: Bank) -> BankPlan:
    """The diff of `bank` against the database, without writing anything.

    Questions the database holds but `bank` does not are left out: an import
    of one subsection file merges onto the bank and retires nothing.
    """
    ids = [q.external_id for q in bank.questions]
    current = {
        q.external_id: q
        for q in Question.objects.filter(external_id__in=ids)
        .select_related("subsection")
        .prefetch_related("choices")
    }
    plan = BankPlan(created=[], updated=[], restored=[], unchanged=[])
    for data in bank.questions:
        question = current.get(data.external_id)
        if question is None:
            plan.created.append(data.external_id)
            continue
        stored = _as_data(question)
        if stored != data:
            fields = [
                f for f in data.__dataclass_fields__ if getattr(stored, f) != getattr(data, f)
            ]
            plan.updated.append((data.external_id, fields))
        elif question.status != Question.Status.PUBLISHED:
            plan.restored.append(data.external_id)
        else:
            plan.unchanged.append(data.external_id)
    return plan


# Exporting ------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, as people write them."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def question_layout(raw: dict[str, Any]) -> dict[str, Any]:
    """A question mapping as the exporter writes it: keys in order, empty ones dropped."""
    choices = []
    for c in raw.get("choices") or []:
        choice: dict[str, Any] = {"text": _text(c.get("text")).strip()}
        if c.get("correct") is True:
            choice["correct"] = True
        choice["why"] = _text(c.get("why"))
        if c.get("misconception"):
            choice["misconception"] = _text(c["misconception"])
        choices.append(choice)
    out = {**raw, "choices": choices, "tags": list(raw.get("tags") or [])}
    for optional in ("references", "figure"):
        if not out.get(optional):
            out.pop(optional, None)
    if "figure" in out:
        out["figure"] = {"file": out["figure"]["file"], "alt": out["figure"]["alt"]}
    return {key: out[key] for key in QUESTION_LAYOUT if key in out}


def question_as_yaml(question: Question) -> dict[str, Any]:
    """The question as a mapping in the bank format (choices must be prefetched)."""
    raw: dict[str, Any] = {
        "id": question.external_id,
        "difficulty": question.difficulty,
        "stem": question.stem,
        "choices": [
            {"text": c.text, "correct": c.correct, "why": c.why, "misconception": c.misconception}
            for c in question.choices.all()
        ],
        "explanation": question.explanation,
        "tags": list(question.tags),
        "references": list(question.references),
    }
    if question.figure_file:
        raw["figure"] = {"file": question.figure_file, "alt": question.figure_alt}
    return question_layout(raw)


def subsection_path(subsection: Subsection) -> Path:
    section = subsection.section
    return Path(f"{section.number}-{section.slug}") / f"{subsection.number}-{subsection.slug}.yaml"


def _copy_figures(root: Path, files: list[str]) -> None:
    """An exported bank carries the figures its questions name, so it loads as is."""
    source = Path(settings.QUESTIONBANK_DIR) / FIGURES_DIR
    target = root / FIGURES_DIR
    if source.resolve() == target.resolve():
        return
    for name in sorted({f for f in files if f}):
        if (source / name).is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target / name)


def export_bank(*, directory: Path, questions=None) -> Counter:
    """Write the published bank (or `questions`) to `directory`; return counts per file."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    sections = Section.objects.prefetch_related("subsections")
    taxonomy = {
        "sections": [
            {
                "number": s.number,
                "slug": s.slug,
                "title": s.title,
                "band": s.band,
                "subsections": [
                    {
                        "number": sub.number,
                        "slug": sub.slug,
                        "title": sub.title,
                        "summary": sub.summary,
                        "floor": sub.floor,
                        "target": sub.target,
                    }
                    for sub in s.subsections.all()
                ],
            }
            for s in sections
        ]
    }
    (root / "taxonomy.yaml").write_text(dump_yaml(taxonomy), encoding="utf-8")
    full = questions is None
    if full:
        questions = Question.objects.published()
    questions = questions.select_related("subsection__section").prefetch_related("choices")
    by_subsection: dict[Subsection, list[Question]] = {}
    for q in questions.order_by(
        "subsection__section__position", "subsection__position", "position", "pk"
    ):
        by_subsection.setdefault(q.subsection, []).append(q)
    counts: Counter = Counter()
    _copy_figures(root, [q.figure_file for items in by_subsection.values() for q in items])
    for subsection, items in by_subsection.items():
        path = root / subsection_path(subsection)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {"subsection": subsection.number, "questions": [question_as_yaml(q) for q in items]}
        path.write_text(dump_yaml(body), encoding="utf-8")
        counts[str(path.relative_to(root))] = len(items)
    if full:  # a subsection left with no published question keeps no stale file
        for path in root.glob("*/*.yaml"):
            if str(path.relative_to(root)) not in counts:
                path.unlink()
    return counts
