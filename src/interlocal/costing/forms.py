"""Forms for cost models, scenarios, members' inputs, uploads, copies and the chosen rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.costing import form_texts as texts
from interlocal.costing.actions import PARTICIPANT_FIELDS, SCENARIO_FIELDS
from interlocal.costing.models import CostModel, Rule, Scenario, ScenarioParticipant, validate_tiers

__all__ = [
    "ChooseRuleForm",
    "CopyScenarioForm",
    "CostModelForm",
    "ParticipantForm",
    "ScenarioForm",
    "TierTableField",
    "TierTableWidget",
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


MAX_TIERS = 50


class TierTableWidget(forms.Widget):
    """Price tiers as a table of rows (from / up to / unit price), posted as NAME-up_to and NAME-price.

    Rendered server-side with one empty row to fill in, so it works without JavaScript;
    static/interlocal/js/price-tiers.js adds and removes rows (no inline script: data- attributes).
    """

    template_name = "costing/widgets/tier_table.html"
    use_fieldset = True  # a table of inputs: the label becomes the fieldset's legend

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.row_errors: dict[int, list[str]] = {}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if f"{name}-up_to" not in data and f"{name}-price" not in data:
            return None
        ups, prices = data.getlist(f"{name}-up_to"), data.getlist(f"{name}-price")
        width = max(len(ups), len(prices))
        ups, prices = ups + [""] * (width - len(ups)), prices + [""] * (width - len(prices))
        return [{"up_to": u.strip(), "price": p.strip()} for u, p in zip(ups, prices, strict=True)]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows: list[dict[str, Any]] = []
        previous: str = "0"
        for i, tier in enumerate(value or []):
            up_to = "" if tier.get("up_to") in (None, "") else str(tier.get("up_to"))
            price = "" if tier.get("price") in (None, "") else str(tier.get("price"))
            if not up_to and not price and i not in self.row_errors:
                continue
            rows.append(
                {"up_to": up_to, "price": price, "from": previous, "errors": self.row_errors.get(i, [])}
            )
            previous = _next_from(up_to) if up_to else "—"
        if not any(not r["up_to"] and not r["price"] for r in rows):
            rows.append({"up_to": "", "price": "", "from": previous, "errors": [], "blank": True})
        context["widget"]["rows"] = rows
        return context


def _next_from(up_to: str) -> str:
    try:
        return _g("above %(n)s") % {"n": f"{float(up_to):g}"}
    except ValueError:
        return "—"


class TierTableField(forms.Field):
    """The tiers as a list of {"up_to": units or None, "price": per unit}; errors named per row."""

    widget = TierTableWidget

    def to_python(self, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(t, dict) for t in value):
            return value
        raise forms.ValidationError(_("Give the price tiers in the table."))

    def clean(self, value: Any) -> Any:
        rows = self.to_python(value)
        filled = [
            (i, t)
            for i, t in enumerate(rows)
            if str(t.get("up_to", "")).strip() or str(t.get("price", "")).strip()
        ]
        errors: dict[int, list[str]] = {}
        tiers: list[dict[str, Any]] = []
        previous = -1.0
        if len(filled) > MAX_TIERS:
            raise forms.ValidationError(_("At most %(n)s price tiers.") % {"n": MAX_TIERS})
        number = {i: position + 1 for position, (i, _t) in enumerate(filled)}
        for position, (i, tier) in enumerate(filled):
            row_errors: list[str] = []
            up_raw, price_raw = str(tier.get("up_to", "")).strip(), str(tier.get("price", "")).strip()
            last = position == len(filled) - 1
            up_to: float | None = None
            price: float | None = None
            if up_raw:
                try:
                    up_to = float(up_raw.replace(",", ""))
                except ValueError:
                    row_errors.append(_g("“Up to” must be a number of units, such as 500."))
                else:
                    if up_to <= previous or up_to <= 0:
                        row_errors.append(
                            _g("“Up to” must be larger than the row above (%(n)s).")
                            % {"n": f"{max(previous, 0):g}"}
                        )
            elif not last:
                row_errors.append(_g("Only the last tier may leave “up to” empty (no upper limit)."))
            if not price_raw:
                row_errors.append(_g("Give the unit price of this tier."))
            else:
                try:
                    price = float(price_raw.replace(",", "").lstrip("$"))
                except ValueError:
                    row_errors.append(_g("The unit price must be an amount, such as 40 or 32.50."))
                else:
                    if price < 0:
                        row_errors.append(_g("The unit price must not be negative."))
            if row_errors:
                errors[i] = row_errors
            else:
                tiers.append({"up_to": _number(up_to), "price": _number(price)})
            if up_to is not None:
                previous = max(previous, up_to)
        if errors:
            self.widget.row_errors = errors  # type: ignore[attr-defined]
            raise forms.ValidationError(
                _("Fix the price tiers marked in the table: %(rows)s.")
                % {"rows": ", ".join(_g("row %(n)s") % {"n": number[i]} for i in sorted(errors))}
            )
        problem = validate_tiers(tiers)
        if problem:
            raise forms.ValidationError(problem)
        return tiers

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return bool(self.clean(data) != (initial or []))
        except forms.ValidationError:
            return True


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


class ScenarioForm(forms.ModelForm):
    price_tiers = TierTableField(
        label=_("Vendor price tiers (optional)"),
        required=False,
        help_text=_(
            "Use these instead of the price per unit and economies of scale when the vendor quotes volume "
            "bands. One row per band: the units it goes up to and the price of a unit in it; leave “up to” "
            "empty on the last row. Example: up to 500 units at $40, above that $30."
        ),
    )

    class Meta:
        model = Scenario
        fields = [f for f in SCENARIO_FIELDS if f != "price_tiers"] + ["price_tiers"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = texts.SCENARIO_LABELS
        help_texts = texts.SCENARIO_HELP


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = ScenarioParticipant
        fields = [f for f in PARTICIPANT_FIELDS if f != "extra_weights"]
        widgets = {"visibility": forms.RadioSelect}
        labels = texts.PARTICIPANT_LABELS
        help_texts = texts.PARTICIPANT_HELP


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
        label=_("Change the economies of scale to"),
        required=False,
        min_value=0.0001,
        max_value=1,
        decimal_places=4,
        help_text=_(
            "A number above 0 and at most 1 (β in the formula p·U^β); leave empty to keep it. 1: every unit "
            "costs the same; 0.9: 100 units cost 500 × 100^0.9 ≈ $31,548 instead of $50,000 at $500 a unit."
        ),
    )
    price_likely = forms.DecimalField(
        label=_("Change the price per unit to"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Dollars a year for one unit (p); leave empty to keep it."),
    )
    platform_likely = forms.DecimalField(
        label=_("Change the platform cost per year to"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Dollars a year for the shared platform (F); leave empty to keep it."),
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
    rule = forms.ChoiceField(
        label=_("Rule"),
        choices=Rule.choices,
        help_text=_(
            "How the yearly cost is split among the members; each rule is explained in plain words at the "
            "bottom of this page. SCRB is “separable costs, remaining benefits”: each member first pays what "
            "the group saves if it leaves, and the rest is shared by what going alone would cost it beyond "
            "that."
        ),
    )
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
