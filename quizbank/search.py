"""Search over the bank, scoped to one learner's record (a selector module).

Postgres: full-text search on `Question.search_vector` (the English tsvector
of `search_document`, stored on save, GIN-indexed by migration 0007),
`websearch_to_tsquery` so people can type "quoted phrases", `or` and
`-minus`, ranked, with highlighted snippets.
SQLite (`make run`): every word must appear (icontains), in syllabus order,
with the snippet cut in Python. Either way a fixed number of queries.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, QuerySet

from accounts.models import User

from .models import SEARCH_CONFIG, Annotation, Question, QuestionProgress

CONFIG = SEARCH_CONFIG
# Marks the headline puts around a match: control characters that cannot be in
# the text, swapped for <mark> after the text is escaped.
START, STOP = "\x02", "\x03"
SNIPPET_CHARS = 200


class Status(models.TextChoices):
    ANY = "", "Any"
    UNSEEN = "unseen", "Not yet answered"
    MISSED = "missed", "Missed (last answer wrong)"
    FLAGGED = "flagged", "Flagged"
    NOTED = "noted", "With a note"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def search_questions(
    *,
    user: User,
    text: str,
    section: str = "",
    difficulty: str = "",
    status: str = "",
) -> QuerySet[Question]:
    """Published questions matching `text` and the filters, best first, each
    annotated with the learner's `missed`, `flagged`, `noted` and `seen`, and
    (Postgres) `headline`. A queryset to page: rows and their flags in one query."""
    questions = Question.objects.published().select_related("subsection__section")
    if section:
        questions = questions.filter(subsection__section__slug=section)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    progress = QuestionProgress.objects.filter(user=user, question=OuterRef("pk"))
    annotations = Annotation.objects.filter(user=user, question=OuterRef("pk"))
    questions = questions.annotate(
        seen=Exists(progress),
        missed=Exists(progress.filter(last_correct=False)),
        flagged=Exists(annotations.filter(flagged=True)),
        noted=Exists(annotations.exclude(note="")),
    )
    if status == Status.UNSEEN:
        questions = questions.filter(seen=False)
    elif status in {Status.MISSED, Status.FLAGGED, Status.NOTED}:
        questions = questions.filter(**{status: True})
    order = ["subsection__section__position", "subsection__position", "position"]
    text = text.strip()
    if not text:
        return questions.order_by(*order)
    if _postgres():
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        return (
            questions.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                headline=SearchHeadline(
                    "search_document",
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", *order)
        )
    for word in _words(text):
        questions = questions.filter(search_document__icontains=word)
    return questions.order_by(*order)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w\-.^{}\\]+", text.lower()) if w not in {"or", "and"}][:8]


@dataclass(frozen=True)
class Hit:
    question: Question
    snippet: str  # safe HTML: escaped text with <mark>ed matches


def hits(questions, text: str) -> list[Hit]:
    """The page's questions with a highlighted snippet of where they matched."""
    return [Hit(q, _snippet(q, text)) for q in questions]


def _snippet(question: Question, text: str) -> str:
    headline = getattr(question, "headline", None)
    if headline is None:  # SQLite, or no search text: cut around the first match
        headline = _cut_around(question.search_document, _words(text))
    escaped = html.escape(" ".join(headline.split()), quote=False)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _cut_around(document: str, words: list[str]) -> str:
    if not words:
        return ""
    lower = document.lower()
    found = [(lower.find(w), w) for w in words if lower.find(w) >= 0]
    if not found:
        return ""
    at = min(found)[0]
    start = max(0, at - SNIPPET_CHARS // 3)
    piece = document[start : start + SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.I)
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", piece)
    return (
        ("… " if start else "") + marked + (" …" if start + SNIPPET_CHARS < len(document) else "")
    )


def notes(*, user: User) -> QuerySet[Annotation]:
    """Every note the learner wrote, newest first, with its question (a queryset to page)."""
    return (
        Annotation.objects.filter(user=user, question__status=Question.Status.PUBLISHED)
        .exclude(note="")
        .select_related("question__subsection__section")
        .order_by("-updated_at", "-pk")
    )


def result_ids(questions: QuerySet[Question], limit: int) -> list[int]:
    """The first `limit` results' ids, in the page's order, for "Practise these"."""
    return list(questions.values_list("pk", flat=True)[:limit])
