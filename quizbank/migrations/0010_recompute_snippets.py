from django.db import migrations

from quizbank.markdown import snippet_html
from quizbank.rules import CHOICE_SNIPPET_CHARS, STEM_SNIPPET_CHARS


def recompute_snippets(apps, schema_editor):
    """Previews made before the `<mspace>` fix left formulas with `\\,` open.

    load_questionbank saves only the questions whose YAML changed, so the
    unchanged ones would keep their broken previews: rebuild every one here.
    Only the rows whose preview differs are written; updated_at stays as it is
    (no one edited the question).
    """
    rebuild(apps.get_model("quizbank", "Question"), "stem", STEM_SNIPPET_CHARS)
    rebuild(apps.get_model("quizbank", "Choice"), "text", CHOICE_SNIPPET_CHARS)


def rebuild(model, field: str, chars: int) -> None:
    """`<field>_snippet` from `<field>_html`, written where it differs."""
    html, snippet = f"{field}_html", f"{field}_snippet"
    changed = []
    for row in model.objects.only("pk", html, snippet).iterator():
        fresh = snippet_html(getattr(row, html), chars)
        if fresh != getattr(row, snippet):
            setattr(row, snippet, fresh)
            changed.append(row)
    model.objects.bulk_update(changed, [snippet], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("quizbank", "0009_choice_misconception_index"),
    ]

    operations = [
        migrations.RunPython(recompute_snippets, migrations.RunPython.noop),
    ]
