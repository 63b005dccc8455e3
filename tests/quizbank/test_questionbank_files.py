"""The real bank under fixtures/questionbank/ obeys the format and loads."""

import pytest
from django.conf import settings

from quizbank.bank import export_bank, load_bank, read_bank
from quizbank.markdown import render_markdown, snippet_html
from quizbank.models import Question, Subsection
from quizbank.rules import CHOICE_SNIPPET_CHARS, STEM_SNIPPET_CHARS
from tests.quizbank.snippet_checks import snippet_problems


def test_every_file_obeys_the_format():
    bank = read_bank(settings.QUESTIONBANK_DIR)  # raises BankError naming every problem
    assert bank.questions
    numbers = {str(s["number"]) for sec in bank.sections for s in sec["subsections"]}
    assert {q.subsection for q in bank.questions} <= numbers


def test_every_list_preview_is_well_formed_and_keeps_its_text():
    """As Question.save and Choice.save make them, without the database (seconds,
    not the load's tens): one formula left open hides the rest of its line."""
    problems = {}
    for q in read_bank(settings.QUESTIONBANK_DIR).questions:
        rendered = render_markdown(q.stem)
        if found := snippet_problems(rendered, snippet_html(rendered, STEM_SNIPPET_CHARS)):
            problems[q.external_id] = found
        for position, choice in enumerate(q.choices):
            rendered = render_markdown(choice.text, inline=True)
            if found := snippet_problems(rendered, snippet_html(rendered, CHOICE_SNIPPET_CHARS)):
                problems[f"{q.external_id} option {position}"] = found
    assert problems == {}


@pytest.mark.django_db
def test_the_whole_bank_loads_and_a_second_load_changes_nothing():
    first = load_bank(directory=settings.QUESTIONBANK_DIR)
    assert first.created == Question.objects.published().count() > 0
    assert Subsection.objects.count() == 45
    assert load_bank(directory=settings.QUESTIONBANK_DIR).changes == 0


@pytest.mark.django_db
def test_the_whole_bank_round_trips_through_export(tmp_path):
    load_bank(directory=settings.QUESTIONBANK_DIR)
    export_bank(directory=tmp_path)
    original, exported = read_bank(settings.QUESTIONBANK_DIR), read_bank(tmp_path)
    assert exported.questions == original.questions
    assert exported.sections == original.sections
    # The files are kept in the exporter's own layout, so an admin edit exported
    # back touches only the lines it changed.
    for path in sorted(settings.QUESTIONBANK_DIR.rglob("*.yaml")):
        relative = path.relative_to(settings.QUESTIONBANK_DIR)
        assert (tmp_path / relative).read_text() == path.read_text(), relative
