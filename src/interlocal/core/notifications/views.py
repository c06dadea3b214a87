"""Notification pages: the list (mark read, mark all read), and the person's preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.notifications.actions import do_mark_all_read, do_mark_read, do_set_preferences
from interlocal.core.notifications.forms import PreferencesForm
from interlocal.core.notifications.queries import (
    get_notification_for_user,
    notifications_for,
    preferences_for,
    unread_count,
)

__all__ = ["notification_list", "notification_preferences", "notification_read", "notifications_read_all"]

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; ?show=unread for the unread ones only."""
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/notifications/list.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": unread_count(request.user),
            "query_prefix": "show=unread&" if unread_only else "",
        },
    )


def _back(request: HttpRequest, fallback: str) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, {request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return fallback


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to the page it links to."""
    notification = get_notification_for_user(request.user, pk)
    do_mark_read(notification, acting_user=request.user)
    if request.POST.get("open") and notification.link:
        return redirect(notification.link)
    return redirect(_back(request, "core:notifications"))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every unread notification of the person read."""
    count = do_mark_all_read(acting_user=request.user)
    messages.success(request, _g("Marked %(n)s notifications read.") % {"n": count})
    return redirect(_back(request, "core:notifications"))


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Per kind of notification: by e-mail, in the app. Security mail is always e-mailed."""
    form = PreferencesForm(request.POST or None, preferences=preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            do_set_preferences(request.user, acting_user=request.user, choices=form.choices())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Your notification settings were saved."))
            return redirect("core:notification_preferences")
    return render(request, "core/notifications/preferences.html", {"form": form})
