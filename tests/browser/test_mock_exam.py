"""The mock-exam loop in Chromium (issue 16, item 4): the timer and grid stay in
view while the site navigation steps aside, a review screen lists unanswered
and marked questions before submitting, results filter and break down by
subsection; a tutor session can be finished early."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizbank import services
from quizbank.models import Attempt, PracticeSession
from tests.browser.helpers import THEMES, VIEWPORTS, learner_page, shot
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_STEM = "Read this long scenario carefully before answering. " * 40


@pytest.fixture
def learner(db):
    for title in ("Optimizers", "Pooling Layer"):
        sub = SubsectionFactory(title=title)
        for _ in range(3):
            QuestionFactory(subsection=sub, stem=LONG_STEM + " What is $d(x^2)/dx$?")
    return UserFactory()


def pick(page, *, correct: bool):
    options = page.locator("#practice .option label")
    wanted = r"^2x$" if correct else r"^2$"
    options.filter(has=page.locator("math", has_text=re.compile(wanted))).click()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_a_mock_exam_from_first_question_to_filtered_results(
    browser, live_server, learner, screen, theme
):
    session = services.session_start(user=learner, size=4, mode=PracticeSession.Mode.TIMED)
    page = learner_page(browser, live_server, learner, screen=screen, theme=theme)
    page.goto(live_server.url + reverse("session-item", args=[session.pk, 1]))

    # No site navigation during the test; the timer and grid stay on screen.
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    bar = page.locator(".exam-bar")
    page.locator(".mark-review").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 100
    expect(bar).to_be_in_viewport()
    assert bar.bounding_box()["y"] == 0
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    shot(page, "exam-question", screen=screen, theme=theme, full_page=False)

    pick(page, correct=True)
    page.get_by_role("button", name="Save and next →").click()
    expect(page.get_by_role("heading", name="Question 2 of 4")).to_be_visible()
    pick(page, correct=False)
    page.get_by_label("Mark for review").check()
    page.get_by_role("button", name="Question 4").click()  # the grid saves on the way
    expect(page.get_by_role("heading", name="Question 4 of 4")).to_be_visible()
    page.get_by_label("Mark for review").check()
    page.get_by_role("button", name="Review and submit").click()

    expect(page.get_by_role("heading", name="Review before submitting")).to_be_visible()
    unanswered = page.locator("section", has=page.get_by_role("heading", name="Unanswered"))
    expect(unanswered.locator(".cell")).to_have_text(["3", "4"])
    marked = page.locator("section", has=page.get_by_role("heading", name="Marked for review"))
    expect(marked.locator(".cell")).to_have_text(["2", "4"])
    shot(page, "exam-review", screen=screen, theme=theme)
    page.once("dialog", lambda dialog: dialog.accept())  # "Submit with 2 unanswered?"
    page.get_by_role("button", name="Submit the test").click()

    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.locator(".score")).to_have_text("1 / 4")
    expect(page.locator(".breakdown tbody tr")).to_have_count(2)
    expect(page.locator(".result-item")).to_have_count(4)
    page.get_by_role("link", name=re.compile("^Wrong")).click()
    expect(page.locator(".result-item")).to_have_count(1)
    page.get_by_role("link", name=re.compile("^Marked")).click()
    expect(page.locator(".result-item")).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("^Marked"))).to_have_attribute(
        "aria-current", "true"
    )
    shot(page, "exam-results-marked", screen=screen, theme=theme)
    page.get_by_role("link", name="Question 1, right").click()  # hidden by the filter
    expect(page.locator("#item-1")).to_be_in_viewport()
    assert Attempt.objects.filter(item__session=session).count() == 2
    page.context.close()


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_a_tutor_session_finishes_early(browser, live_server, learner, screen):
    session = services.session_start(user=learner, size=4)
    page = learner_page(browser, live_server, learner, screen=screen, theme="light")
    page.goto(live_server.url + reverse("session-item", args=[session.pk, 1]))
    pick(page, correct=True)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback-banner")).to_be_visible()
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Your score")).to_be_visible()
    expect(page.locator(".score")).to_have_text("1 / 4")
    expect(page.get_by_text("1 of 4 answered")).to_be_visible()
    page.context.close()
