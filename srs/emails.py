"""The reminder e-mail: HTML and plain text, with a one-click unsubscribe
(a signed token, and RFC 8058's List-Unsubscribe and List-Unsubscribe-Post)."""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.mail import Message

from .selectors import DueToday

SALT = "srs.unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=SALT)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def reminder_message(*, user, due: DueToday, topic: str | None) -> Message:
    unsubscribe_url = absolute(reverse("srs-unsubscribe", args=[unsubscribe_token(user.pk)]))
    context = {
        "user": user,
        "due": due,
        "count": due.reviews,
        "topic": topic,
        "queue_url": absolute(reverse("srs-queue")),
        "unsubscribe_url": unsubscribe_url,
        "profile_url": absolute(reverse("profile")),
    }
    subject = f"{due.reviews} review{'s' if due.reviews != 1 else ''} due today on DeepPrep"
    message = Message(
        subject=subject,
        body=render_to_string("email/reminder.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("email/reminder.html", context), "text/html")
    return message
