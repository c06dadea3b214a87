"""The preferences form: per kind, e-mail on/off and in-app on/off."""

from __future__ import annotations

from typing import Any

from django import forms

from interlocal.core.notifications.queries import KindPreference

__all__ = ["PreferencesForm"]


class PreferencesForm(forms.Form):
    """Two checkboxes per notification kind; e-mail is fixed on where the kind requires it."""

    def __init__(self, *args: Any, preferences: list[KindPreference], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        for pref in preferences:
            self.fields[f"email__{pref.key}"] = forms.BooleanField(
                required=False,
                initial=pref.email,
                disabled=pref.email_required,
                label=pref.kind.label,
            )
            self.fields[f"in_app__{pref.key}"] = forms.BooleanField(
                required=False, initial=pref.in_app, label=pref.kind.label
            )

    def rows(self) -> list[dict[str, Any]]:
        """For the template: one row per kind with its two bound fields."""
        return [
            {"pref": p, "email": self[f"email__{p.key}"], "in_app": self[f"in_app__{p.key}"]}
            for p in self.preferences
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        """The cleaned choices per kind, without the e-mail of kinds that require it."""
        out: dict[str, dict[str, bool]] = {}
        for p in self.preferences:
            choice = {"in_app": bool(self.cleaned_data[f"in_app__{p.key}"])}
            if not p.email_required:
                choice["email"] = bool(self.cleaned_data[f"email__{p.key}"])
            out[p.key] = choice
        return out
