"""Forms for cost models, scenarios, members' inputs, uploads, copies and the chosen rule."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.costing.actions import PARTICIPANT_FIELDS, SCENARIO_FIELDS
from interlocal.costing.models import CostModel, Rule, Scenario, ScenarioParticipant, validate_tiers

__all__ = [
    "ChooseRuleForm",
    "CopyScenarioForm",
    "CostModelForm",
    "ParticipantForm",
    "ScenarioForm",
    "UploadForm",
]


class CostModelForm(forms.ModelForm):
    class Meta:
        model = CostModel
        fields = ["name", "area", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, consortium: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from interlocal.taxonomy.models import ServiceArea

        # The standard catalogue plus the consortium's own areas.
        self.fields["area"].queryset = (  # type: ignore[attr-defined]
            ServiceArea.objects.for_consortium(consortium)
            if consortium is not None
            else ServiceArea.objects.none()
        )


class _JsonListField(forms.CharField):
    """Price tiers typed as JSON, e.g. [{"up_to": 500, "price": 40}, {"up_to": null, "price": 30}]."""

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if not text:
            return []
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(e)s") % {"e": exc.msg}) from exc
        problem = validate_tiers(data)
        if problem:
            raise forms.ValidationError(problem)
        return data

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return json.dumps(value) if value else ""
        return value


class ScenarioForm(forms.ModelForm):
    price_tiers = _JsonListField(
        label=_("Price tiers (optional)"),
        required=False,
        help_text=_(
            'Instead of p·U^β: JSON such as [{"up_to": 500, "price": 40}, {"up_to": null, "price": 30}].'
        ),
    )

    class Meta:
        model = Scenario
        fields = [f for f in SCENARIO_FIELDS if f != "price_tiers"] + ["price_tiers"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = ScenarioParticipant
        fields = [f for f in PARTICIPANT_FIELDS if f != "extra_weights"]
        widgets = {"visibility": forms.RadioSelect}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Inputs file (.csv or .xlsx)"),
        help_text=_(
            "One row per member; download the template for the columns. Nothing is stored unless every row is valid."
        ),
    )


class CopyScenarioForm(forms.Form):
    KIND_CHOICES = [
        ("whatif", _("A what-if copy (a new name, to compare)")),
        ("version", _("A new version of this scenario (same name, next number)")),
    ]
    kind = forms.ChoiceField(
        label=_("Make"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="whatif"
    )
    name = forms.CharField(label=_("Name of the what-if"), max_length=200, required=False)
    drop_members = forms.MultipleChoiceField(
        label=_("Members who drop out"), required=False, widget=forms.CheckboxSelectMultiple
    )
    exponent_likely = forms.DecimalField(
        label=_("Change β (economies of scale) to"),
        required=False,
        min_value=0.0001,
        max_value=1,
        decimal_places=4,
        help_text=_("Leave empty to keep it."),
    )
    price_likely = forms.DecimalField(
        label=_("Change the price per unit to"), required=False, min_value=0, decimal_places=2
    )
    platform_likely = forms.DecimalField(
        label=_("Change the platform cost per year to"), required=False, min_value=0, decimal_places=2
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drop_members"].choices = [(str(pk), name) for pk, name in members or []]  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        out = {}
        for name in ("exponent_likely", "price_likely", "platform_likely"):
            value = self.cleaned_data.get(name)
            if value is not None:
                out[name] = value
                # A changed likely value outside the old range would fail the range check: drop it.
                base = name.removesuffix("_likely")
                out[f"{base}_low"] = None
                out[f"{base}_high"] = None
        return out


class ChooseRuleForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=Rule.choices)
    blend_grand_list = forms.DecimalField(
        label=_("Blend: grand list %"), required=False, min_value=0, max_value=100
    )
    blend_population = forms.DecimalField(
        label=_("Blend: population %"), required=False, min_value=0, max_value=100
    )
    blend_road_miles = forms.DecimalField(
        label=_("Blend: road miles %"), required=False, min_value=0, max_value=100
    )

    def params(self) -> dict[str, Any] | None:
        parts = {
            k: float(self.cleaned_data[f"blend_{k}"])
            for k in ("grand_list", "population", "road_miles")
            if self.cleaned_data.get(f"blend_{k}") is not None
        }
        if self.cleaned_data["rule"] != "blend" or not parts:
            return None
        return {"blend": parts}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rule") == "blend":
            parts = [data.get(f"blend_{k}") for k in ("grand_list", "population", "road_miles")]
            given = [p for p in parts if p is not None]
            if given and sum(given) <= 0:
                raise forms.ValidationError(_("The blend's weights must add up to more than 0."))
        return data
