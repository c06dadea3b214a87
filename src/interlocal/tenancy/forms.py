"""Forms for the tenancy pages. They validate input only; views write through tenancy.actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.lib.timezones import zone_choices
from interlocal.tenancy.models import Member

__all__ = ["ConsortiumSettingsForm", "MemberProfileForm", "SwitchContextForm"]


class ConsortiumSettingsForm(forms.Form):
    """A consortium's settings, as its admins keep them: the zone of its legal deadlines."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=zone_choices,
        help_text=_(
            "Deadlines of solicitations, demand rounds and campaigns are entered and shown in this "
            "zone, e.g. America/Edmonton for Alberta. Dates already set keep their moment in time."
        ),
    )


class MemberProfileForm(forms.ModelForm):
    """A member's public profile, as its admins and its consortium's council keep it."""

    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("The member's public website, starting with https://"),
    )

    class Meta:
        model = Member
        fields = ["name", "kind", "population", "census_code", "region", "website"]
        help_texts = {
            "population": _("Latest official count; used to share costs by population."),
        }
        widgets = {"population": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})}


class SwitchContextForm(forms.Form):
    """Which consortium (and member) to act for: "<consortium id>" or "<consortium id>:<member id>"."""

    acting_for = forms.RegexField(regex=r"^\d{1,18}(:\d{1,18})?$", label=_("Act for"))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def ids(self) -> tuple[int, int | None]:
        consortium, _sep, member = self.cleaned_data["acting_for"].partition(":")
        return int(consortium), int(member) if member else None
