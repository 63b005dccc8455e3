"""Editorial forms: the Question admin's own form and choice rows, bulk moves,
closing reports, and the import upload."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from quizbank.bank import FIGURE_ALT_MIN, FIGURES_DIR
from quizbank.models import Question, Subsection
from quizbank.rules import RESOLUTION_NOTE_MAX_LENGTH, choice_problems

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ChoiceForm(forms.ModelForm):
    def validate_constraints(self):
        """Skip per-row checks against the stored rows: the key may move between
        choices in one save. ChoiceFormSet checks the four choices together."""


class ChoiceFormSet(BaseInlineFormSet):
    """Applies the same choice rules as the YAML loader (quizbank.rules)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data]
        if problems := choice_problems(rows):
            raise ValidationError([f"This question {p}." for p in problems])


def figure_choices() -> list[tuple[str, str]]:
    folder = settings.QUESTIONBANK_DIR / FIGURES_DIR
    return [("", "(no figure)")] + [(p.name, p.name) for p in sorted(folder.glob("*.svg"))]


UNSAFE_SVG = re.compile(rb"<script|<foreignobject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


class QuestionAdminForm(forms.ModelForm):
    """Pick a figure from the bank's folder, or upload a new SVG into it; either
    way the alt text follows the loader's rule."""

    figure_file = forms.ChoiceField(label="Figure", required=False, choices=figure_choices)
    figure_upload = forms.FileField(
        label="or upload an SVG",
        required=False,
        help_text="Saved under fixtures/questionbank/figures/ with its own name; "
        "export the bank and redeploy to serve it with a cache-busting name.",
    )

    class Meta:
        model = Question
        fields = ["figure_file", "figure_alt"]  # the admin adds the fieldsets' fields

    def clean_figure_upload(self):
        upload = self.cleaned_data.get("figure_upload")
        if upload is None:
            return None
        name = Path(upload.name).name.lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.svg", name):
            raise ValidationError("Name the file with lowercase letters, digits and dashes, .svg.")
        content = upload.read()
        if b"<svg" not in content[:4096] or UNSAFE_SVG.search(content):
            raise ValidationError("That is not a plain SVG drawing (no scripts or handlers).")
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("figure_upload")
        if upload is not None:
            data["figure_file"] = Path(upload.name).name.lower()
        if data.get("figure_file") and len((data.get("figure_alt") or "").strip()) < FIGURE_ALT_MIN:
            self.add_error(
                "figure_alt", f"Describe the figure in at least {FIGURE_ALT_MIN} characters."
            )
        return data

    def save(self, commit=True):
        upload = self.cleaned_data.get("figure_upload")
        if upload is not None:
            folder = settings.QUESTIONBANK_DIR / FIGURES_DIR
            folder.mkdir(parents=True, exist_ok=True)
            (folder / self.cleaned_data["figure_file"]).write_bytes(upload.read())
        return super().save(commit=commit)


class MoveForm(forms.Form):
    subsection = forms.ModelChoiceField(
        queryset=Subsection.objects.select_related("section"), label="Move to subsection"
    )


class CloseReportsForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=RESOLUTION_NOTE_MAX_LENGTH,
        help_text="The reporters see this note on their dashboard.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False, help_text="One subsection file in the bank format (YAML)."
    )
    # The checked file travels back with the confirmation, so applying needs no state.
    content = forms.CharField(widget=forms.Textarea(attrs={"hidden": True}), required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("The file is larger than 2 MB.")
            cleaned["raw"] = upload.read()
        elif cleaned.get("content"):
            cleaned["raw"] = cleaned["content"].encode("utf-8")
        else:
            raise forms.ValidationError("Choose a YAML file to import.")
        return cleaned
