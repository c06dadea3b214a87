"""Template helpers for USWDS markup: the project form renderer (templates/django/forms/) uses them.

- `{% uswds_widget field %}` renders a bound field's widget with the USWDS class for its kind
  (usa-input, usa-select, usa-textarea, usa-checkbox__input, ...) and the error modifier.
- `field|uswds_kind` says which markup a field needs: "checkbox", "choices" (radio buttons or
  checkboxes in a fieldset), "hidden" or "input".
- `field|uswds_checklist`: a checkbox list long enough for select all / none and a filter.
- `{% alert_type message %}` maps a Django message level to a usa-alert modifier.
"""

from __future__ import annotations

from django import forms, template
from django.contrib.messages import constants
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_ERROR_CLASS = "usa-input--error"


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "usa-select"
    if isinstance(widget, forms.Textarea):
        return "usa-textarea"
    if isinstance(widget, forms.FileInput):
        return "usa-file-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    return "usa-input"


@register.filter
def uswds_kind(field: BoundField) -> str:
    """Which USWDS pattern a field needs."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def uswds_choice_type(field: BoundField) -> str:
    """ "radio" or "checkbox" for a choices field (the USWDS class prefix)."""
    return "checkbox" if isinstance(field.field.widget, forms.CheckboxSelectMultiple) else "radio"


# Checkbox lists longer than this get "Select all", "Select none" and a filter box
# (static/interlocal/js/checklist.js, switched on by `data-il-checklist` on the fieldset).
CHECKLIST_MIN = 10


@register.filter
def uswds_checklist(field: BoundField) -> bool:
    """Whether a field is a long checkbox list (more than CHECKLIST_MIN options)."""
    return (
        isinstance(field.field.widget, forms.CheckboxSelectMultiple) and len(field.subwidgets) > CHECKLIST_MIN
    )


@register.simple_tag
def uswds_widget(field: BoundField) -> SafeString:
    """The field's widget with USWDS classes added to any the form declared."""
    classes = [field.field.widget.attrs.get("class", ""), _widget_class(field.field.widget)]
    if field.errors and classes[1] not in {"usa-checkbox__input", ""}:
        classes.append(_ERROR_CLASS)
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


_ALERT_TYPES = {
    constants.DEBUG: "info",
    constants.INFO: "info",
    constants.SUCCESS: "success",
    constants.WARNING: "warning",
    constants.ERROR: "error",
}


@register.filter
def alert_type(message: object) -> str:
    """The usa-alert modifier for a django.contrib.messages message."""
    return _ALERT_TYPES.get(getattr(message, "level", constants.INFO), "info")
