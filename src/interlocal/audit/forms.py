"""The filter form of the audit trail pages (read from the query string)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.models import Consortium, Member

__all__ = ["AuditFilterForm"]

# Above this many members the "Acting for" filter is a text box for the member's name: a select of
# 20,000 towns is a megabyte of HTML that nobody scrolls.
MEMBER_SELECT_LIMIT = 200


class MemberField(forms.ModelChoiceField):
    """A member of the queryset, chosen from a list or typed by name (exact, any case)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            match = list(self.queryset.filter(name__iexact=value.strip())[:2])  # type: ignore[union-attr]
            if len(match) == 1:
                return match[0]
            raise forms.ValidationError(
                _("No single member of your consortia is called “%(name)s”.") % {"name": value.strip()},
                code="invalid_choice",
            )
        return super().to_python(value)


class AuditFilterForm(forms.Form):
    """Which events to show: consortium, action prefix, person, member, object type, date range."""

    consortium = forms.ModelChoiceField(
        label=_("Consortium"), queryset=Consortium.objects.none(), required=False, empty_label=_("All")
    )
    action = forms.CharField(
        label=_("Action starts with"),
        max_length=80,
        required=False,
        help_text=_("e.g. tenancy.role or auth."),
    )
    person = forms.CharField(
        label=_("Person"), max_length=100, required=False, help_text=_("Part of an e-mail address")
    )
    member = MemberField(
        label=_("Acting for"), queryset=Member.objects.none(), required=False, empty_label=_("All")
    )
    object_type = forms.CharField(
        label=_("Object type"), max_length=100, required=False, help_text=_("e.g. tenancy.member")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, consortium_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices come only from the consortia whose trail the person may read.
        consortium_field, member_field = self.fields["consortium"], self.fields["member"]
        assert isinstance(consortium_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        assert isinstance(member_field, forms.ModelChoiceField)  # noqa: S101
        consortium_field.queryset = Consortium.objects.filter(pk__in=consortium_ids).order_by("name")
        member_field.queryset = (
            Member.objects.filter(participations__consortium__in=consortium_ids).distinct().order_by("name")
        )
        if member_field.queryset.count() > MEMBER_SELECT_LIMIT:
            member_field.widget = forms.TextInput()
            member_field.help_text = _("The member's full name")
        if len(consortium_ids) < 2:
            del self.fields["consortium"]
        for field in self.fields.values():
            css = "usa-select" if isinstance(field.widget, forms.Select) else "usa-input"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
