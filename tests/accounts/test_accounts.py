import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_with_email_and_keep_the_browser_time_zone(client):
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
    assert client.get(reverse("catalogue")).status_code == 200  # signed in


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


def test_password_reset_sends_an_email(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to
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
