"""Steps the browser tests share."""

from playwright.sync_api import Page

from tests.factories import PASSWORD


def log_in(page: Page, live_server, user) -> None:
    """Log in through the real form and wait for the dashboard."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
