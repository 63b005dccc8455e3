"""Every e-mail leaves through one Celery task, after the transaction commits
(or from the request itself while the broker is down).

The task takes the rendered message rather than an id: password-reset and
confirmation links are never stored in the database."""

import email.policy
import logging
from email.utils import make_msgid
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# RFC 5322's limit. Python's default of 78 makes a header holding a long URL
# (List-Unsubscribe) come out as RFC 2047 encoded words, which providers do not
# recognise, and wraps long links in bodies with quoted-printable soft breaks.
MAX_LINE = 998


class Message(EmailMultiAlternatives):
    """Every e-mail DeepPrep sends: Message-ID on the site's domain, Reply-To from
    settings, and headers and links that stay whole on the wire."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        self.extra_headers.setdefault("Message-ID", make_msgid(domain=domain))
        if not self.reply_to and settings.DEFAULT_REPLY_TO:
            self.reply_to = [settings.DEFAULT_REPLY_TO]

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=MAX_LINE))


def as_payload(message: EmailMessage) -> dict:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "html_only": message.content_subtype == "html",
    }


def from_payload(payload: dict) -> Message:
    message = Message(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        reply_to=payload["reply_to"] or None,
        headers=payload["headers"],
    )
    if payload.get("html_only"):
        message.content_subtype = "html"
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def _queue(payload: dict) -> None:
    from .tasks import send_email

    try:
        send_email.delay(payload)
    except OperationalError:
        # The broker (Redis) is down: send it from here rather than lose it, or
        # answer with a 500 for what the request has already saved.
        logger.warning("Broker unreachable: sending %r from the request", payload["subject"])
        from_payload(payload).send()


def enqueue(message: EmailMessage) -> None:
    """Send after the transaction commits, through the worker (retries on network
    errors); robust, so a failure to send costs the e-mail, logged, not the page."""
    transaction.on_commit(partial(_queue, as_payload(message)), robust=True)
