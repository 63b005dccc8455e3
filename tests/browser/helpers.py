"""Steps the browser tests share."""

from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from tests.factories import PASSWORD


def log_in(page: Page, live_server, user) -> None:
    """Log in through the real form and wait for the dashboard."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


# The two screens every learner page is checked on (issue 16), and both themes.
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
THEMES = ["light", "dark"]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def learner_page(browser: Browser, live_server, user, *, screen: str, theme: str) -> Page:
    """A page already logged in as `user` (session cookie, no login form) on
    `screen` ("phone" or "desktop") in `theme`; close it with `page.context.close()`."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=VIEWPORTS[screen], color_scheme=theme)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    return context.new_page()


def shot(page: Page, name: str, *, screen: str, theme: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}-{screen}-{theme}.png"), full_page=full_page)
