"""Keyboard alone: reach practice through links, answer, flag, go next and
finish; sit a timed test; every step by Tab, Enter, Space and shortcuts."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD, QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus (as a keyboard user would)."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("el => document.activeElement === el", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never reached {target} with Tab")


def test_practice_and_a_timed_test_by_keyboard_only(page: Page, live_server):
    sub = SubsectionFactory(title="Loss Functions")
    for _ in range(3):
        QuestionFactory(subsection=sub)
    user = UserFactory()
    page.goto(live_server.url + "/accounts/login/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Practice", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Loss Functions"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Start practising"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_visible()

    page.keyboard.press("2")
    page.keyboard.press("s")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback-banner")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="☆ Flag for later"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="★ Flagged")).to_be_visible()
    for n in (2, 3):
        page.keyboard.press("n")
        expect(page.get_by_role("heading", name=f"Question {n} of 3")).to_be_visible()
        page.keyboard.press("i")  # "I don't know" (D chooses option D)
        expect(page.locator(".feedback-banner")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="See your score →"))
    page.keyboard.press("Enter")
    expect(page.locator(".score")).to_have_text(re.compile(r"\d / 3"))

    # A timed test from the builder, by keyboard.
    tab_to(page, page.get_by_role("link", name="Custom test"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label(re.compile("^Tutor")))  # Tab enters the radio group
    page.keyboard.press("ArrowDown")  # arrows choose within it
    expect(page.get_by_label(re.compile("^Timed mock interview"))).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Start the test"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_visible()
    page.keyboard.press("1")
    page.keyboard.press("m")
    page.keyboard.press("Enter")  # save and next
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    tab_to(page, page.get_by_role("button", name="Review and submit"))
    page.keyboard.press("Enter")  # the review screen lists what is unanswered or marked
    expect(page.get_by_role("heading", name="Review before submitting")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Submit the test"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.get_by_text("marked").first).to_be_visible()
