"""Forms of bidding. Money and quantities are taken as text and checked by the do_* functions, so
the page, the API and the CLI give the same messages (naming the line)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.procurement.models import BidDocument, ContractAmendment

__all__ = [
    "AmendmentForm",
    "AwardForm",
    "BidForm",
    "ContractDocumentForm",
    "OpenBidsForm",
    "PiggybackForm",
    "ResponsivenessForm",
    "ScoreForm",
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _price_field(label: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "usa-input--small"}
        ),
        **kwargs,
    )


class BidForm(forms.Form):
    """A unit price per item (blank = no offer), documents, and the idempotency key of this form."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_(
            "PDF, DOCX, XLSX, CSV or TXT; at most 10 files of 10 MB each. They are sealed with your bid."
        ),
    )
    document_kind = forms.ChoiceField(
        label=_("Kind of the documents"), choices=BidDocument.Kind.choices, initial="technical"
    )

    def __init__(self, *args: Any, items: list[Any], currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for item in items:
            self.fields[f"price_{item.pk}"] = _price_field(
                _("Line %(n)s: %(d)s — unit price in %(c)s per %(u)s")
                % {"n": item.line_number, "d": item.description, "c": currency, "u": item.unit}
            )
        # Fields in reading order: prices first, then documents.
        self.order_fields([f"price_{i.pk}" for i in items] + ["documents", "document_kind"])

    def prices(self) -> dict[int, str]:
        return {
            item.pk: self.cleaned_data[f"price_{item.pk}"].strip()
            for item in self.items
            if (self.cleaned_data.get(f"price_{item.pk}") or "").strip()
        }


class OpenBidsForm(forms.Form):
    """The opening's second person: the view passes who may witness (the consortium's other
    admins and staff); do_open_bids checks again."""

    witness: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Witness"),
        queryset=None,
        empty_label=_("- Choose the witness -"),
        help_text=_("Another admin or staff of the consortium, present at the opening."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["witness"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["witness"].label_from_instance = lambda u: f"{u.full_name or u.email} ({u.email})"  # type: ignore[attr-defined]


class ResponsivenessForm(forms.Form):
    responsive = forms.TypedChoiceField(
        label=_("Responsive"),
        choices=[("0", _("Not responsive")), ("1", _("Responsive"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.CharField(label=_("Score (0–100)"), max_length=10)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class AwardForm(forms.Form):
    """The winner per item (preselected: the lowest responsive bid or the best score) and the term."""

    start_date = forms.DateField(label=_("Contract start"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Contract end"), widget=forms.DateInput(attrs={"type": "date"}))
    renewals_allowed = forms.IntegerField(label=_("Renewals allowed"), min_value=0, max_value=10, initial=0)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, options: dict[Any, list[tuple[str, str]]], suggested: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item_keys = []
        for item, choices in options.items():
            key = f"item_{item.pk}"
            self.item_keys.append((item, key))
            self.fields[key] = forms.ChoiceField(
                label=_("Line %(n)s: %(d)s") % {"n": item.line_number, "d": item.description},
                choices=[("", _("Do not award")), *choices],
                required=False,
                initial=str(suggested.get(item.pk, "")),
            )
        self.order_fields(
            [k for _i, k in self.item_keys] + ["start_date", "end_date", "renewals_allowed", "notes"]
        )

    def choices(self) -> dict[int, int]:
        return {
            item.pk: int(self.cleaned_data[key]) for item, key in self.item_keys if self.cleaned_data.get(key)
        }


class PiggybackForm(forms.Form):
    """Join a cooperative contract: for which member, how much of each item, and the price paid today."""

    member = forms.ChoiceField(label=_("For member"))

    def __init__(
        self, *args: Any, members: list[Any], lines: list[Any], currency: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(str(m.pk), m.name) for m in members]  # type: ignore[attr-defined]
        self.lines = lines
        for line in lines:
            self.fields[f"qty_{line.item_id}"] = forms.CharField(
                label=_("Line %(n)s: %(d)s — quantity (%(u)s) at %(p)s %(c)s")
                % {
                    "n": line.item.line_number,
                    "d": line.item.description,
                    "u": line.item.unit,
                    "p": line.unit_price.normalize(),
                    "c": currency,
                },
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "usa-input--small"}),
            )
            self.fields[f"prev_{line.item_id}"] = _price_field(
                _("Line %(n)s — what you pay per unit today (optional, for savings; confidential)")
                % {"n": line.item.line_number}
            )

    def quantities(self) -> dict[int, str]:
        return {line.item_id: self.cleaned_data.get(f"qty_{line.item_id}", "") for line in self.lines}

    def previous_prices(self) -> dict[int, str]:
        return {line.item_id: self.cleaned_data.get(f"prev_{line.item_id}", "") for line in self.lines}


class OpennessForm(forms.Form):
    """Whether public bodies outside the consortium may piggyback on a master contract."""

    allow_other_public_bodies = forms.BooleanField(
        label=_("Open to public bodies outside the consortium"),
        required=False,
        help_text=_(
            "They see this contract's items and prices (not who uses it) and may join it with "
            "their own contract."
        ),
    )


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContractAmendment.Kind.choices)
    description = forms.CharField(
        label=_("What changes"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_date = forms.DateField(label=_("Effective"), widget=forms.DateInput(attrs={"type": "date"}))
    new_end_date = forms.DateField(
        label=_("New end date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Required for a renewal."),
    )  # fmt: skip
    value_change = forms.DecimalField(
        label=_("Change in value"), max_digits=18, decimal_places=2, initial=0, required=False
    )


class ContractDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
