from django import forms

from quizbank.models import Subsection
from quizbank.rules import RESOLUTION_NOTE_MAX_LENGTH

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


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
