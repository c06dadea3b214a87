"""The kinds of notification a person can receive, and which e-mail template belongs to which.

Apps register their kinds in `AppConfig.ready()`, like navigation entries:

    from interlocal.core.notifications.kinds import NotificationKind, register_kind
    register_kind(NotificationKind("assessment.reminders", _("Campaign deadline reminders"),
                                   templates=("assessment/email/reminder",)))

A person may turn e-mail and in-app delivery off per kind, except where the kind says
`email_required` (security and account mail: always e-mailed). A kind with
`in_app_content=False` carries secret links (password reset, vendor verification): its in-app
notification keeps the subject only, never the body or the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

__all__ = [
    "OTHER",
    "SECURITY",
    "NotificationKind",
    "all_kinds",
    "get_kind",
    "kind_for_template",
    "register_kind",
]

OTHER = "other"
SECURITY = "account.security"


@dataclass(frozen=True)
class NotificationKind:
    """One kind of message: its key, its label on the preferences page, and its rules."""

    key: str
    label: Any
    templates: tuple[str, ...] = ()
    email_required: bool = False
    in_app_content: bool = True
    order: int = 50


_KINDS: dict[str, NotificationKind] = {}
_BY_TEMPLATE: dict[str, str] = {}


def register_kind(kind: NotificationKind) -> None:
    """Add a kind (once; a second registration of the same key is ignored)."""
    if kind.key in _KINDS:
        return
    _KINDS[kind.key] = kind
    for template in kind.templates:
        _BY_TEMPLATE[template] = kind.key


def get_kind(key: str) -> NotificationKind:
    """The kind registered under `key`; unknown keys count as "other"."""
    return _KINDS.get(key) or _KINDS[OTHER]


def kind_for_template(template: str) -> str:
    """The kind of the e-mail built from `template` ("other" when no app claimed it)."""
    return _BY_TEMPLATE.get(template, OTHER)


def all_kinds() -> list[NotificationKind]:
    """Every registered kind, in the preferences page's order."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, str(k.label)))


# The shell's own kinds. Account mail comes from django-allauth (password reset, e-mail
# confirmation) and carries one-time links: always e-mailed, and never copied in full in-app.
register_kind(
    NotificationKind(
        SECURITY,
        _("Account security (password reset, sign-in)"),
        email_required=True,
        in_app_content=False,
        order=0,
    )
)
register_kind(
    NotificationKind(
        "account.invitation",
        _("Invitations"),
        templates=("accounts/email/invitation",),
        email_required=True,
        in_app_content=False,
        order=1,
    )
)
register_kind(NotificationKind(OTHER, _("Other messages"), order=99))
