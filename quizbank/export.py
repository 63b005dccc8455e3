"""Take it with you: a learner's missed and flagged questions as an Anki deck
(.apkg, genanki) or CSV. A read (a fixed number of queries) and file builders.

Anki shows HTML in a webview, so a card carries the HTML rendered when the
question was saved: MathML for maths (Anki's webview renders it) and
Pygments-highlighted code, styled by the note type's CSS.
"""

import csv
import io
import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.html import escape

from accounts.models import User

from .models import Annotation, Choice, Question, QuestionProgress
from .rules import OPTION_LETTERS

LETTERS = OPTION_LETTERS
# Stable ids: re-importing an export updates the same note type and deck in
# Anki instead of adding copies (the notes' guids are the question ids).
MODEL_ID = 1_607_392_316
DECK_ID_BASE = 1_700_000_000_000


@dataclass(frozen=True)
class Card:
    question: Question
    choices: list[Choice]
    missed: bool
    flagged: bool
    note: str

    @property
    def key(self) -> Choice:
        return next(c for c in self.choices if c.correct)

    @property
    def key_letter(self) -> str:
        return LETTERS[self.choices.index(self.key)]

    @property
    def why_listed(self) -> str:
        return " and ".join(
            w for w, on in (("missed", self.missed), ("flagged", self.flagged)) if on
        )


def take_away(*, user: User) -> list[Card]:
    """The learner's missed (last answer wrong) and flagged published questions,
    in syllabus order, with their choices in position order: two queries."""
    progress = QuestionProgress.objects.filter(user=user, question=OuterRef("pk"))
    annotations = Annotation.objects.filter(user=user, question=OuterRef("pk"))
    questions = (
        Question.objects.published()
        .annotate(
            missed=Exists(progress.filter(last_correct=False)),
            flagged=Exists(annotations.filter(flagged=True)),
            my_note=Subquery(annotations.values("note")[:1]),
        )
        .filter(Q(missed=True) | Q(flagged=True))
        .select_related("subsection__section")
        .prefetch_related(Prefetch("choices", Choice.objects.order_by("position")))
        .order_by("subsection__section__position", "subsection__position", "position", "pk")
    )
    return [Card(q, list(q.choices.all()), q.missed, q.flagged, q.my_note or "") for q in questions]


# CSV ------------------------------------------------------------------------------

CSV_HEADER = [
    "id",
    "section",
    "subsection",
    "difficulty",
    "listed as",
    "stem",
    "A",
    "B",
    "C",
    "D",
    "key",
    "why the key",
    "explanation",
    "tags",
    "my note",
    "url",
]


def as_csv(cards: list[Card], *, site_url: str) -> str:
    """One row per question, in the bank's Markdown (the source a spreadsheet can
    show); a leading =, +, - or @ is quoted so no spreadsheet runs it as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for card in cards:
        q = card.question
        texts = [c.text for c in card.choices] + [""] * (4 - len(card.choices))
        row = [
            q.external_id,
            q.subsection.section.title,
            f"{q.subsection.number} {q.subsection.title}",
            q.difficulty,
            card.why_listed,
            q.stem,
            *texts[:4],
            card.key_letter,
            card.key.why,
            q.explanation,
            ", ".join(q.tags or []),
            card.note,
            f"{site_url}/questions/{q.external_id}/",
        ]
        writer.writerow([_no_formula(str(v)) for v in row])
    return out.getvalue()


def _no_formula(value: str) -> str:
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


# Anki -----------------------------------------------------------------------------

CARD_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 17px; line-height: 1.5;
  text-align: left; color: #1d232b; background: #fff; max-width: 46em; margin: 0 auto; }
.nightMode.card, .night_mode .card { color: #e6e9ee; background: #161b22; }
ol.options { padding-left: 1.6em; } ol.options li { margin: .3em 0; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em;
  background: rgba(127,127,127,.15); padding: .05em .3em; border-radius: 4px; }
pre { overflow-x: auto; padding: .6em .8em; border-radius: 6px; background: rgba(127,127,127,.12); }
pre code { background: none; padding: 0; }
.key { font-weight: 700; } .why { margin: .3em 0 .8em; }
.meta { color: #6b7380; font-size: .8em; }
img { max-width: 100%; background: #fff; }
"""

