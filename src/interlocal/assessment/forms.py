"""Forms of the assessment core. They validate input only; views write through assessment.actions.

Answers are not a Django form: the answering page posts `q-<code>` fields that go straight to
`do_save_answers`, which validates each value against its question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlocal.assessment.models import Question, Response, Section, TemplateVersion
from interlocal.core.fields import aware_in
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "CampaignCreateForm",
    "CampaignEditForm",
    "QuestionForm",
    "ReopenForm",
    "SectionForm",
    "TemplateCreateForm",
    "TemplateForm",
    "VisibilityForm",
    "parse_reminder_days",
]


def parse_reminder_days(raw: str) -> list[int]:
    """ "7, 2" -> [7, 2]; ValidationError naming the bad part."""
    days: list[int] = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 90:
            raise ValidationError(
                _("“%(part)s” is not a number of days from 1 to 90."), params={"part": part[:20]}
            )
        days.append(int(part))
    return sorted(set(days), reverse=True)


class TemplateForm(forms.Form):
    """A template's name and description."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class TemplateCreateForm(TemplateForm):
    """A new template of the consortium, copied from the standard template or another one."""

    source = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=TemplateVersion.objects.none(),
        required=False,
        empty_label=_("An empty template"),
        help_text=_("Its sections and questions are copied; you can change them afterwards."),
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        field.queryset = versions  # type: ignore[attr-defined]
        field.label_from_instance = lambda v: f"{v.template.name} — v{v.number}"  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    """A section of a template version."""

    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.ModelChoiceField(
        label=_("Service area"),
        queryset=ServiceArea.objects.none(),
        required=False,
        empty_label=_("None (a general section)"),
        help_text=_("Benchmarks and the priority–readiness matrix group answers by service area."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    order = forms.IntegerField(
        label=_("Position"), required=False, min_value=0, max_value=100_000, help_text=_("Lower comes first.")
    )

    def __init__(self, *args: Any, consortium: Consortium | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = (
            ServiceArea.objects.for_consortium(consortium) if consortium else ServiceArea.objects.standard()
        )
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class _LinesField(forms.CharField):
    """One item per line; blank lines are ignored."""

    widget = forms.Textarea(attrs={"rows": 5})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class QuestionForm(forms.Form):
    """A question: what is asked and what a valid answer is."""

    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none(), empty_label=None)
    code = forms.RegexField(
        label=_("Code"),
        max_length=120,
        regex=r"^[a-z0-9][a-z0-9_.-]*$",
        error_messages={"invalid": _("Use lower-case letters, digits, dots, dashes and underscores.")},
        help_text=_(
            "A stable key, unique in the template, e.g. “edms.pressing”. Workbooks and the API use it."
        ),
    )
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(
        label=_("Help text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    dimension = forms.ChoiceField(
        label=_("Dimension (scaled questions)"),
        required=False,
        choices=[("", _("None")), *Question.Dimension.choices],
        help_text=_("What a scaled rating measures; the matrix reads concern, readiness and sharing."),
    )
    scale_labels = _LinesField(
        label=_("Scale labels (scaled questions)"),
        required=False,
        help_text=_("Five lines: the label of 1, then 2, 3, 4 and 5."),
    )
    choices = _LinesField(
        label=_("Options (choice questions)"), required=False, help_text=_("One option per line.")
    )
    unit = forms.CharField(
        label=_("Unit (numbers)"),
        required=False,
        max_length=40,
        help_text=_("e.g. USD/year, FTE, users, records"),
    )
    min_value = forms.FloatField(label=_("Minimum (numbers)"), required=False)
    max_value = forms.FloatField(label=_("Maximum (numbers)"), required=False)
    required = forms.BooleanField(label=_("An answer is required before submitting"), required=False)
    order = forms.IntegerField(label=_("Position"), required=False, min_value=0, max_value=100_000)

    def __init__(self, *args: Any, version: TemplateVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.order_by("order", "pk")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("min_value", "max_value"):
            value = data.get(name)
            if value is not None and (value != value or abs(value) > 1e15):
                self.add_error(name, _("Enter a number between -10^15 and 10^15."))
        return data

    def action_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        section = data.pop("section")
        data["section_id"] = section.pk
        return data


class CampaignCreateForm(forms.Form):
    """Launch a campaign: template version, participating members, deadline."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Message to the members"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the answering page and in the invitation e-mail."),
    )
    template_version = forms.ModelChoiceField(
        label=_("Template"), queryset=TemplateVersion.objects.none(), empty_label=None
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Participating members"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each member's admins and staff are invited by e-mail."),
    )
    deadline_date = forms.DateField(
        label=_("Deadline (date)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_time = forms.TimeField(
        label=_("Deadline (time)"),
        initial=dt.time(17, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reminder_days = forms.CharField(
        label=_("Reminders (days before the deadline)"),
        initial="7, 2",
        required=False,
        max_length=50,
        help_text=_("Members who have not submitted get an e-mail on each of these days, e.g. “7, 2”."),
    )
    launch = forms.BooleanField(
        label=_("Launch now (otherwise save as a draft)"), required=False, initial=True
    )

    def __init__(self, *args: Any, versions: Any, members: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone  # the consortium's: the deadline is a time on its clocks
        self.fields["deadline_time"].help_text = _("In %(zone)s time.") % {"zone": time_zone}
        version_field = self.fields["template_version"]
        version_field.queryset = versions  # type: ignore[attr-defined]
        version_field.label_from_instance = lambda v: f"{v.template.name} — v{v.number}"  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]

    def clean_reminder_days(self) -> list[int]:
        return parse_reminder_days(self.cleaned_data.get("reminder_days") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("deadline_date"), data.get("deadline_time")
        if day and time:
            data["deadline"] = aware_in(day, time, self.time_zone)
        return data


class CampaignEditForm(forms.Form):
    """What may change while a campaign runs."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Message to the members"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline_date = forms.DateField(
        label=_("Deadline (date)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_time = forms.TimeField(
        label=_("Deadline (time)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reminder_days = forms.CharField(
        label=_("Reminders (days before the deadline)"), required=False, max_length=50
    )
    priority_threshold = forms.FloatField(
        label=_("Priority threshold (matrix)"),
        min_value=1,
        max_value=5,
        help_text=_("Areas scoring at least this on concern count as high priority."),
    )
    readiness_threshold = forms.FloatField(
        label=_("Readiness threshold (matrix)"),
        min_value=1,
        max_value=5,
        help_text=_("Areas scoring at least this on readiness and sharing count as ready."),
    )

    def clean_reminder_days(self) -> list[int]:
        return parse_reminder_days(self.cleaned_data.get("reminder_days") or "")

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone  # the consortium's: the deadline is a time on its clocks
        self.fields["deadline_time"].help_text = _("In %(zone)s time.") % {"zone": time_zone}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("deadline_date"), data.get("deadline_time")
        if day and time:
            data["deadline"] = aware_in(day, time, self.time_zone)
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "deadline": data["deadline"],
            "reminder_days": data["reminder_days"],
            "priority_threshold": data["priority_threshold"],
            "readiness_threshold": data["readiness_threshold"],
        }


class ReopenForm(forms.Form):
    """Why a submitted response is reopened (sent to the member)."""

    reason = forms.CharField(
        label=_("Reason (sent to the member)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VisibilityForm(forms.Form):
    """Who may see the member's answers."""

    visibility = forms.ChoiceField(choices=Response.Visibility.choices, widget=forms.RadioSelect)
