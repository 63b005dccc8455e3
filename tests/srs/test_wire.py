"""E-mail as it leaves the app (issue 20): a real SMTP server (aiosmtpd) receives
what the normal SMTP backend sends; the tests read the raw bytes, not the
message object."""

import email
import email.policy
import re
import socket
from datetime import UTC, date, datetime, time

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from accounts.models import User
from srs.models import ReminderLog
from tests.factories import UserFactory
from tests.srs.factories import card_due
from tests.srs.test_reminders import dispatch_and_wait

pytestmark = pytest.mark.django_db(transaction=True)
SITE = "https://prep.example.com"


class Sink:
    """An SMTP server's mailbox: the raw DATA of each message received. `refuse`
    holds addresses that do not exist (550 at RCPT); `busy` the number of DATA
    commands to answer 451 (try later) first."""

    def __init__(self):
        self.raw: list[bytes] = []
        self.refuse: set[str] = set()
        self.busy = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 try again later"
        self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.SITE_URL = SITE
    yield sink
    controller.stop()


def headers(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n", "\n")


def parts(raw: bytes) -> tuple[email.message.EmailMessage, str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return (
        message,
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def test_a_reminder_on_the_wire(celery_app, celery_worker, broker, clock, smtp, client):
    clock.to(datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    user = UserFactory(reminder_time=time(8))
    card_due(user, date(2026, 4, 1))
    dispatch_and_wait(celery_app)
    [raw] = smtp.raw
    head = headers(raw)
    # One-click unsubscribe as RFC 2369/8058 and the providers expect: a plain <https://…>.
    match = re.search(
        r"^List-Unsubscribe: <(https://prep\.example\.com/review/unsubscribe/\S+/)>$", head, re.M
    )
    assert match, head
    assert "=?utf-8?" not in head.lower()
    assert re.search(r"^List-Unsubscribe-Post: List-Unsubscribe=One-Click$", head, re.M)
    assert re.search(r"^Message-ID: <[^@>\s]+@prep\.example\.com>$", head, re.M)
    message, plain, html = parts(raw)
    assert "DeepPrep" in message["Subject"] and message["From"].startswith("DeepPrep")
    assert links(plain) and links(html)
    assert all(url.startswith(SITE + "/") for url in links(plain) + links(html))
    assert "127.0.0.1" not in plain + html
    # The mail client's one-click POST, with no session, turns reminders off.
    response = client.post(match[1].removeprefix(SITE), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).reminders_enabled is False


def test_the_confirmation_email_on_the_wire(client, smtp, after_commit):
    with after_commit():
        client.post(
            reverse("account_signup"),
            {
                "email": "wire@example.com",
                "password1": "a-long-pass-1!",
                "password2": "a-long-pass-1!",
            },
        )
    [raw] = smtp.raw
    head = headers(raw)
    assert re.search(r"^Message-ID: <[^@>\s]+@prep\.example\.com>$", head, re.M)
    message, plain, html = parts(raw)
    assert message["Subject"].startswith("[DeepPrep] ")
    [confirm] = [u for u in links(plain) if "/accounts/confirm-email/" in u]
    assert confirm.startswith(SITE + "/accounts/confirm-email/")  # whole, on one line
    assert confirm in html
    assert "testserver" not in plain + html and "127.0.0.1" not in plain + html


def test_an_address_that_does_not_exist_turns_reminders_off_once(
    celery_app, celery_worker, broker, clock, smtp, client
):
    clock.to(datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    user = UserFactory(reminder_time=time(8))
    card_due(user, date(2026, 4, 1))
    smtp.refuse.add(user.email)
    dispatch_and_wait(celery_app)  # one attempt, no retries
    user.refresh_from_db()
    assert user.reminders_enabled is False
    assert user.reminders_off_reason.startswith("550 ")
    log = ReminderLog.objects.get(user=user)
    assert log.status == "skipped" and log.reason.startswith("address refused (550")
    # Next time they log in, the profile says what happened and what to do.
    client.force_login(user)
    page = client.get(reverse("profile")).content.decode()
    assert "refused the address" in page and "550" in page
    # The next day nothing is claimed for them: no work, no retries.
    clock.to(datetime(2026, 4, 2, 20, 0, tzinfo=UTC))
    assert dispatch_and_wait(celery_app).claimed == []


def test_a_busy_server_is_retried_with_backoff_and_the_reminder_sent_once(
    celery_app, celery_worker, broker, clock, smtp, settings
):
    settings.SRS_REMINDER_RETRY_BASE = 1
    clock.to(datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    user = UserFactory(reminder_time=time(8))
    card_due(user, date(2026, 4, 1))
    smtp.busy = 2
    dispatch_and_wait(celery_app)
    assert len(smtp.raw) == 1 and smtp.busy == 0
    assert ReminderLog.objects.get(user=user).status == "sent"
    assert User.objects.get(pk=user.pk).reminders_enabled is True
