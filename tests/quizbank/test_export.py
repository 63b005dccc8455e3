"""Issue 16, item 8: missed and flagged questions as an Anki deck and as CSV."""

import csv
import io
import json
import sqlite3
import tempfile
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from quizbank import services
from tests.factories import QuestionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(user, subsection):
    """One missed question (maths and code), one flagged with a note, one neither,
    and another learner's flag that must not leak in."""
    missed = QuestionFactory(
        subsection=subsection,
        stem="What does `x.grad` hold after $y = x^2$ and `y.backward()`?",
        explanation="The gradient $2x$, **accumulated**.",
    )
    flagged = QuestionFactory(subsection=subsection, stem='=HYPERLINK("http://x") flagged one')
    untouched = QuestionFactory(subsection=subsection)
    session = services.session_create(user=user, question_ids=[missed.pk], title="t")
    answer(user, session.items.get(), correct=False)
    services.annotation_save(user=user, question=flagged, flagged=True, note="Remember <this>")
    services.annotation_save(user=UserFactory(), question=untouched, flagged=True)
    return missed, flagged, untouched


def read_apkg(body: bytes) -> tuple[list[tuple], dict]:
    archive = zipfile.ZipFile(io.BytesIO(body))
    media = json.loads(archive.read("media"))
    with tempfile.NamedTemporaryFile(suffix=".anki2") as f:
        f.write(archive.read("collection.anki2"))
        f.flush()
        db = sqlite3.connect(f.name)
        notes = db.execute("select guid, flds, tags from notes order by id").fetchall()
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
        db.close()
    return notes, {"media": media, "decks": decks}


def test_anki_deck_has_front_and_back_rendered(learner_client, mine):
    missed, flagged, untouched = mine
    response = learner_client.get(reverse("export-anki"))
    assert response.status_code == 200
    assert (
        "attachment" in response["Content-Disposition"]
        and ".apkg" in response["Content-Disposition"]
    )
    notes, info = read_apkg(response.content)
    assert len(notes) == 2
    fields = {n[1].split("\x1f")[2]: n for n in notes}
    _guid, flds, tags = next(n for src, n in fields.items() if missed.external_id in src)
    front, back, _ = flds.split("\x1f")
    assert "<math" in front and "<code>x.grad</code>" in front and "$" not in front
    assert front.count("<li>") == 4 and 'type="A"' in front
    assert "Answer: A." in back and "Why option 0 is right" in back
    assert "<strong>accumulated</strong>" in back and "<math" in back
    assert "missed" in tags.split()
    flagged_note = next(n for src, n in fields.items() if flagged.external_id in src)
    assert "Remember &lt;this&gt;" in flagged_note[1] and "flagged" in flagged_note[2].split()
    assert untouched.external_id not in "".join(fields)
    assert any("DeepPrep" in d["name"] for d in info["decks"].values())


def test_anki_notes_keep_their_ids_across_exports(learner_client, mine):
    first, _ = read_apkg(learner_client.get(reverse("export-anki")).content)
    again, _ = read_apkg(learner_client.get(reverse("export-anki")).content)
    assert sorted(n[0] for n in first) == sorted(n[0] for n in again)


def test_csv_lists_the_same_questions_safely(learner_client, mine):
    missed, flagged, _ = mine
    response = learner_client.get(reverse("export-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [missed.external_id, flagged.external_id]
    assert rows[0]["listed as"] == "missed" and rows[0]["key"] == "A"
    assert rows[0]["A"] == "$2x$" and rows[0]["url"].endswith(f"/questions/{missed.external_id}/")
    assert rows[1]["stem"].startswith("'=HYPERLINK")  # never a live formula
    assert rows[1]["my note"] == "Remember <this>"


def test_an_empty_export_is_still_a_valid_file(learner_client):
    notes, _ = read_apkg(learner_client.get(reverse("export-anki")).content)
    assert notes == []
    text = learner_client.get(reverse("export-csv")).content.decode("utf-8-sig")
    assert text.startswith("id,section")


def test_exports_need_login_and_the_links_are_on_missed_and_flagged(learner_client, mine):
    for name in ["export-anki", "export-csv"]:
        assert "/accounts/login/" in Client().get(reverse(name)).url
    for page in ["missed", "flagged"]:
        html = learner_client.get(reverse(page)).content.decode()
        assert reverse("export-anki") in html and reverse("export-csv") in html
