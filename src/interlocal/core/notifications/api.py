"""API of notifications: your own list, marking one read, and your preferences per kind."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from interlocal.core.api import (
    IdParam,
    InputSchema,
    LimitOffset,
    error_response,
    error_responses,
    request_user,
)
from interlocal.core.notifications.actions import do_mark_read, do_set_preferences
from interlocal.core.notifications.models import Notification
from interlocal.core.notifications.queries import (
    get_notification_for_user,
    notifications_for,
    preferences_for,
)

__all__ = ["router"]

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    """One in-app notification of yours."""

    id: int = Field(..., description="The notification's id.", examples=[31])
    kind: str = Field(..., description="Its kind (see the preferences).", examples=["assessment.reminders"])
    title: str = Field(..., description="The subject.", examples=["Reminder: 5 days left"])
    body: str = Field(..., description="The message (empty for security mail, which carries one-time links).")
    link: str = Field(
        ..., description="The path of the page it is about, or empty.", examples=["/assessment/responses/8/"]
    )
    created_at: dt.datetime = Field(..., description="When it was sent.")
    read_at: dt.datetime | None = Field(..., description="When you marked it read; null while unread.")


class NotificationFilter(Schema):
    unread: bool = Field(False, description="Only unread notifications.")


class PreferenceOut(Schema):
    """How one kind of message reaches you."""

    kind: str = Field(..., description="The kind's key.", examples=["assessment.reminders"])
    label: str = Field(..., description="The kind's name.", examples=["Campaign deadline reminders"])
    email: bool = Field(..., description="By e-mail.")
    in_app: bool = Field(..., description="In the app.")
    email_required: bool = Field(
        ..., description="True where e-mail cannot be turned off (security, account)."
    )


class PreferenceIn(InputSchema):
    kind: str = Field(..., description="The kind's key.", max_length=60)
    email: bool | None = Field(None, description="By e-mail (leave out to keep).")
    in_app: bool | None = Field(None, description="In the app (leave out to keep).")


class PreferencesIn(InputSchema):
    preferences: list[PreferenceIn] = Field(..., description="The kinds to change.", max_length=100)


def _preferences(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "kind": p.key,
            "label": str(p.kind.label),
            "email": p.email,
            "in_app": p.in_app,
            "email_required": p.email_required,
        }
        for p in preferences_for(request_user(request))
    ]


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **error_responses(401, 422)},
    operation_id="notifications_list",
    summary="List your notifications",
)
@paginate(LimitOffset)
def notifications_list(request: HttpRequest, filters: Query[NotificationFilter]) -> object:
    """Your own notifications, newest first; nobody else's are ever listed."""
    return notifications_for(request_user(request), unread_only=filters.unread)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_responses(401, 404, 422)},
    operation_id="notifications_read",
    summary="Mark a notification read",
)
def notifications_read(request: HttpRequest, notification_id: IdParam) -> Notification:
    """Mark one of your notifications read (again is harmless); 404 for anyone else's."""
    user = request_user(request)
    return do_mark_read(get_notification_for_user(user, notification_id), acting_user=user)


@router.get(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **error_responses(401)},
    operation_id="notifications_preferences_get",
    summary="Your notification preferences",
)
def notifications_preferences_get(request: HttpRequest) -> list[dict[str, object]]:
    """Every kind of message with how it reaches you (both on unless you chose otherwise)."""
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response={200: list[PreferenceOut], **error_responses(400, 401, 422)},
    operation_id="notifications_preferences_put",
    summary="Change your notification preferences",
)
def notifications_preferences_put(request: HttpRequest, payload: PreferencesIn) -> object:
    """Change how kinds of message reach you. Turning e-mail off for a kind that requires it
    (security, account) is refused with 400 and changes nothing."""
    user = request_user(request)
    choices: dict[str, dict[str, bool]] = {}
    for p in payload.preferences:
        choice = choices.setdefault(p.kind, {})
        if p.email is not None:
            choice["email"] = p.email
        if p.in_app is not None:
            choice["in_app"] = p.in_app
    try:
        do_set_preferences(user, acting_user=user, choices=choices)
    except ValidationError as exc:
        return error_response(
            400, " ".join(exc.messages), [{"loc": ["body", "preferences"], "msg": m} for m in exc.messages]
        )
    return _preferences(request)
