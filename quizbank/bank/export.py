"""Exporting: the database back to YAML in the bank's own layout.

A load followed by an export gives the same bytes, so an admin edit exported
back touches only the lines it changed. `export_files` builds the files in
memory (the admin's download); `export_bank` writes them to a directory.
"""

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from ..models import Question, Section, Subsection
from .read import FIGURES_DIR, TAXONOMY, text

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
        choice: dict[str, Any] = {"text": text(c.get("text")).strip()}
        if c.get("correct") is True:
            choice["correct"] = True
        choice["why"] = text(c.get("why"))
        if c.get("misconception"):
            choice["misconception"] = text(c["misconception"])
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


def _taxonomy() -> dict[str, Any]:
    return {
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
            for s in Section.objects.prefetch_related("subsections")
        ]
    }


@dataclass(frozen=True)
class BankFile:
    """One exported file: its path in the bank, its text, and (for a
    subsection file) how many questions it holds and the figures they name."""

    path: Path
    text: str
    questions: int = 0
    figures: tuple[str, ...] = ()


def export_files(*, questions=None) -> list[BankFile]:
    """The taxonomy, then one file per subsection holding any of `questions`
    (default: the published bank), in the bank's order."""
    files = [BankFile(Path(TAXONOMY), dump_yaml(_taxonomy()))]
    if questions is None:
        questions = Question.objects.published()
    questions = questions.select_related("subsection__section").prefetch_related("choices")
    by_subsection: dict[Subsection, list[Question]] = {}
    for q in questions.order_by(
        "subsection__section__position", "subsection__position", "position", "pk"
    ):
        by_subsection.setdefault(q.subsection, []).append(q)
    for subsection, items in by_subsection.items():
        body = {"subsection": subsection.number, "questions": [question_as_yaml(q) for q in items]}
        figures = tuple(q.figure_file for q in items if q.figure_file)
        files.append(BankFile(subsection_path(subsection), dump_yaml(body), len(items), figures))
    return files


def _copy_figures(root: Path, files: list[str]) -> None:
    """An exported bank carries the figures its questions name, so it loads as is."""
    source = Path(settings.QUESTIONBANK_DIR) / FIGURES_DIR
    target = root / FIGURES_DIR
    if source.resolve() == target.resolve():
        return
    for name in sorted(set(files)):
        if (source / name).is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target / name)


def export_bank(*, directory: Path, questions=None) -> Counter:
    """Write the published bank (or `questions`) to `directory`; return counts per file."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    files = export_files(questions=questions)
    taxonomy, subsection_files = files[0], files[1:]
    (root / taxonomy.path).write_text(taxonomy.text, encoding="utf-8")
    _copy_figures(root, [name for f in subsection_files for name in f.figures])
    counts: Counter = Counter()
    for file in subsection_files:
        path = root / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file.text, encoding="utf-8")
        counts[str(file.path)] = file.questions
    if questions is None:  # a subsection left with no published question keeps no stale file
        for path in root.glob("*/*.yaml"):
            if str(path.relative_to(root)) not in counts:
                path.unlink()
    return counts
