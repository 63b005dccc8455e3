"""Phones are first-class (issue 16, item 2). On every page type at 390×844
(and 1366×900), light and dark: no element's box sticks out of its container
(not only the page's width: a table cut off inside its card fails), except
inside a scroll region that says so; the navigation folds without JavaScript;
the four options of a tutor question are above the fold; the dashboard folds
its long sections on a phone."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import SHOTS, THEMES, VIEWPORTS, learner_page, shot
from tests.browser.test_accessibility import site  # noqa: F401 (the same page of each type)
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every rendered element against its parent, horizontally (1 px of rounding).
# Skipped: what is out of the flow on purpose (sr-only text, absolutely placed
# dots, the skip link, a stacked table's clipped header row), SVG internals
# (drawn in their own viewBox), and what sits in a scroll region with a visible
# affordance (`.scroll-x`, the exam grid).
OVERFLOWS = (Path(__file__).parent / "overflows.js").read_text()
ANONYMOUS = {
    "home": "/",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "reset": "/accounts/password/reset/",
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_no_element_sticks_out_of_its_container(browser, live_server, site, screen, theme):  # noqa: F811
    user, pages = site
    problems = {}
    visitor = browser.new_context(viewport=VIEWPORTS[screen], color_scheme=theme)
    page = visitor.new_page()
    for name, url in ANONYMOUS.items():
        page.goto(live_server.url + url)
        if found := page.evaluate(OVERFLOWS):
            problems[name] = found
        shot(page, f"layout-{name}", screen=screen, theme=theme)
    visitor.close()
    page = learner_page(browser, live_server, user, screen=screen, theme=theme)
    for name, url in pages.items():
        page.goto(live_server.url + url)
        # Folded content (menu, dashboard sections, notes, reports) must fit too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if found := page.evaluate(OVERFLOWS):
            problems[name] = found
        shot(page, f"layout-{name}", screen=screen, theme=theme)
    page.context.close()
    report = SHOTS.parent / f"layout-{screen}-{theme}.json"
    report.write_text(json.dumps(problems, indent=2))
    assert not problems, f"{len(problems)} page(s) with overflowing boxes; see {report}"


@pytest.mark.parametrize("theme", THEMES)
def test_the_navigation_folds_on_a_phone_without_javascript(browser, live_server, theme):
    user = UserFactory()
    page = learner_page(browser, live_server, user, screen="phone", theme=theme)
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], color_scheme=theme, java_script_enabled=False
    )
    context.add_cookies(page.context.cookies())
    page.context.close()
    page = context.new_page()
    page.goto(live_server.url + reverse("dashboard"))
    menu = page.locator(".nav-menu > summary")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="History")).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")  # a <summary>: keyboard and no JavaScript
    expect(page.get_by_role("link", name="History")).to_be_visible()
    shot(page, "nav-open", screen="phone", theme=theme, full_page=False)
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    context.close()

    desktop = learner_page(browser, live_server, user, screen="desktop", theme=theme)
    desktop.goto(live_server.url + reverse("dashboard"))
    expect(desktop.locator(".nav-menu > summary")).to_be_hidden()
    expect(desktop.get_by_role("link", name="History")).to_be_visible()
    desktop.context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_the_four_options_are_above_the_fold_on_a_phone(browser, live_server, theme):
    from quizbank import services

    user = UserFactory()
    sub = SubsectionFactory(title="Regularization")
    stem = (
        "A model reaches 99% training accuracy but 71% validation accuracy after 40 epochs. "
        "You add dropout with p = 0.5 before the last layer and train again with the same "
        "schedule. Which change in the curves is most likely?"
    )
    QuestionFactory(
        subsection=sub,
        stem=stem,
        choices=[
            "Training accuracy drops a little and validation accuracy rises",
            "Both accuracies rise, since dropout adds capacity",
            "Validation accuracy drops, since half the units are removed at test time",
            "Nothing changes: dropout only affects the speed of training",
        ],
    )
    session = services.session_start(user=user, subsection=sub, size=1)
    page = learner_page(browser, live_server, user, screen="phone", theme=theme)
    page.goto(live_server.url + reverse("session-item", args=[session.pk, 1]))
    last = page.locator("#practice .option label").nth(3)
    assert last.bounding_box()["y"] + last.bounding_box()["height"] <= 844
    shot(page, "question-fold", screen="phone", theme=theme, full_page=False)
    page.context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_the_dashboard_folds_its_long_sections_on_a_phone(browser, live_server, site, theme):  # noqa: F811
    user, _ = site
    # The mastery table was 371 px inside a 324 px card with a long subsection name.
    from quizbank import services
    from tests.factories import answer

    long = SubsectionFactory(title="Parameter-efficient fine-tuning and low-rank adapters")
    QuestionFactory(subsection=long)
    session = services.session_start(user=user, subsection=long, size=1)
    answer(user, session.items.get(position=1), correct=True)
    phone = learner_page(browser, live_server, user, screen="phone", theme=theme)
    phone.goto(live_server.url + reverse("dashboard"))
    folds = phone.locator("details.fold")
    assert folds.count() >= 4
    expect(phone.get_by_role("heading", name="Study next: weak topics")).to_be_visible()
    mastery = phone.locator("details.fold", has=phone.locator("#mastery-h"))
    expect(mastery.locator("table")).to_be_hidden()
    mastery.locator("summary").click()
    expect(mastery.locator("table")).to_be_visible()
    assert phone.evaluate(OVERFLOWS) == []
    shot(phone, "dashboard-folded", screen="phone", theme=theme)
    phone.context.close()

    desktop = learner_page(browser, live_server, user, screen="desktop", theme=theme)
    desktop.goto(live_server.url + reverse("dashboard"))
    expect(desktop.locator("details.fold table.mastery")).to_be_visible()
    shot(desktop, "dashboard", screen="desktop", theme=theme)
    desktop.context.close()


LONG_INLINE = (
    r"$\partial h_t/\partial a_f = o \cdot (1 - \tanh^2 c_t) \cdot c_{t-1} \cdot f(1-f)"
    r" = 0.731 \times 0.352 \times 1 \times 0.105 \approx 0.027$."
)
LONG_BLOCK = (
    "Chain rule:\n\n$$\n\\frac{\\partial h_t}{\\partial a_f} = \\underbrace{o}_{0.731}\\cdot"
    "\\underbrace{(1 - \\tanh^2 c_t)}_{1 - 0.8047^2 = 0.352}\\cdot\\underbrace{c_{t-1}}_{1}"
    "\\cdot\\underbrace{f(1-f)}_{0.105} \\approx 0.0271\n$$\n\nSo " + LONG_INLINE
)


@pytest.mark.parametrize("theme", THEMES)
def test_long_maths_stays_inside_a_phone(browser, live_server, theme):
    """Found by the newcomer pass of 30 November: one long inline formula in a
    `why` widened every option past a 390 px screen, and the page with them."""
    from quizbank import services
    from tests.factories import answer

    user = UserFactory()
    sub = SubsectionFactory()
    question = QuestionFactory(subsection=sub, explanation=LONG_BLOCK)
    for choice in question.choices.all():
        choice.why = LONG_INLINE
        choice.save()
    question.save()  # a new version: the page renders what was just saved
    session = services.session_start(user=user, subsection=sub, size=1)
    answer(user, session.items.get(position=1), correct=False)
    page = learner_page(browser, live_server, user, screen="phone", theme=theme)
    page.goto(live_server.url + reverse("session-item", args=[session.pk, 1]))
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    for label in page.locator("#practice .option label").all():
        box = label.bounding_box()
        assert box["x"] + box["width"] <= VIEWPORTS["phone"]["width"], box
    assert page.evaluate(OVERFLOWS) == []
    # Each block that scrolls can be reached by keyboard to scroll it.
    unreachable = page.evaluate(
        "[...document.querySelectorAll('.prose')].filter(b => b.scrollWidth > b.clientWidth + 1"
        " && b.tabIndex < 0).length"
    )
    assert unreachable == 0
    shot(page, "long-maths", screen="phone", theme=theme)
    page.context.close()


SCROLLING_REGIONS = (
    "[...document.querySelectorAll('.scroll-x')]"
    ".filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1)"
    ".map(e => e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))"
)


def test_name_and_figure_tables_fit_a_phone_without_scrolling(browser, live_server):
    """Found on 1 December: on a phone, "Standing by section", a timed test's
    subsections and the forecast by section scrolled sideways to show their
    last figure. Their rows now stack: the name, then its figures side by side."""
    from datetime import timedelta

    from django.utils import timezone

    from quizbank import services
    from quizbank.models import PracticeSession
    from readiness.services import goal_save
    from tests.factories import SectionFactory, answer

    user = UserFactory()
    section = SectionFactory(title="Large language models: pre-training, alignment and serving")
    sub = SubsectionFactory(
        section=section, title="Parameter-efficient fine-tuning and low-rank adapters"
    )
    for _ in range(6):
        QuestionFactory(subsection=sub)
    tutor = services.session_start(user=user, subsection=sub, size=6)
    for item in tutor.items.all():
        answer(user, item, correct=item.position % 2 == 0)
    timed = services.session_start(
        user=user, subsection=sub, size=3, mode=PracticeSession.Mode.TIMED
    )
    first = timed.items.get(position=1)
    key = first.question.choices.get(correct=True)
    services.timed_respond(
        user=user, session_id=timed.pk, item=first, choice_id=key.pk, marked=False
    )
    services.timed_finish(user=user, session_id=timed.pk)
    goal_save(
        user=user,
        interview_date=timezone.localdate() + timedelta(days=21),
        target_score=80,
        minutes_per_day=30,
    )
    page = learner_page(browser, live_server, user, screen="phone", theme="light")
    for name, url in {
        "dashboard": reverse("dashboard"),
        "results": reverse("session-summary", args=[timed.pk]),
    }.items():
        page.goto(live_server.url + url)
        page.evaluate("document.querySelectorAll('details.fold').forEach(d => { d.open = true; })")
        assert page.evaluate(SCROLLING_REGIONS) == [], name
        assert page.evaluate(OVERFLOWS) == [], name
        shot(page, f"split-tables-{name}", screen="phone", theme="light")
    expect(page.locator("table.split td[data-label='Score']").first).to_be_visible()
    page.goto(live_server.url + reverse("dashboard"))
    caption = page.locator("table.split caption").first  # the forecast's, full width
    assert caption.bounding_box()["width"] > 0.8 * page.locator("#today").bounding_box()["width"]
    page.context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_date_and_time_fields_look_like_the_other_fields(browser, live_server, theme):
    """Found on 30 November: the goal's interview date and the profile's reminder
    time were the browser's bare controls beside styled fields."""
    user = UserFactory()
    page = learner_page(browser, live_server, user, screen="phone", theme=theme)
    look = (
        "s => { const c = getComputedStyle(document.querySelector(s));"
        " return [c.borderRadius, c.borderTopColor, c.backgroundColor, c.paddingLeft]; }"
    )
    for url, field, other in [
        (reverse("readiness-goal"), "input[type=date]", "input[type=number]"),
        (reverse("profile"), "input[type=time]", "select"),
    ]:
        page.goto(live_server.url + url)
        assert page.evaluate(look, field) == page.evaluate(look, other), url
        shot(page, f"fields-{url.strip('/').replace('/', '-')}", screen="phone", theme=theme)
    page.context.close()
