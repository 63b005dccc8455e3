import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from .models import User


class SignupForm(AllauthSignupForm):
    """Sign-up that keeps the time zone the browser reports (hidden, optional)."""

    timezone = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone") or "UTC"
        return name if name in zoneinfo.available_timezones() else "UTC"

    def save(self, request):
        user = super().save(request)
        user.timezone = self.cleaned_data["timezone"]
        user.save(update_fields=["timezone"])
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "timezone"]
        labels = {"display_name": "Display name", "timezone": "Time zone"}
        help_texts = {"timezone": "Your streaks and daily goals are counted in this time zone."}
