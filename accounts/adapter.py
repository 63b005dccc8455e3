"""allauth, as DeepPrep sends its mail: through Celery, named "DeepPrep", with
links on SITE_URL, and sign-up taking the same time whether or not the address
is registered."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string

from .mail import enqueue


def on_site(url: str) -> str:
    """`url` moved onto SITE_URL: e-mailed links never carry the request's host."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL.rstrip("/") + path


def site() -> SimpleNamespace:
    """What allauth's templates call `current_site`: the product, not the host."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text e-mails, each with an HTML part in the product's design."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if message.content_subtype == "plain" and not getattr(message, "alternatives", None):
            html = render_to_string(
                "email/transactional.html", {"subject": message.subject, "body": message.body}
            )
            message.attach_alternative(html, "text/html")
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now, send from a Celery worker after the request commits: a slow
        SMTP server never stalls a web worker, and the response time no longer
        says whether an e-mail went out."""
        message = self.render_mail(
            template_prefix,
            email,
            {"request": self.request, "email": email, "current_site": site(), **context},
        )
        enqueue(message)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))
