"""Issue 16, item 9: "send the link again" on the verify page, rate limited, no enumeration."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SIGNUP = {
    "email": "late@example.com",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}


def confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)[1]


def test_the_verify_page_sends_a_working_link_again(client, after_commit, settings):
    with after_commit():
        response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    page = response.content.decode()
    assert reverse("resend-confirmation") in page and "Send the link again" in page
    assert len(mail.outbox) == 1
    cache.clear()  # allauth's per-address cool-off (3 minutes) has passed
    with after_commit():
        response = client.post(
            reverse("resend-confirmation"), {"email": "LATE@example.com"}, follow=True
        )
    assert "a new link is on its way" in response.content.decode()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["late@example.com"]
    client.get(confirm_link(mail.outbox[1]))  # the new link confirms and logs in
    assert client.get(reverse("catalogue")).status_code == 200
    assert User.objects.get(email="late@example.com").emailaddress_set.get().verified


def test_the_same_answer_for_unknown_and_confirmed_addresses(client, after_commit):
    confirmed = UserFactory()
    answers = set()
    for email in ["nobody@example.com", confirmed.email]:
        with after_commit():
            response = client.post(reverse("resend-confirmation"), {"email": email}, follow=True)
        page = re.sub(r"[A-Za-z0-9]{64}", "<csrf token>", response.content.decode())
        page = re.sub(r'nonce="[^"]+"', "<nonce>", page)
        answers.add(page)
    assert len(answers) == 1 and mail.outbox == []


def test_allauth_cooldown_and_the_address_limit_hold(client, after_commit):
    with after_commit():
        client.post(reverse("account_signup"), SIGNUP)
    with after_commit():
        client.post(reverse("resend-confirmation"), {"email": SIGNUP["email"]})
    assert len(mail.outbox) == 1  # within allauth's cool-off: the first link still works
    statuses = [
        client.post(reverse("resend-confirmation"), {"email": f"x{i}@example.com"}).status_code
        for i in range(8)
    ]
    assert 429 in statuses


def test_bad_input_is_a_form_error(client):
    response = client.post(reverse("resend-confirmation"), {"email": "not-an-address"})
    assert (
        response.status_code == 400 and "Enter a valid email address" in response.content.decode()
    )
    assert client.get(reverse("resend-confirmation")).status_code == 405
