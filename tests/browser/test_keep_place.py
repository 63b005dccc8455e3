"""Flag, note and report keep the reader's place (issue 16, item 3): after the
htmx swap the page does not scroll, focus stays on the control, and a polite
live region says what happened."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizbank import services
from quizbank.models import Annotation, ProblemReport
from tests.browser.helpers import THEMES, VIEWPORTS, learner_page, shot
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "A long explanation so the flag sits well below the fold. " * 60


@pytest.fixture
def feedback(db):
    """A learner on the feedback page of a question with a long explanation."""
    user = UserFactory()
    sub = SubsectionFactory()
    question = QuestionFactory(subsection=sub, explanation=LONG)
    session = services.session_start(user=user, subsection=sub, size=1)
    answer(user, session.items.get(position=1), correct=False)
    return user, question, reverse("session-item", args=[session.pk, 1])


def scrolled_to(page, selector: str) -> int:
    """Scroll so `selector` sits mid-screen; return scrollY (it must be well down)."""
    page.locator(selector).evaluate("el => el.scrollIntoView({block: 'center'})")
    y = page.evaluate("window.scrollY")
    assert y > 300, y
    return y


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_flag_note_and_report_keep_the_place(browser, live_server, feedback, screen, theme):
    user, question, url = feedback
    page = learner_page(browser, live_server, user, screen=screen, theme=theme)
    page.goto(live_server.url + url)
    live = page.locator("#announce")

    y = scrolled_to(page, ".flag-button")
    page.locator(".flag-button").click()
    expect(page.locator(".flag-button")).to_have_attribute("aria-pressed", "true")
    expect(live).to_have_text("Flagged for later.")
    assert page.evaluate("window.scrollY") == y
    expect(page.locator(".flag-button")).to_be_focused()
    assert Annotation.objects.get(user=user, question=question).flagged

    page.locator(".flag-button").click()  # and back
    expect(page.locator(".flag-button")).to_have_attribute("aria-pressed", "false")
    expect(live).to_have_text("Flag removed.")
    assert page.evaluate("window.scrollY") == y

    page.locator(".note summary").click()
    y = scrolled_to(page, ".note textarea")
    page.locator(".note textarea").fill("Remember the power rule.")
    page.get_by_role("button", name="Save note").click()
    expect(live).to_have_text("Note saved.")
    assert page.evaluate("window.scrollY") == y
    assert Annotation.objects.get(user=user, question=question).note == "Remember the power rule."

    page.locator("#report summary").click()
    y = scrolled_to(page, "#report textarea")
    page.locator("#report textarea").fill("The key looks wrong to me.")
    page.get_by_role("button", name="Send report").click()
    expect(live).to_have_text("Report sent: an editor will look at it.")
    expect(page.locator("#report p")).to_be_focused()
    # The form folds into one line at the foot of the page, so the browser may
    # have to clamp the scroll to the shorter page, never more.
    bottom = page.evaluate("document.documentElement.scrollHeight - window.innerHeight")
    assert page.evaluate("window.scrollY") == min(y, bottom)
    expect(page.locator("#report p")).to_be_in_viewport()
    assert ProblemReport.objects.filter(user=user, question=question).exists()
    shot(page, "keep-place", screen=screen, theme=theme, full_page=False)
    page.context.close()


def test_without_javascript_the_flag_returns_to_the_question(browser, live_server, feedback):
    """No JS: the form posts, and the redirect lands back at the flag, not the top."""
    user, question, url = feedback
    context = browser.new_context(java_script_enabled=False)
    client_page = learner_page(browser, live_server, user, screen="phone", theme="light")
    cookies = client_page.context.cookies()
    client_page.context.close()
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(live_server.url + url)
    page.locator(".flag-button").click()
    expect(page.locator(".flag-button")).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(f"#annotation-{question.pk}")
    context.close()
