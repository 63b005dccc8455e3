"""An editor in Chromium: a suspect question's statistics on its admin page."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from editorial.services import item_stats_refresh
from quizbank.models import Question
from tests.editorial.factories import attempts_bulk, learners
from tests.factories import PASSWORD, QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_editor_sees_the_item_analysis_and_warning(page: Page, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    subsection = SubsectionFactory(title="Activation Functions")
    people = learners(30)
    fillers = [QuestionFactory(subsection=subsection) for _ in range(6)]
    suspect = QuestionFactory(subsection=subsection, external_id="relu-dead-neurons")
    rows = [
        (u, q, 0 if k >= 3 + 3 * i else 1 + k % 3)
        for i, q in enumerate(fillers)
        for k, u in enumerate(people)
    ]
    rows += [
        (u, suspect, 1 if k >= 22 else (0 if k >= 12 else 2 + k % 2)) for k, u in enumerate(people)
    ]
    attempts_bulk(rows)
    item_stats_refresh()
    UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email").fill("editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    question = Question.objects.get(external_id="relu-dead-neurons")
    page.goto(f"{live_server.url}/admin/quizbank/question/{question.pk}/change/")
    expect(page.get_by_text("Times answered")).to_be_visible()
    expect(page.locator(".field-item_analysis ul.suspects")).to_contain_text(
        "Strong learners chose B"
    )
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.screenshot(path=str(SHOTS / "editorial-question-stats.png"), full_page=False)

    page.set_viewport_size({"width": 1800, "height": 700})
    page.goto(f"{live_server.url}/admin/quizbank/question/?suspect=distractor")
    expect(page.locator("#result_list")).to_contain_text("relu-dead-neurons")
    page.screenshot(path=str(SHOTS / "editorial-question-list.png"), full_page=False)
