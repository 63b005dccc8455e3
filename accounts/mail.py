"""Every e-mail leaves through one Celery task, after the transaction commits.

The task takes the rendered message rather than an id: password-reset and
confirmation links are never stored in the database."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


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


def from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
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
