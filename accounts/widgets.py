"""Form widgets."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .models import timezone_choices


class TimezoneSelect(forms.Select):
    """The ~600 IANA zones as one <select>, rendered in Python: the template per
    option that Django's Select uses made the profile page take a second."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (zone, mark_safe(" selected") if zone == value else "", label)
                for zone, label in timezone_choices()
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, forms.utils.flatatt(attrs), options
        )
