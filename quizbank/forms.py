from django import forms

from .models import Difficulty
from .services import MAX_SESSION_SIZE

SIZE_CHOICES = [(5, "5"), (10, "10"), (20, "20"), (40, "40")]


class StartForm(forms.Form):
    size = forms.TypedChoiceField(
        label="How many questions",
        choices=SIZE_CHOICES,
        coerce=int,
        initial=10,
        widget=forms.RadioSelect,
    )
    difficulties = forms.MultipleChoiceField(
        label="Difficulty",
        choices=Difficulty.choices,
        initial=[d.value for d in Difficulty],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one difficulty."},
    )

    def clean_size(self) -> int:
        return min(self.cleaned_data["size"], MAX_SESSION_SIZE)


class AnswerForm(forms.Form):
    choice = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Pick one of the four options first.",
            "invalid_choice": "That option is not one of this question's choices.",
        },
    )

    def __init__(self, *args, choice_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(pk, pk) for pk in choice_ids]
