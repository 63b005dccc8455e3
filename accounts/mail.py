"""Every e-mail leaves through one Celery task, after the transaction commits.

The task takes the rendered message rather than an id: password-reset and
confirmation links are never stored in the database."""

import email.policy
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

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


def enqueue(message: EmailMessage) -> None:
    from .tasks import send_email

    payload = as_payload(message)
    transaction.on_commit(lambda: send_email.delay(payload))
