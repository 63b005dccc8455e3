"""Review settings on the profile page."""

from datetime import time

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FULL = {
    "display_name": "Ada",
    "timezone": "Asia/Kolkata",
    "day_rollover_hour": "3",
    "reminder_time": "07:30",
    "desired_retention": "0.85",
    "review_limit": "50",
    "new_limit": "5",
}


def test_defaults():
    user = UserFactory()
    assert (user.day_rollover_hour, user.reminders_enabled, user.reminder_time) == (
        4,
        True,
        time(18, 0),
    )
    assert user.desired_retention == 0.9


def test_profile_saves_review_and_reminder_settings(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("profile")).content.decode()
    for label in ["Your day starts at", "Desired retention", "Reminder time", "E-mail me"]:
        assert label in page
    response = client.post(reverse("profile"), FULL)  # reminders box unticked: off
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.timezone, user.day_rollover_hour, user.reminder_time) == (
        "Asia/Kolkata",
        3,
        time(7, 30),
    )
    assert (user.desired_retention, user.review_limit, user.new_limit) == (0.85, 50, 5)
    assert user.reminders_enabled is False
    client.post(reverse("profile"), {**FULL, "reminders_enabled": "on"})
    user.refresh_from_db()
    assert user.reminders_enabled is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("desired_retention", "0.5"), ("desired_retention", "0.99"), ("day_rollover_hour", "24")],
)
def test_out_of_range_settings_are_refused_with_a_message(client, field, value):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("profile"), {**FULL, field: value})
    assert "errorlist" in response.content.decode()
    user.refresh_from_db()
    assert user.desired_retention == 0.9 and user.day_rollover_hour == 4


def test_a_partial_post_keeps_the_other_settings(client):
    user = UserFactory(reminder_time=time(6, 0), desired_retention=0.92)
    client.force_login(user)
    client.post(reverse("profile"), {"display_name": "Bo", "timezone": "UTC"})
    user.refresh_from_db()
    assert (user.display_name, user.reminder_time, user.desired_retention) == (
        "Bo",
        time(6, 0),
        0.92,
    )
    assert user.reminders_enabled is True
