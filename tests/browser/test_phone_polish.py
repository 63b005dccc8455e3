"""Small layout bugs a tester found at 390×844 and on a desktop, light and dark:
chart labels scaled down to 6-9 px, the review chart's "Today" cut off at its
left edge, keyboard hints on phones, the profile's groups and reminder checkbox,
the goal form's button beside its last field."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from quizbank import services
from quizbank.models import Attempt, Choice
from srs.days import DayRule
from tests.browser.helpers import SHOTS, THEMES, VIEWPORTS, learner_page, shot
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory
from tests.srs.factories import card_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each visible label of the charts in `selector`: its size on screen (its font
# size times the SVG's scale) and its box against the box of its chart.
CHART_LABELS = """selector => [...document.querySelectorAll(selector + ' text')]
  .filter(t => t.checkVisibility()).map(t => {
    const r = t.getBoundingClientRect(), chart = t.ownerSVGElement.getBoundingClientRect();
    return {text: t.textContent.trim(), chart: t.ownerSVGElement.getAttribute('class'),
      px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
      left: r.left, right: r.right, top: r.top, bottom: r.bottom,
      inside: r.left >= chart.left - .5 && r.right <= chart.right + .5
        && r.top >= chart.top - .5 && r.bottom <= chart.bottom + .5};
  })"""
READABLE_PX = 11


@pytest.fixture
def charted(db):
    """A learner with answers in three of the last weeks (the dashboard's trend)
    and reviews falling due over the next two weeks (the review page's chart)."""
    user = UserFactory(review_limit=200)
    sub = SubsectionFactory(title="Attention")
    questions = [QuestionFactory(subsection=sub) for _ in range(3)]
    keys = {c.question_id: c for c in Choice.objects.filter(question__in=questions, correct=True)}
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=q,
            choice=keys[q.pk],
            correct=weeks <= n,
            time_taken_ms=5000,
            created_at=now - timedelta(weeks=weeks),
        )
        for weeks in (0, 1, 3)
        for n, q in enumerate(questions)
    )
    services.progress_rebuild(user=user)
    today = DayRule.for_user(user).day_of(now)
    for offset in (0, 0, 1, 3, 3, 3, 9, 13):
        card_due(user, today + timedelta(days=offset))
    return user


def _labels(page, selector: str) -> list[dict]:
    return page.evaluate(CHART_LABELS, selector)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_chart_labels_are_readable_on_screen(browser, live_server, charted, screen, theme):
    """The accuracy trend's labels were 6.4 px on a phone (8 on a desktop), the
    review forecast's 9.3: 11 or 16 units in a 560-unit viewBox scaled to the card."""
    page = learner_page(browser, live_server, charted, screen=screen, theme=theme)
    page.goto(live_server.url + reverse("dashboard"))
    page.evaluate("document.querySelectorAll('details.fold').forEach(d => { d.open = true; })")
    trend = _labels(page, "svg.trend")
    assert {label["text"] for label in trend} == {"0%", "50%", "100%"}
    activity = page.locator("section", has=page.locator("#activity-h"))
    activity.screenshot(path=str(SHOTS / f"polish-activity-{screen}-{theme}.png"))
    page.goto(live_server.url + reverse("srs-queue"))
    forecast = _labels(page, "svg.forecast")
    assert "Today" in {label["text"] for label in forecast}
    shot(page, "polish-review", screen=screen, theme=theme)
    page.context.close()
    small = [(lb["chart"], lb["text"], round(lb["px"], 1)) for lb in trend + forecast]
    assert [s for s in small if s[2] < READABLE_PX] == [], small


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_review_chart_labels_sit_inside_it_apart(browser, live_server, charted, screen, theme):
    """On a phone "Today" started 3 px left of the chart and was cut off."""
    page = learner_page(browser, live_server, charted, screen=screen, theme=theme)
    page.goto(live_server.url + reverse("srs-queue"))
    labels = _labels(page, "svg.forecast")
    shot(page, "polish-forecast", screen=screen, theme=theme, full_page=False)
    page.context.close()
    assert [lb["text"] for lb in labels if not lb["inside"]] == []
    overlapping = [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]
    assert overlapping == []


def _question_page(browser, live_server, user, **context):
    """The first question of a new session in a context made with `context`."""
    sub = SubsectionFactory()
    QuestionFactory(subsection=sub)
    session = services.session_start(user=user, subsection=sub, size=1)
    page = learner_page(browser, live_server, user, screen="desktop", theme="light")
    touch = browser.new_context(**context)
    touch.add_cookies(page.context.cookies())
    page.context.close()
    page = touch.new_page()
    page.goto(live_server.url + reverse("session-item", args=[session.pk, 1]))
    return page


@pytest.mark.parametrize(
    ("device", "context", "shown"),
    [
        (
            "touch phone",
            {"viewport": VIEWPORTS["phone"], "has_touch": True, "is_mobile": True},
            False,
        ),
        ("narrow window", {"viewport": VIEWPORTS["phone"]}, False),
        ("desktop", {"viewport": VIEWPORTS["desktop"]}, True),
    ],
)
def test_key_hints_show_only_where_there_are_keys(browser, live_server, device, context, shown):
    page = _question_page(browser, live_server, UserFactory(), **context)
    hint = page.locator("#practice .hint")
    expect(hint).to_have_count(1)
    if shown:
        expect(hint).to_be_visible()
    else:
        expect(hint).to_be_hidden()
    page.screenshot(path=str(SHOTS / f"polish-hints-{device.replace(' ', '-')}.png"))
    page.context.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_profile_groups_are_headed_and_the_checkbox_labelled_beside_it(
    browser, live_server, screen, theme
):
    user = UserFactory()
    page = learner_page(browser, live_server, user, screen=screen, theme=theme)
    page.goto(live_server.url + reverse("profile"))
    shot(page, "polish-profile", screen=screen, theme=theme)
    label = page.locator("label").filter(has_text="Display name").first
    label_px = label.evaluate("l => parseFloat(getComputedStyle(l).fontSize)")
    for name in ["You", "Spaced review", "Reminders"]:
        legend = page.locator("legend", has_text=name)
        style = legend.evaluate(
            "l => [parseFloat(getComputedStyle(l).fontSize), +getComputedStyle(l).fontWeight]"
        )
        assert style[0] >= 1.05 * label_px and style[1] >= 700, (name, style)
    box = page.get_by_label("E-mail me when reviews are due")
    expect(box).to_have_attribute("type", "checkbox")
    expect(page.get_by_label("Reminder time")).to_have_attribute("type", "time")
    check = box.bounding_box()
    own = page.locator(f"label[for='{box.get_attribute('id')}']").bounding_box()
    time_label = page.locator("label", has_text="Reminder time").bounding_box()
    # Its own label on the same line, to its right; the time's label on a line below.
    assert own["x"] > check["x"] + check["width"]
    assert own["y"] < check["y"] + check["height"] and check["y"] < own["y"] + own["height"]
    assert time_label["y"] >= check["y"] + check["height"]
    page.context.close()


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_goal_button_sits_below_the_fields(browser, live_server, screen):
    page = learner_page(browser, live_server, UserFactory(), screen=screen, theme="light")
    page.goto(live_server.url + reverse("readiness-goal"))
    last = page.get_by_label("Minutes a day").bounding_box()
    button = page.get_by_role("button", name="Save and plan").bounding_box()
    shot(page, "polish-goal", screen=screen, theme="light")
    page.context.close()
    assert button["y"] >= last["y"] + last["height"]
