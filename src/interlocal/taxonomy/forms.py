"""Forms for the taxonomy pages. They validate input only; views write through taxonomy.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from interlocal.taxonomy.models import ServiceArea

__all__ = ["AreaForm", "IgnoreForm", "MapTermForm", "NewAreaForTermForm", "SynonymForm", "TryTermForm"]


class AreaForm(forms.ModelForm):
    """A consortium's own area: name, kind, definition, order and whether it is in use."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        required=False,
        help_text=_(
            "A short identifier for imports and the API, e.g. “snow-removal”. Left empty, one is made from the name."
        ),
    )

    class Meta:
        model = ServiceArea
        fields = ["name", "code", "kind", "definition", "sort_order", "is_active"]
        help_texts = {
            "definition": _(
                "One paragraph: what the area covers, so every member answers about the same thing."
            ),
            "sort_order": _("Lower numbers come first; the standard areas use 10 to 210."),
        }
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 5}),
            "sort_order": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }


class SynonymForm(forms.Form):
    """Another name for an area, as members write it."""

    text = forms.CharField(
        label=_("Synonym"),
        max_length=200,
        help_text=_("An abbreviation, a common phrase or a product name, e.g. “Laserfiche”."),
    )


def _area_choices(areas: QuerySet[ServiceArea]) -> list[tuple[Any, Any]]:
    """Areas grouped by kind for a select, in catalogue order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    labels = dict(ServiceArea.Kind.choices)
    for area in areas:
        groups.setdefault(area.kind, []).append((area.pk, area.name))
    return [("", _("Choose an area"))] + [(labels.get(kind, kind), items) for kind, items in groups.items()]


class MapTermForm(forms.Form):
    """Map a queued term to one of the areas the consortium uses."""

    area = forms.TypedChoiceField(label=_("Service area"), coerce=int, empty_value=None)

    def __init__(self, *args: Any, areas: QuerySet[ServiceArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {a.pk: a for a in areas}
        self.fields["area"].choices = _area_choices(areas)  # type: ignore[attr-defined]

    def clean_area(self) -> ServiceArea:
        pk = self.cleaned_data.get("area")
        if pk not in self.areas:
            raise forms.ValidationError(_("Choose an area from the list."))
        return self.areas[pk]


class NewAreaForTermForm(forms.Form):
    """A new consortium area for a queued term that names something the catalogue lacks."""

    name = forms.CharField(label=_("Name of the new area"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceArea.Kind.choices)
    definition = forms.CharField(
        label=_("Definition"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One paragraph: what the area covers."),
    )


class IgnoreForm(forms.Form):
    """Confirms taking a term off the queue; carries no data."""


class TryTermForm(forms.Form):
    """A term to try against the catalogue, without recording anything."""

    term = forms.CharField(label=_("Try a term"), max_length=200, required=False)
