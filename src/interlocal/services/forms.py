"""Forms of the services pages: the catalog entry, subscriptions, their changes and usage."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.services.models import Priority, Service, Subscription
from interlocal.tenancy.models import Member

__all__ = [
    "ServiceForm",
    "SubscriptionChangeForm",
    "SubscriptionForm",
    "UsageForm",
    "UsageUploadForm",
    "format_hours",
    "parse_hours",
]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS_LINE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s*:?\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$")


def parse_hours(text: str) -> dict[str, list[list[str]]]:
    """ "mon 08:00-17:00" lines into the business-hours calendar; ValueError names a bad line."""
    hours: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        line = line.strip().lower()
        if not line:
            continue
        match = _HOURS_LINE.match(line)
        if match is None or match.group(2) >= match.group(3):
            raise ValueError(line)
        hours.setdefault(match.group(1), []).append([match.group(2), match.group(3)])
    return hours


def format_hours(hours: dict[str, Any]) -> str:
    """The business-hours calendar as the lines the form takes."""
    return "\n".join(f"{d} {a}-{b}" for d in DAYS for a, b in (hours or {}).get(d, []))


def _members_of(user: Any, consortium_id: int) -> Any:
    return (
        Member.objects.visible_to(user).filter(participations__consortium_id=consortium_id).order_by("name")
    )


class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """A catalog entry: description, levels per priority, support hours and pricing."""

    support_hours_text = forms.CharField(
        label=_("Support hours"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per day and span, in the consortium's time zone: “mon 08:00-17:00”."),
    )
    pricing_params_text = forms.CharField(
        label=_("Pricing parameters"),
        required=False,
        help_text=_('JSON, e.g. {"unit_price": "12.50"} or {"base_fraction": "0.3"}.'),
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "area",
            "provider",
            "description",
            "status",
            "availability_target",
            "unit",
            "pricing_rule",
            "annual_amount",
            "scenario",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self, *args: Any, user: Any, consortium: Any, levels: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        from interlocal.taxonomy.queries import areas_for_consortium

        self.fields["area"].queryset = areas_for_consortium(user, consortium.pk)  # type: ignore[attr-defined]
        self.fields["provider"].queryset = _members_of(user, consortium.pk)  # type: ignore[attr-defined]
        scenario_model = Service._meta.get_field("scenario").related_model
        self.fields["scenario"].queryset = (  # type: ignore[attr-defined]
            scenario_model._default_manager.visible_to(user)  # type: ignore[union-attr]
            .filter(cost_model__consortium_id=consortium.pk)
            .select_related("cost_model")
        )
        if self.instance.pk:
            self.fields["support_hours_text"].initial = format_hours(self.instance.support_hours)
            self.fields["pricing_params_text"].initial = (
                json.dumps(self.instance.pricing_params) if self.instance.pricing_params else ""
            )
        for value, label in Priority.choices:
            current = (levels or {}).get(value)
            self.fields[f"level_{value}_response"] = forms.IntegerField(
                label=_g("%(p)s: first response (business minutes)") % {"p": label},
                required=False,
                min_value=1,
                initial=current[0] if current else None,
            )
            self.fields[f"level_{value}_resolution"] = forms.IntegerField(
                label=_g("%(p)s: resolution (business minutes)") % {"p": label},
                required=False,
                min_value=1,
                initial=current[1] if current else None,
            )

    def clean_support_hours_text(self) -> dict[str, Any]:
        try:
            return parse_hours(self.cleaned_data.get("support_hours_text") or "")
        except ValueError as exc:
            raise forms.ValidationError(_g("“%(l)s” is not “day HH:MM-HH:MM”.") % {"l": exc}) from None

    def clean_pricing_params_text(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("pricing_params_text") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise forms.ValidationError(_g("Not valid JSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_g('Give an object of parameters, e.g. {"unit_price": "12.50"}.'))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value, label in Priority.choices:
            response, resolution = data.get(f"level_{value}_response"), data.get(f"level_{value}_resolution")
            if (response is None) != (resolution is None):
                self.add_error(
                    f"level_{value}_resolution", _g("Give both targets for %(p)s, or neither.") % {"p": label}
                )
            elif response is not None and resolution < response:
                self.add_error(
                    f"level_{value}_resolution", _g("Resolution cannot come before the first response.")
                )
        return data

    def service_fields(self) -> dict[str, Any]:
        """What do_create_service / do_update_service take."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["support_hours"] = self.cleaned_data["support_hours_text"]
        data["pricing_params"] = self.cleaned_data["pricing_params_text"]
        return data

    def levels(self) -> dict[str, tuple[int, int] | None]:
        out: dict[str, tuple[int, int] | None] = {}
        for value, _label in Priority.choices:
            response = self.cleaned_data.get(f"level_{value}_response")
            resolution = self.cleaned_data.get(f"level_{value}_resolution")
            out[value] = (response, resolution) if response is not None and resolution is not None else None
        return out


class SubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A member joins a service: member, agreement (optional), dates, units, options."""

    options_text = forms.CharField(
        label=_("Options"), required=False, help_text=_('JSON, e.g. {"tier": "gold"}; may be left empty.')
    )

    class Meta:
        model = Subscription
        fields = ["member", "agreement", "start", "end", "units"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members_of(user, service.consortium_id)  # type: ignore[attr-defined]
        # Only agreements in force can be chosen; the action checks the member is a party.
        self.fields["agreement"].queryset = (  # type: ignore[attr-defined]
            service.consortium.agreements.visible_to(user).filter(status="in_force").order_by("title")
        )

    def clean_options_text(self) -> dict[str, Any]:
        return _json_object(self.cleaned_data.get("options_text") or "")


def _json_object(text: str) -> dict[str, Any]:
    text = text.strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise forms.ValidationError(_g("Not valid JSON.")) from None
    if not isinstance(value, dict):
        raise forms.ValidationError(_g('Give an object, e.g. {"tier": "gold"}.'))
    return value


class SubscriptionChangeForm(forms.Form):
    """A dated change: new units (and options, end) from a day on."""

    effective = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.DecimalField(label=_("Units"), min_value=Decimal(0), max_digits=16, decimal_places=4)
    end = forms.DateField(
        label=_("New end date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to keep the current end."),
    )
    options_text = forms.CharField(
        label=_("Options"), required=False, help_text=_("JSON; empty keeps the current options.")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean_options_text(self) -> dict[str, Any] | None:
        text = self.cleaned_data.get("options_text") or ""
        return _json_object(text) if text.strip() else None


class UsageForm(forms.Form):
    """One usage figure entered by staff."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    # No min_value here: the action refuses negative quantities with its own message.
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=16, decimal_places=4)

    def __init__(self, *args: Any, user: Any, consortium: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members_of(user, consortium.pk)  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.visible_to(user).filter(consortium=consortium)  # type: ignore[attr-defined]


class UsageUploadForm(forms.Form):
    """A CSV or XLSX file of usage figures."""

    file = forms.FileField(label=_("File (.csv or .xlsx)"))
