"""Forms for the procurement planning pages. They validate input only; views write through actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.core.fields import ZonedDateTimeField, ZonedFormMixin
from interlocal.procurement.models import (
    DemandItem,
    DemandRound,
    EvaluationCriterion,
    Solicitation,
    SolicitationItem,
    Vendor,
    VendorUser,
)
from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "AddendumForm",
    "AnswerForm",
    "CancelForm",
    "CriterionForm",
    "ProcurementSettingsForm",
    "DemandEntryForm",
    "DemandItemForm",
    "DocumentForm",
    "InviteMembersForm",
    "QuestionForm",
    "RoundForm",
    "SolicitationForm",
    "SolicitationItemForm",
    "VendorAcceptForm",
    "VendorInviteForm",
    "VendorProfileForm",
    "VendorRegistrationForm",
]

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DECIMAL_ATTRS = {"inputmode": "decimal", "min": "0"}


class RoundForm(ZonedFormMixin, forms.ModelForm):
    """A demand round's title, need, cut-off, currency and who may take part (times in the
    consortium's zone: the view passes time_zone)."""

    cut_off_at = ZonedDateTimeField(
        label=_("Cut-off"), widget=DATETIME, help_text=_("Members may enter demand until then.")
    )

    class Meta:
        model = DemandRound
        fields = ["title", "description", "category", "cut_off_at", "currency", "invitation_mode"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"currency": _("Three-letter ISO 4217 code, e.g. USD.")}

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency", "")).strip().upper()


class DemandItemForm(forms.ModelForm):
    """One line item of a round."""

    class Meta:
        model = DemandItem
        fields = ["description", "unit", "classification_scheme", "classification_code", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"classification_code": _("UNSPSC: 8 digits (43211503). CPV: 30213100-6.")}


class InviteMembersForm(forms.Form):
    """Which members of the consortium to invite."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members to invite"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]


class DemandEntryForm(forms.Form):
    """A member's demand for one item; a blank quantity means "none"."""

    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
    )
    current_unit_price = forms.DecimalField(
        label=_("Current unit price"), required=False, max_digits=18, decimal_places=4,
        widget=forms.TextInput(attrs=DECIMAL_ATTRS),
    )  # fmt: skip
    delivery_location = forms.CharField(label=_("Delivery location"), required=False, max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000)

    def clean_quantity(self) -> Any:
        value = self.cleaned_data.get("quantity")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The quantity may not be negative."))
        return value

    def clean_current_unit_price(self) -> Any:
        value = self.cleaned_data.get("current_unit_price")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The price may not be negative."))
        return value


class SolicitationForm(ZonedFormMixin, forms.ModelForm):
    """A solicitation's reference, method, deadlines and award basis (deadlines in the
    consortium's zone: the view passes time_zone)."""

    questions_deadline = ZonedDateTimeField(label=_("Questions deadline"), widget=DATETIME, required=False)
    submission_deadline = ZonedDateTimeField(label=_("Submission deadline"), widget=DATETIME)
    opening_at = ZonedDateTimeField(
        label=_("Bid opening"), widget=DATETIME, help_text=_("At or after the submission deadline.")
    )

    class Meta:
        model = Solicitation
        fields = [
            "reference_number",
            "title",
            "description",
            "category",
            "method",
            "award_basis",
            "questions_deadline",
            "submission_deadline",
            "opening_at",
            "currency",
            "contact_name",
            "contact_email",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deadline, opening = data.get("submission_deadline"), data.get("opening_at")
        if deadline and opening and opening < deadline:
            self.add_error("opening_at", _("The opening must be at or after the submission deadline."))
        return data

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency", "")).strip().upper()

    def _post_clean(self) -> None:
        # The model's own full_clean runs in the do_* function, with the reference check.
        pass


class SolicitationItemForm(forms.ModelForm):
    """A line of a solicitation."""

    class Meta:
        model = SolicitationItem
        fields = ["description", "unit", "total_quantity", "classification_scheme", "classification_code"]


class CriterionForm(forms.ModelForm):
    """A weighted evaluation criterion."""

    class Meta:
        model = EvaluationCriterion
        fields = ["name", "weight", "is_price", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DocumentForm(forms.Form):
    """A document to attach."""

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
    public = forms.BooleanField(label=_("Public (anyone may download it)"), required=False, initial=True)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown publicly)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AddendumForm(ZonedFormMixin, forms.Form):
    """An addendum: what changes, and optionally new deadlines (in the consortium's zone)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    document = forms.FileField(label=_("Document"), required=False)
    submission_deadline = ZonedDateTimeField(
        label=_("New submission deadline"), widget=DATETIME, required=False
    )
    opening_at = ZonedDateTimeField(label=_("New bid opening"), widget=DATETIME, required=False)


class ProcurementSettingsForm(forms.Form):
    """The consortium's procurement settings (do_update_procurement_settings checks the range)."""

    addendum_notice_days = forms.IntegerField(
        label=_("Minimum notice of an addendum (working days)"),
        min_value=1,
        max_value=60,
        help_text=_(
            "An addendum may move the submission deadline and the opening only later, to at least this "
            "many working days (Monday to Friday) after it is issued; the bids are not opened before an "
            "addendum's notice has run."
        ),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    publish = forms.BooleanField(
        label=_("Publish to all vendors (the vendor who asked is not named)"), required=False, initial=True
    )


class VendorRegistrationForm(forms.Form):
    """A company and its first user."""

    consortium = forms.ModelChoiceField(
        label=_("Register with"), queryset=Consortium.objects.filter(is_active=True), empty_label=None
    )
    name = forms.CharField(label=_("Company name"), max_length=200)
    legal_id = forms.CharField(
        label=_("Registration number"),
        max_length=80,
        help_text=_("Tax or company registration number (e.g. EIN)."),
    )
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    country = forms.RegexField(
        label=_("Country"),
        regex=r"^[A-Za-z]{2}$",
        initial="US",
        help_text=_("Two-letter code, e.g. US or CA."),
    )
    email = forms.EmailField(label=_("Company contact e-mail"))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    person_name = forms.CharField(label=_("Your name"), max_length=200)
    person_email = forms.EmailField(label=_("Your e-mail"), help_text=_("We send a link to verify it."))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), strip=False
    )


class VendorAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput, strip=False)


class VendorProfileForm(forms.ModelForm):
    """The company profile kept by its vendor admins."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Vendor
        fields = ["name", "address", "country", "email", "phone", "website", "small_business"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class VendorInviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=VendorUser.Role.choices, initial=VendorUser.Role.USER)


class VendorSuspensionForm(forms.Form):
    """Suspend (reason required, the vendor is told) or reinstate a vendor."""

    reason = forms.CharField(
        label=_("Reason (sent to the vendor)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class VendorResendForm(forms.Form):
    """Ask for a new verification link."""

    email = forms.EmailField(label=_("The e-mail address you registered with"), max_length=254)
