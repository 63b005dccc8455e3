from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quizbank.selectors import user_totals

from .forms import ProfileForm


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
        request, "accounts/profile.html", {"form": form, "totals": user_totals(request.user)}
    )
