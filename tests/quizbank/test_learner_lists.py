"""Issue 16: lists show rendered, safely truncated HTML, never Markdown source."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from quizbank import services
from quizbank.markdown import render_markdown, snippet_html
from quizbank.models import Choice, Question
from tests.factories import QuestionFactory, answer
from tests.quizbank.snippet_checks import snippet_problems

pytestmark = pytest.mark.django_db

MATHS_STEM = "Which learning rate is $10^{-5}$ when `lr_scheduler.step()` runs? " + "More. " * 40


def test_snippet_keeps_maths_and_code_and_drops_markdown():
    html = snippet_html(render_markdown(MATHS_STEM), 160)
    assert "<math" in html and "</math>" in html and "<code>lr_scheduler.step()</code>" in html
    assert "$" not in html and "`" not in html
    assert html.endswith("…")


def test_snippet_never_cuts_inside_a_formula_or_leaves_a_tag_open():
    html = snippet_html(render_markdown("x" * 150 + r" $\alpha + \beta + \gamma$ tail"), 155)
    assert "<math" not in html and html.endswith("…")
    html = snippet_html(render_markdown("**" + " ".join(["word"] * 80) + "**"), 50)
    assert html.startswith("<strong>") and html.endswith("</strong>")


def test_snippet_closes_a_formula_with_a_thin_space_and_keeps_the_text_after_it():
    """`\\,` renders as `<mspace …></mspace>`; taken for a void tag, it once left
    the formula open and the rest of the line vanished inside it."""
    source = r"GELU, $x\,\Phi(x)$, and SiLU/Swish, $x\,\sigma(x)$, are common defaults."
    rendered = render_markdown(source)
    html = snippet_html(rendered, 160)
    assert snippet_problems(rendered, html) == []
    assert html.startswith("GELU, <math") and html.endswith("</math>, are common defaults.")
    assert "</math>, and SiLU/Swish, <math" in html
    assert html.count("<mspace") == html.count("</mspace>") == 2


def test_migration_0010_rebuilds_the_previews_stored_before_the_fix(subsection):
    """The loader skips unchanged questions, so the migration must rebuild theirs."""
    q = QuestionFactory(subsection=subsection, stem=r"GELU, $x\,\Phi(x)$, a default.")
    choice = q.choices.get(position=0)
    Question.objects.filter(pk=q.pk).update(stem_snippet="GELU, <math>open")
    Choice.objects.filter(pk=choice.pk).update(text_snippet="<math>open")
    name = "0010_recompute_snippets"
    migration = import_module(f"quizbank.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state(("quizbank", name))
    migration.recompute_snippets(state.apps, None)
    q.refresh_from_db()
    choice.refresh_from_db()
    assert q.stem_snippet == snippet_html(q.stem_html, 160)
    assert q.stem_snippet.endswith("</math>, a default.")
    assert choice.text_snippet == snippet_html(choice.text_html, 90)


def test_snippet_flattens_a_code_block_to_one_code_run():
    source = "Look:\n\n```python\nx = 1\nprint(x)\n```\n\nWhat prints?"
    html = snippet_html(render_markdown(source), 160)
    assert html == "Look: <code>x = 1 print(x)</code> What prints?"


def test_snippet_is_stored_when_a_question_is_saved(subsection):
    q = QuestionFactory(subsection=subsection, stem=MATHS_STEM)
    q.refresh_from_db()
    assert "<math" in q.stem_snippet and "$" not in q.stem_snippet
    assert "<math" in q.choices.get(position=0).text_snippet


def test_summary_missed_and_flagged_show_rendered_previews(learner_client, user, subsection):
    q = QuestionFactory(subsection=subsection, stem=MATHS_STEM)
    session = services.session_start(user=user, subsection=subsection, size=1)
    answer(user, session.items.get(), correct=False)
    services.annotation_save(user=user, question=q, flagged=True)
    for url in [
        reverse("session-summary", args=[session.pk]),
        reverse("missed"),
        reverse("flagged"),
    ]:
        page = learner_client.get(url).content.decode()
        assert "<math" in page, url
        assert "$10^{-5}$" not in page and "`lr_scheduler" not in page, url
    missed = learner_client.get(reverse("missed")).content.decode()
    assert "Your last answer: “<span" in missed and "$x$" not in missed


def test_admin_question_list_shows_rendered_previews(admin_client, subsection):
    QuestionFactory(subsection=subsection, stem=MATHS_STEM)
    page = admin_client.get(reverse("admin:quizbank_question_changelist")).content.decode()
    assert "<math" in page and "$10^{-5}$" not in page
    assert Question.objects.count() == 1
