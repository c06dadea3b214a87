"""Forms of the accounts pages. They validate input; the do_* actions decide and write."""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.accounts.actions import do_revoke_credentials
from interlocal.accounts.models import User
from interlocal.lib.timezones import zone_choices
from interlocal.tenancy.models import Member
from interlocal.tenancy.roles import CONSORTIUM_ROLES, MEMBER_ROLES, Role


class InvitationForm(forms.Form):
    """Whom to invite, to which role, and (for member roles) for which member."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_(
            "Required for member admins and member staff; leave empty for a consortium-wide observer."
        ),
    )

    def __init__(
        self, *args: Any, roles: frozenset[str], members: Any, fixed_member: Member | None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        role_field: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        role_field.choices = [(value, label) for value, label in Role.choices if value in roles]
        self.fixed_member = fixed_member
        if fixed_member is not None:
            # A member admin invites for their own member only.
            del self.fields["member"]
        else:
            member_field: forms.ModelChoiceField = self.fields["member"]  # type: ignore[assignment]
            member_field.queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        member = self.fixed_member if self.fixed_member is not None else data.get("member")
        if role in MEMBER_ROLES and member is None:
            self.add_error("member", _("Choose the member this role is for."))
        if role in CONSORTIUM_ROLES and member is not None and "member" in self.fields:
            self.add_error("member", _("This role is for the consortium as a whole; leave the member empty."))
        data["member"] = member
        return data


class AcceptInvitationForm(forms.Form):
    """A new person's name and password, chosen when they accept an invitation."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class ProfileForm(forms.ModelForm):
    """A person's own name, job title, phone and time zone."""

    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        required=False,
        choices=lambda: [("", _("The consortium's (no second time)")), *zone_choices()],
        help_text=User._meta.get_field("time_zone").help_text,
    )

    class Meta:
        model = User
        fields = ["full_name", "job_title", "phone", "time_zone"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class ApiTokenForm(forms.Form):
    """A new token's name and how long it lasts."""

    LIFETIMES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("never", _("No expiry")),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use this token, e.g. “GIS nightly export”."),
    )
    lifetime = forms.ChoiceField(label=_("Expires after"), choices=LIFETIMES, initial="90")

    def expires_at(self) -> datetime.datetime | None:
        lifetime = self.cleaned_data["lifetime"]
        if lifetime == "never":
            return None
        return timezone.now() + datetime.timedelta(days=int(lifetime))


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    """allauth's password change, with the offer to end every other way into the account."""

    revoke_other = forms.BooleanField(
        label=_("Also sign out my other sessions and revoke my API tokens"),
        required=False,
        help_text=_("Choose this if you think someone else may know your old password."),
    )

    def save(self) -> None:
        super().save()
        if self.cleaned_data.get("revoke_other"):
            request = allauth_context.request
            keep = request.session.session_key if request is not None else None
            do_revoke_credentials(self.user, reason="password_change", keep_session_key=keep)  # type: ignore[arg-type]
