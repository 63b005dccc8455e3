import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password

from .models import User
from .widgets import TimezoneSelect


class SignupForm(AllauthSignupForm):
    """Sign-up that keeps the time zone the browser reports (hidden, optional)."""

    timezone = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone") or "UTC"
        return name if name in zoneinfo.available_timezones() else "UTC"

    def try_save(self, request):
        """An existing address gets an e-mail instead of an account; hash the
        password anyway, so both answers take the time one hash takes."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    def save(self, request):
        user = super().save(request)
        user.timezone = self.cleaned_data["timezone"]
        user.save(update_fields=["timezone"])
        return user


class ProfileForm(forms.ModelForm):
    """Profile and review settings. Settings left out of a POST keep their value,
    so a form that edits only the name (or only the reminders) still saves."""

    OPTIONAL = [
        "day_rollover_hour",
        "reminder_time",
        "desired_retention",
        "review_limit",
        "new_limit",
    ]

    class Meta:
        model = User
        fields = [
            "display_name",
            "timezone",
            "day_rollover_hour",
            "reminders_enabled",
            "reminder_time",
            "desired_retention",
            "review_limit",
            "new_limit",
        ]
        labels = {
            "display_name": "Display name",
            "timezone": "Time zone",
            "day_rollover_hour": "Your day starts at",
            "reminders_enabled": "E-mail me when reviews are due",
            "reminder_time": "Reminder time (your local time)",
            "desired_retention": "Desired retention",
        }
        help_texts = {
            "timezone": "Your day, due reviews and reminders are counted in this time zone.",
            "day_rollover_hour": "Reviews done before this hour count for the day before.",
            "desired_retention": (
                "The chance of remembering an answer when it comes due, 0.80–0.95. "
                "Higher means more reviews. A change applies from each question's next review."
            ),
            "review_limit": "At most this many reviews a day; the rest wait, most overdue first.",
            "new_limit": "Unseen questions added to your daily review and to the Today plan.",
        }
        widgets = {
            "timezone": TimezoneSelect,
            "day_rollover_hour": forms.Select(choices=[(h, f"{h:02d}:00") for h in range(24)]),
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.80", "max": "0.95"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            self.fields[name].required = False
        # An unchecked box is absent from a POST too: only a form that shows the
        # reminder settings (it sends `reminder_time`) may switch reminders off.
        self._has_reminders = "reminder_time" in self.data

    def clean(self):
        cleaned = super().clean()
        for name in self.OPTIONAL:
            if name not in self.errors and cleaned.get(name) in (None, ""):
                cleaned[name] = getattr(self.instance, name)
        if self.is_bound and not self._has_reminders:
            cleaned["reminders_enabled"] = self.instance.reminders_enabled
        if cleaned.get("reminders_enabled"):
            self.instance.reminders_off_reason = ""  # turned back on: the note is done
        return cleaned


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address", max_length=254)
