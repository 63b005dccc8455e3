import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)[1]


def test_sign_up_confirm_by_email_and_keep_the_browser_time_zone(client, after_commit):
    with after_commit():
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
                "timezone": "Pacific/Auckland",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.timezone == "Pacific/Auckland"
    assert client.get(reverse("catalogue")).status_code == 302  # not in until confirmed
    client.get(confirm_link(mail.outbox[-1]))  # one click confirms and logs in
    assert client.get(reverse("catalogue")).status_code == 200


def test_unknown_time_zone_falls_back_to_utc(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "tz@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "timezone": "Mars/Olympus",
        },
    )
    assert User.objects.get(email="tz@example.com").timezone == "UTC"


def test_log_in_and_out(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_wrong_password_says_so(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_an_email(client, after_commit):
    user = UserFactory()
    with after_commit():
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_mail_leaves_from_the_request_when_the_broker_is_down(client, after_commit):
    """Redis (the broker) down: the reset e-mail is sent from the request itself,
    not lost, and the learner sees the usual page, not a 500."""
    user = UserFactory()
    down = mock.patch("accounts.tasks.send_email.delay", side_effect=OperationalError("refused"))
    with down, after_commit():
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_profile_edits_time_zone(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("profile"), {"display_name": "Ada", "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.timezone) == ("Ada", "Europe/Berlin")
    response = client.post(reverse("profile"), {"display_name": "Ada", "timezone": "Nowhere"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_pages_use_the_site_design(client):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        content = client.get(reverse(name)).content.decode()
        assert "Deep<span>Prep</span>" in content and "css/app.css" in content


def test_sign_up_does_not_reveal_registered_emails(client, after_commit):
    """The same page whether or not the address is taken (no user enumeration)."""
    UserFactory(email="taken@example.com")
    with after_commit():
        responses = [
            client.post(
                reverse("account_signup"),
                {"email": email, "password1": "a-long-pass-1!", "password2": "a-long-pass-1!"},
            )
            for email in ("taken@example.com", "free@example.com")
        ]
    assert responses[0].status_code == responses[1].status_code == 302
    assert responses[0].url == responses[1].url
    # The owner of the taken address is told by email instead.
    assert "taken@example.com" in mail.outbox[0].to


def test_password_reset_does_not_reveal_registered_emails(client):
    UserFactory(email="known@example.com")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
