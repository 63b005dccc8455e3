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
    Question = apps.get_model("quizbank", "Question")
    Choice = apps.get_model("quizbank", "Choice")
    questions = []
    for q in Question.objects.only("pk", "stem_html", "stem_snippet").iterator():
        snippet = snippet_html(q.stem_html, STEM_SNIPPET_CHARS)
        if snippet != q.stem_snippet:
            q.stem_snippet = snippet
            questions.append(q)
    Question.objects.bulk_update(questions, ["stem_snippet"], batch_size=500)
    choices = []
    for c in Choice.objects.only("pk", "text_html", "text_snippet").iterator():
        snippet = snippet_html(c.text_html, CHOICE_SNIPPET_CHARS)
        if snippet != c.text_snippet:
            c.text_snippet = snippet
            choices.append(c)
    Choice.objects.bulk_update(choices, ["text_snippet"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("quizbank", "0009_choice_misconception_index"),
    ]

    operations = [
        migrations.RunPython(recompute_snippets, migrations.RunPython.noop),
    ]
