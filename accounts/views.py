from copy import copy

from allauth.account.internal.flows.email_verification import (
    consume_email_verification_rate_limit,
)
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from quizbank.selectors import progress_totals

from .forms import ProfileForm, ResendConfirmationForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    # A copy: an invalid POST must not leave bad values on request.user, which the
    # rest of the page (the navigation's due count) still uses.
    form = ProfileForm(request.POST or None, instance=copy(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "totals": progress_totals(user=request.user)},
    )


def resend_rate(group: str, request: HttpRequest) -> str:
    """Per address: enough for a typo or two, not for mailing strangers."""
    return settings.RESEND_CONFIRMATION_RATE


@require_POST
@ratelimit(key="ip", rate=resend_rate, method="POST", block=True, group="resend-confirmation")
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    """ "Send the link again" on the verify page. The same answer whether or not an
    unconfirmed account has that address (no enumeration); allauth's own
    per-address cool-off (ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN) still applies,
    and the mail goes through the adapter, so through Celery after commit."""
    form = ResendConfirmationForm(request.POST)
    if not form.is_valid():
        return render(request, "account/verification_sent.html", {"resend_form": form}, status=400)
    email = form.cleaned_data["email"]
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=False)
        .select_related("user")
        .first()
    )
    if address is not None and consume_email_verification_rate_limit(request, address.email):
        address.send_confirmation(request)
    messages.info(
        request,
        "If an account is waiting for confirmation at that address, a new link is on "
        "its way. It can take a minute; check your spam folder too.",
    )
    return redirect("account_email_verification_sent")
