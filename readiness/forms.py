from django import forms

from .models import Goal


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["interview_date", "target_score", "minutes_per_day"]
        labels = {
            "interview_date": "Interview date",
            "target_score": "Target score (%)",
            "minutes_per_day": "Minutes a day",
        }
        help_texts = {
            "interview_date": "Optional. Without one, the forecast looks four weeks ahead.",
            "target_score": "The mock score you want on the day, 25–100.",
            "minutes_per_day": "How long you can study each day, 5–240 minutes.",
        }
        widgets = {"interview_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_interview_date(self):
        value = self.cleaned_data.get("interview_date")
        if value and self.today and value < self.today:
            raise forms.ValidationError("Pick today or a later date.")
        return value
