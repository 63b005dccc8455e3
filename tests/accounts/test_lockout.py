"""Failed log-ins lock the pair (account, address), never an account for everyone,
and the client address is the real one behind TRUSTED_PROXY_COUNT proxies."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from config.middleware import client_address
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def log_in(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_failed_logins_lock_the_account_from_that_address_for_a_while(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user.email, "wrong", ATTACKER)
    # Even the right password is refused from there during the cool-off, with a clear page.
    response = log_in(client, user.email, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()


def test_an_attacker_cannot_lock_the_owner_out_from_elsewhere(client, settings):
    owner = UserFactory(is_superuser=True, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT * 3):
        log_in(client, owner.email, "wrong", ATTACKER)
    response = log_in(client, owner.email, PASSWORD, OWNER)
    assert response.status_code == 302 and response.url == reverse("home")


def test_one_address_failing_across_many_accounts_is_throttled(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/10m/ip"}
    users = [UserFactory() for _ in range(4)]
    for u in users[:3]:
        log_in(client, u.email, "wrong", ATTACKER)
    response = log_in(client, users[3].email, PASSWORD, ATTACKER)
    assert response.status_code == 200  # allauth refuses in the form, with a clear message
    assert "Too many failed login attempts" in response.content.decode()
    # ...while the same accounts still open from another address.
    assert log_in(client, users[3].email, PASSWORD, OWNER).status_code == 302


def test_a_locked_out_owner_gets_in_by_the_reset_email(client, settings, after_commit):
    owner = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, owner.email, "wrong", OWNER)  # the attacker shares the owner's address
    assert log_in(client, owner.email, PASSWORD, OWNER).status_code == 429
    with after_commit():
        client.post(reverse("account_reset_password"), {"email": owner.email}, REMOTE_ADDR=OWNER)
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form = client.get(path, REMOTE_ADDR=OWNER, follow=True)
    new = "another-long-pass-9!"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": new, "password2": new},
        REMOTE_ADDR=OWNER,
    )
    assert done.status_code == 302
    client.logout()
    assert log_in(client, owner.email, new, OWNER).status_code == 302


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 0, "10.0.0.2"),  # no proxy: the peer
        ("203.0.113.66", 0, "10.0.0.2"),  # no proxy configured: the header is ignored
        ("203.0.113.66", 1, "203.0.113.66"),
        ("6.6.6.6, 203.0.113.66", 1, "203.0.113.66"),  # forged left part ignored
        ("6.6.6.6, 203.0.113.66, 172.18.0.5", 2, "203.0.113.66"),
        ("", 1, "10.0.0.2"),  # not through the proxy: the peer itself
    ],
)
def test_client_address_reads_x_forwarded_for_only_as_far_as_trusted(forwarded, proxies, expected):
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, proxies) == expected


def test_behind_one_proxy_one_clients_failures_do_not_lock_another(client, settings):
    user = UserFactory()
    proxy = "172.18.0.5"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(
                reverse("account_login"),
                {"login": user.email, "password": "wrong"},
                REMOTE_ADDR=proxy,
                HTTP_X_FORWARDED_FOR=ATTACKER,
            )
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": PASSWORD},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {OWNER}",  # a forged hop does not help
        )
    assert response.status_code == 302
