"""The real bank under fixtures/questionbank/ obeys the format and loads."""

import pytest
from django.conf import settings

from quizbank.bank import load_bank, read_bank
from quizbank.models import Question, Subsection


def test_every_file_obeys_the_format():
    bank = read_bank(settings.QUESTIONBANK_DIR)  # raises BankError naming every problem
    assert bank.questions
    numbers = {str(s["number"]) for sec in bank.sections for s in sec["subsections"]}
    assert {q.subsection for q in bank.questions} <= numbers


@pytest.mark.django_db
def test_the_whole_bank_loads_and_a_second_load_changes_nothing():
    first = load_bank(directory=settings.QUESTIONBANK_DIR)
    assert first.created == Question.objects.published().count() > 0
    assert Subsection.objects.count() == 45
    assert load_bank(directory=settings.QUESTIONBANK_DIR).changes == 0
