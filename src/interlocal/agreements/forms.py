"""Forms of the agreements pages; the do_* actions validate again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.agreements.models import Agreement, DocumentKind, PartyRole
from interlocal.agreements.queries import TERM_FIELDS

__all__ = [
    "AgreementForm",
    "AmendForm",
    "DocumentTemplateForm",
    "GenerateForm",
    "PartyForm",
    "SignForm",
    "SignatoryForm",
    "WithdrawForm",
]


class AgreementForm(forms.ModelForm):
    """An agreement's terms and services (a draft's, or an amendment's new terms)."""

    class Meta:
        model = Agreement
        fields = [*TERM_FIELDS, "services"]
        widgets = {
            "effective_date": forms.DateInput(attrs={"type": "date"}),
            "termination_terms": forms.Textarea(attrs={"rows": 3}),
            "withdrawal_terms": forms.Textarea(attrs={"rows": 3}),
            "sla": forms.Textarea(attrs={"rows": 3}),
            "services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]
        self.fields["services"].required = False

    def changes(self) -> dict[str, Any]:
        """The cleaned fields as keyword arguments of do_create/do_update/do_amend."""
        data = {name: self.cleaned_data[name] for name in TERM_FIELDS}
        data["services"] = list(self.cleaned_data.get("services") or [])
        return data


class AmendForm(AgreementForm):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300, required=False)


class PartyForm(forms.Form):
    member: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Member"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label=_("The consortium itself (as provider)"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    joined_on = forms.DateField(
        label=_("Joins on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class SignatoryForm(forms.Form):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Signatory"),
        queryset=None,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("Type your full name to sign"), max_length=200, required=False)
    signed_pdf = forms.FileField(label=_("Or upload the signed agreement (PDF)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("typed_name") and not data.get("signed_pdf"):
            raise forms.ValidationError(_("Type your full name, or upload the signed PDF."))
        return data


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdraws on"), widget=forms.DateInput(attrs={"type": "date"}))


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)


class DocumentTemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Template (Django template syntax)"), widget=forms.Textarea(attrs={"rows": 24})
    )
