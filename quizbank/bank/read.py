"""Reading the bank: parse and check the YAML into records, or list every problem.

Nothing here touches the database. `read_bank` reads a whole bank directory
(taxonomy.yaml and the subsection files); `read_file` reads one subsection
file's bytes against known subsection numbers (the admin import). Both apply
the same rules and raise BankError naming each problem by file and question.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..rules import DIFFICULTIES, choice_problems

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
FIGURES_DIR = "figures"  # beside taxonomy.yaml
FIGURE_ALT_MIN = 40
CHOICE_KEYS = {"text", "correct", "why", "misconception"}
TAXONOMY = "taxonomy.yaml"


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
    """Checked records. `sections` is the taxonomy; empty for a lone file."""

    sections: list[dict[str, Any]]
    questions: list[QuestionData]


def text(value: Any) -> str:
    """A YAML scalar as the text the bank stores (None is empty)."""
    return "" if value is None else str(value)


def _parse_yaml(name: str, content: bytes, problems: list[str]) -> Any:
    try:
        # Newlines as open() in text mode reads them, whatever the file's origin.
        source = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        return yaml.safe_load(source)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: not valid YAML ({exc})")
        return None


def _figure(raw: Any, figures: Path, where: str, problems: list[str]) -> tuple[str, str]:
    """The (file, alt) of a question's optional figure, checked."""
    if raw is None:
        return "", ""
    if not isinstance(raw, dict) or set(raw) != {"file", "alt"}:
        problems.append(f"{where}: figure must be a mapping with file and alt")
        return "", ""
    file, alt = text(raw["file"]).strip(), text(raw["alt"])
    if "/" in file or "\\" in file or not file.endswith(".svg"):
        problems.append(f"{where}: figure file must be an .svg name under {FIGURES_DIR}/")
    elif not (figures / file).is_file():
        problems.append(f"{where}: figure file {FIGURES_DIR}/{file} does not exist")
    if len(alt.strip()) < FIGURE_ALT_MIN:
        problems.append(f"{where}: figure alt is under {FIGURE_ALT_MIN} characters")
    return file, alt


def _question(
    raw: Any, subsection: str, position: int, where: str, problems: list[str], figures: Path
) -> QuestionData | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: each question must be a mapping")
        return None
    qid = text(raw.get("id"))
    where = f"{where}: question {qid or '?'}"
    start = len(problems)
    if not ID_PATTERN.fullmatch(qid):
        problems.append(f"{where}: id must be lowercase letters, digits and dashes")
    if unknown := set(raw) - QUESTION_KEYS:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("difficulty") not in DIFFICULTIES:
        problems.append(f"{where}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    for key in ("stem", "explanation"):
        if not text(raw.get(key)).strip():
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
    if any(_CONTROL.search(text(t)) for t in texts):
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
    figure_file, figure_alt = _figure(raw.get("figure"), figures, where, problems)
    if len(problems) > start:
        return None
    return QuestionData(
        external_id=qid,
        subsection=subsection,
        difficulty=raw["difficulty"],
        stem=text(raw["stem"]),
        explanation=text(raw["explanation"]),
        choices=tuple(
            ChoiceData(
                text=text(c["text"]).strip(),
                why=text(c["why"]),
                correct=c.get("correct") is True,
                misconception=text(c.get("misconception")),
            )
            for c in raw_choices
        ),
        tags=tuple(str(t) for t in tags),
        references=tuple(str(r) for r in refs),
        position=position,
        figure_file=figure_file,
        figure_alt=figure_alt,
    )


def _subsection_file(
    name: str,
    content: bytes,
    *,
    subsections: Collection[str],
    figures: Path,
    seen: dict[str, str],
    problems: list[str],
) -> list[QuestionData]:
    """The questions of one subsection file; problems appended, ids noted in `seen`."""
    data = _parse_yaml(name, content, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(f"{name}: must be a mapping with 'subsection' and 'questions'")
        return []
    number = text(data.get("subsection"))
    if number not in subsections:
        problems.append(f"{name}: subsection {number!r} is not in taxonomy.yaml")
        return []
    questions = []
    for position, raw in enumerate(data.get("questions") or []):
        q = _question(raw, number, position, name, problems, figures)
        if q is None:
            continue
        if q.external_id in seen:
            problems.append(
                f"{name}: question {q.external_id}: id also used in {seen[q.external_id]}"
            )
            continue
        seen[q.external_id] = name
        questions.append(q)
    return questions


def _taxonomy(path: Path, problems: list[str]) -> tuple[list[dict[str, Any]], set[str]]:
    """The sections of taxonomy.yaml and its subsection numbers."""
    if not path.is_file():
        raise BankError([f"{path}: not found"])
    taxonomy = _parse_yaml(path.name, path.read_bytes(), problems) or {}
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
    return sections, numbers


def read_bank(directory: Path) -> Bank:
    """Parse and check every file; raise BankError listing every problem found."""
    root = Path(directory)
    problems: list[str] = []
    taxonomy_path = root / TAXONOMY
    sections, numbers = _taxonomy(taxonomy_path, problems)
    questions: list[QuestionData] = []
    seen: dict[str, str] = {}
    for path in sorted(root.rglob("*.yaml")):
        if path == taxonomy_path:
            continue
        questions += _subsection_file(
            str(path.relative_to(root)),
            path.read_bytes(),
            subsections=numbers,
            figures=root / FIGURES_DIR,
            seen=seen,
            problems=problems,
        )
    if problems:
        raise BankError(problems)
    return Bank(sections=sections, questions=questions)


def read_file(content: bytes, *, name: str, subsections: Collection[str], figures: Path) -> Bank:
    """Parse and check one subsection file, given the subsection numbers that
    exist and the folder its figures must be in; raise BankError as read_bank."""
    problems: list[str] = []
    questions = _subsection_file(
        name, content, subsections=subsections, figures=figures, seen={}, problems=problems
    )
    if problems:
        raise BankError(problems)
    return Bank(sections=[], questions=questions)
