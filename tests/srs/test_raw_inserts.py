"""The answer's two hand-written inserts (one statement each, no savepoint)
name every column of their models: a new field fails here, not silently."""

import re

import pytest

from quizbank.models import Attempt
from quizbank.services import _ATTEMPT_INSERT
from srs.models import Card
from srs.services import _CARD_INSERT


def columns(sql: str) -> set[str]:
    listed = re.search(r"INSERT INTO \w+ \(([^)]*)\)", sql).group(1)
    return {c.strip() for c in listed.split(",")}


@pytest.mark.parametrize("model, sql", [(Attempt, _ATTEMPT_INSERT), (Card, _CARD_INSERT)])
def test_the_raw_insert_names_every_column(model, sql):
    fields = {f.column for f in model._meta.concrete_fields if not f.primary_key}
    assert columns(sql) == fields
    assert sql.count("%s") == len(fields)
