"""Forms for the tenancy pages. They validate input only; views write through tenancy.actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.models import Member

__all__ = ["MemberProfileForm", "SwitchContextForm"]


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
