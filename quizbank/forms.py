from django import forms

from .ids import MAX_ID, IdModelMultipleChoiceField
from .models import Confidence, PracticeSession, Section, Subsection
from .rules import (
    MAX_SESSION_SIZE,
    NOTE_MAX_LENGTH,
    REPORT_MAX_LENGTH,
    SECONDS_PER_TIMED_QUESTION,
    Difficulty,
)
from .search import Status as SearchStatus
from .selectors import Pool

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
    """A tutor-mode answer: one option, or "I don't know"; optionally how sure."""

    choice = forms.TypedChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "That option is not one of this question's choices."},
    )
    dont_know = forms.BooleanField(required=False)
    confidence = forms.ChoiceField(choices=Confidence.choices, required=False)

    def __init__(self, *args, choice_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(pk, pk) for pk in choice_ids]

    def clean(self):
        data = super().clean()
        unanswered = not data.get("dont_know") and data.get("choice") in (None, "")
        if unanswered and "choice" not in self.errors:
            self.add_error("choice", "Pick one of the four options first.")
        return data

    @property
    def chosen(self) -> int | None:
        return None if self.cleaned_data.get("dont_know") else self.cleaned_data["choice"]


class TimedResponseForm(forms.Form):
    """A timed-mode answer (changeable until the end) and where to go next."""

    choice = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    marked = forms.BooleanField(required=False)
    go = forms.CharField(required=False, max_length=10)

    def __init__(self, *args, choice_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [("", "none"), *[(pk, pk) for pk in choice_ids]]


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Private note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What to remember about this question"}
        ),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this question?",
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say in a few words what is wrong."},
    )
    choice = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )


class CustomTestForm(forms.Form):
    """Build a test from any mix of sections, subsections, difficulties and pools."""

    MODES = [
        (PracticeSession.Mode.TUTOR, "Tutor: feedback after each question"),
        (
            PracticeSession.Mode.TIMED,
            f"Timed mock interview: {SECONDS_PER_TIMED_QUESTION} s a question, results at the end",
        ),
    ]

    sections = IdModelMultipleChoiceField(
        queryset=Section.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: the whole bank.",
    )
    subsections = IdModelMultipleChoiceField(
        queryset=Subsection.objects.select_related("section"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    difficulties = forms.MultipleChoiceField(
        choices=Difficulty.choices,
        initial=[d.value for d in Difficulty],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one difficulty."},
    )
    pool = forms.ChoiceField(
        label="Which questions", choices=Pool.choices, initial=Pool.ALL, widget=forms.RadioSelect
    )
    size = forms.IntegerField(label="How many", min_value=1, max_value=MAX_SESSION_SIZE, initial=20)
    mode = forms.ChoiceField(
        choices=MODES, initial=PracticeSession.Mode.TUTOR, widget=forms.RadioSelect
    )

    def default_choice(self) -> dict:
        """What the unbound form chooses, shaped as `cleaned_data`: no section
        or subsection (the whole bank) and each field's initial value."""
        initial = {name: self.get_initial_for_field(f, name) for name, f in self.fields.items()}
        return {**initial, "sections": [], "subsections": []}


class SearchForm(forms.Form):
    """/search/: the words, and filters by section, difficulty and my status."""

    q = forms.CharField(label="Search the bank", required=False, max_length=200)
    section = forms.ChoiceField(label="Section", required=False)
    difficulty = forms.ChoiceField(
        label="Difficulty", required=False, choices=[("", "Any"), *Difficulty.choices]
    )
    status = forms.ChoiceField(label="My status", required=False, choices=SearchStatus.choices)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Any")] + [
            (s.slug, f"{s.number}. {s.title}") for s in sections
        ]

    @property
    def filtered(self) -> bool:
        d = self.cleaned_data
        return bool(d.get("q") or d.get("section") or d.get("difficulty") or d.get("status"))


class PractiseResultsForm(SearchForm):
    """ "Practise these": the same search, and how many of its results."""

    size = forms.TypedChoiceField(
        label="How many",
        choices=SIZE_CHOICES,
        coerce=int,
        initial=20,
        required=False,
        empty_value=20,
    )