_model = genanki.Model(
    MODEL_ID,
    "DeepPrep question",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
    templates=[
        {
            "name": "Question",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<p class="meta">{{Source}}</p>',
        }
    ],
    # The site's Pygments colours, so code on a card looks as it does on the page.
    css=CARD_CSS + (Path(settings.BASE_DIR) / "static/css/pygments.css").read_text(),
)


def _figure(question: Question, media: dict[str, str]) -> str:
    if not question.figure_file:
        return ""
    path = finders.find(f"questionbank/figures/{question.figure_file}")
    if not path:
        return f"<p><em>Figure: {escape(question.figure_alt)}</em></p>"
    name = f"deepprep-{Path(question.figure_file).name}"
    media[name] = path
    return f'<p><img src="{escape(name)}" alt="{escape(question.figure_alt)}"></p>'


def front_html(card: Card, media: dict[str, str]) -> str:
    options = "".join(f"<li>{c.text_html}</li>" for c in card.choices)
    return (
        f"{card.question.stem_html}{_figure(card.question, media)}"
        f'<ol class="options" type="A">{options}</ol>'
    )


def back_html(card: Card) -> str:
    others = "".join(
        f"<li><b>{LETTERS[i]}</b>: {c.why_html}</li>"
        for i, c in enumerate(card.choices)
        if not c.correct
    )
    note = f"<p><b>My note:</b> {escape(card.note)}</p>" if card.note else ""
    return (
        f'<p class="key">Answer: {card.key_letter}. {card.key.text_html}</p>'
        f'<div class="why">{card.key.why_html}</div>'
        f"<h4>Explanation</h4>{card.question.explanation_html}"
        f"<details><summary>Why not the others</summary><ul>{others}</ul></details>{note}"
    )


def as_apkg(cards: list[Card], *, user: User, site_url: str) -> bytes:
    """An Anki package of the cards: one note per question, its guid the question's
    id, tagged with its section, subsection and the bank's tags."""
    deck = genanki.Deck(DECK_ID_BASE + user.pk, "DeepPrep: missed and flagged")
    media: dict[str, str] = {}
    for card in cards:
        q = card.question
        tags = [
            f"deepprep::{q.subsection.section.slug}",
            f"deepprep::{q.subsection.section.slug}::{q.subsection.slug}",
            *(t.replace(" ", "_") for t in q.tags or []),
            *(["missed"] if card.missed else []),
            *(["flagged"] if card.flagged else []),
        ]
        deck.add_note(
            genanki.Note(
                model=_model,
                fields=[
                    front_html(card, media),
                    back_html(card),
                    f'<a href="{site_url}/questions/{q.external_id}/">{q.external_id}</a>',
                ],
                guid=genanki.guid_for("deepprep", q.external_id),
                tags=tags,
            )
        )
    return _package_bytes(genanki.Package(deck, media_files=sorted(set(media.values()))), media)


def _package_bytes(package: genanki.Package, media: dict[str, str]) -> bytes:
    """genanki's write_to_file, in memory and without leaving its temporary
    SQLite file behind; media stored under the names the cards use."""
    fd, db_path = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    try:
        conn = sqlite3.connect(db_path)
        timestamp = time.time()
        package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
        conn.close()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            names = sorted(media)
            archive.writestr("media", json.dumps({str(i): n for i, n in enumerate(names)}))
            for i, name in enumerate(names):
                archive.write(media[name], str(i))
        return out.getvalue()
    finally:
        os.unlink(db_path)


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")
