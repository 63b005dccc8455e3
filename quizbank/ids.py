"""Database ids from URLs and forms: out-of-range or malformed ids are a 404 or a
form error, never an overflow deep in the database driver (a 500 on SQLite)."""

from django import forms

MAX_ID = 2**63 - 1  # a signed 64-bit column (BigAutoField) on Postgres and SQLite


def parse_id(value) -> int | None:
    """`value` as a positive id that fits the database, else None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class IdConverter:
    """`<id:name>` in a URL: digits that fit a 64-bit id (anything else: no match, 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Rejects ids that cannot exist with the usual 'invalid choice' error."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)
