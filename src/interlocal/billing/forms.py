"""Forms of the billing pages; each view passes the cleaned data to one do_* function."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.services.queries import consortium_services_for

__all__ = ["BenefitForm", "CreditForm", "PaymentForm", "PayOutForm", "RunForm"]

DATE = forms.DateInput(attrs={"type": "date"})


def _services(consortium: Any, user: Any) -> Any:
    # Scoped: only the consortium's services that the acting user may read.
    return consortium_services_for(user, consortium.pk)


def _members(consortium: Any) -> Any:
    return consortium.members.order_by("name")


class RunForm(forms.Form):
    start = forms.DateField(label=_("Period start"), widget=DATE)
    end = forms.DateField(label=_("Period end (inclusive)"), widget=DATE)
    services: Any = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    due_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30)

    def __init__(self, *args: Any, consortium: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = _services(consortium, user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label=_("Date received"), widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=200)


class CreditForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=line.description,
                min_value=Decimal(0),
                max_digits=14,
                decimal_places=2,
                initial=line.amount,
                required=False,
            )

    def amounts(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or Decimal(0) for line in self.lines}


class BenefitForm(forms.Form):
    service: Any = forms.ModelChoiceField(label=_("Service"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    member: Any = forms.ModelChoiceField(
        label=_("Member"),
        required=False,
        queryset=None,
        help_text=_("Empty: consortium-wide."),
    )
    projected = forms.DecimalField(
        label=_("Projected savings"), required=False, max_digits=14, decimal_places=2
    )
    realised = forms.DecimalField(
        label=_("Realised savings"), required=False, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, consortium: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(consortium, user)  # type: ignore[attr-defined]
        self.fields["member"].queryset = _members(consortium)  # type: ignore[attr-defined]


class PayOutForm(forms.Form):
    member: Any = forms.ModelChoiceField(label=_("Member"), queryset=None)
    service: Any = forms.ModelChoiceField(label=_("Service"), required=False, queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, consortium: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(consortium, user)  # type: ignore[attr-defined]
        self.fields["member"].queryset = _members(consortium)  # type: ignore[attr-defined]
