"""Tenancy pages: the consortium overview, the member directory and profiles, people and roles,
the "acting for" switcher, and the platform's dashboard cards.

Reads go through visible_to / get_*_for_user; writes through tenancy.actions (do_*). The current
consortium (request.tenant) only chooses which of the visible things a page is about.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.accounts.queries import manageable_people
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.tenancy.actions import do_revoke_role, do_update_consortium_settings, do_update_member
from interlocal.tenancy.context import SESSION_CONSORTIUM, SESSION_MEMBER
from interlocal.tenancy.forms import ConsortiumSettingsForm, MemberProfileForm, SwitchContextForm
from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.queries import get_consortium_for_user, get_member_for_user, get_membership_for_user
from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, Role
from interlocal.tenancy.scoping import is_consortium_admin

__all__ = [
    "consortium_overview",
    "consortium_settings",
    "member_detail",
    "member_edit",
    "member_list",
    "people_list",
    "revoke_role",
    "switch_context",
]


def _current_consortium(request: HttpRequest) -> Consortium:
    """The consortium the person acts for, re-read through the scoping path; 404 without one."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def _deny_vendors(request: HttpRequest) -> None:
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied(_g("This page is for the consortium's members, not for vendors."))


# --- Acting for ---------------------------------------------------------------------------------
@login_required
@require_POST
def switch_context(request: HttpRequest) -> HttpResponse:
    """Act for another consortium (and member) in which the person holds a role; 404 otherwise."""
    form = SwitchContextForm(request.POST)
    if not form.is_valid():
        raise Http404(_g("Choose a consortium you belong to."))
    consortium_id, member_id = form.ids()
    memberships = request.tenant.memberships  # type: ignore[attr-defined]
    in_consortium = [m for m in memberships if m.consortium_id == consortium_id]
    if not in_consortium or (member_id is not None and all(m.member_id != member_id for m in in_consortium)):
        raise Http404(_g("You hold no role there."))
    request.session[SESSION_CONSORTIUM] = consortium_id
    if member_id is None:
        request.session.pop(SESSION_MEMBER, None)
    else:
        request.session[SESSION_MEMBER] = member_id
    chosen = next(m for m in in_consortium if member_id is None or m.member_id == member_id)
    where = f"{chosen.consortium} — {chosen.member}" if member_id else str(chosen.consortium)
    messages.success(request, _g("You are now acting for %(where)s.") % {"where": where})
    target = form.cleaned_data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("core:dashboard")
    return redirect(target)


# --- Consortium ---------------------------------------------------------------------------------
@login_required
def consortium_overview(request: HttpRequest) -> HttpResponse:
    """What the consortium is, its members in numbers, and whom to contact on its council."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    members = Member.objects.visible_to(request.user).in_consortium(consortium)
    totals = members.aggregate(count=Count("pk", distinct=True), population=Sum("population"))
    by_kind = list(members.values("kind").annotate(n=Count("pk")).order_by("-n", "kind"))
    kind_labels = dict(Member.Kind.choices)
    council = (
        Membership.objects.visible_to(request.user)
        .in_consortium(consortium)
        .filter(member__isnull=True, role__in=CONSORTIUM_WRITE_ROLES)
        .select_related("user")  # each contact shows the person's name and e-mail
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "tenancy/consortium_overview.html",
        {
            "consortium": consortium,
            "member_count": totals["count"],
            "population_total": totals["population"],
            "by_kind": [
                {"label": kind_labels.get(row["kind"], row["kind"]), "count": row["n"]} for row in by_kind
            ],
            "council": council,
            "can_change_settings": is_consortium_admin(request.user, consortium.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consortium_settings(request: HttpRequest) -> HttpResponse:
    """The consortium's settings (its time zone): its admins change them, others get 403."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    if not is_consortium_admin(request.user, consortium.pk):
        raise PermissionDenied(_g("Only the consortium's admins may change its settings."))
    form = ConsortiumSettingsForm(request.POST or None, initial={"time_zone": consortium.time_zone})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["time_zone"] == consortium.time_zone:
            messages.info(request, _g("Nothing changed."))
            return redirect("tenancy:consortium")
        try:
            do_update_consortium_settings(
                consortium,
                acting_user=request.user,  # type: ignore[arg-type]
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            form.add_error("time_zone", exc)
        else:
            messages.success(request, _g("The consortium's settings were saved."))
            return redirect("tenancy:consortium")
    return render(request, "tenancy/consortium_settings.html", {"consortium": consortium, "form": form})


# --- Members ------------------------------------------------------------------------------------
def _member_url(member: Member) -> str:
    return reverse("tenancy:member_detail", args=[member.pk])


class MemberTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_member_url),
        Column("kind", _("Kind"), accessor="get_kind_display", sort="kind"),
        Column("population", _("Population"), sort="population", numeric=True),
        Column("region", _("State or province"), sort="region"),
    ]
    search_fields = ("name", "region", "census_code")
    search_label = _("Search by name or region")
    filters = [ChoiceFilter("kind", _("Kind"), Member.Kind.choices)]
    default_sort = "name"
    export_name = "members"
    caption = _("Members")
    empty_text = _("No members match these filters.")


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """The member directory of the current consortium: search, filter by kind, sort, export."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    # Member rows need no related rows: the columns read the member's own fields only.
    members = Member.objects.visible_to(request.user).in_consortium(consortium)
    return MemberTable(request, members).response("tenancy/member_list.html", {"consortium": consortium})


class MemberPeopleTable(Table):
    columns = [
        Column("person", _("Name"), accessor="user.display_name", sort="user__full_name"),
        Column("email", _("E-mail"), accessor="user.email", sort="user__email"),
        Column("role", _("Role"), accessor="get_role_display", sort="role"),
    ]
    default_sort = "person"
    export_name = "member-people"
    caption = _("People of this member")
    per_page = 50
    empty_text = _("You cannot see anyone who holds a role for this member.")


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's profile and the people who hold roles for it (those the person may see)."""
    member = get_member_for_user(request.user, pk)
    can_edit = Member.objects.writable_by(request.user).filter(pk=member.pk).exists()
    # select_related: each row shows the person's name and e-mail.
    people = Membership.objects.visible_to(request.user).filter(member=member).select_related("user")
    consortia = Consortium.objects.visible_to(request.user).filter(participations__member=member).distinct()
    return MemberPeopleTable(request, people).response(
        "tenancy/member_detail.html", {"member": member, "can_edit": can_edit, "consortia": consortia}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a member's profile: its member admins and its consortia's council; others 403/404."""
    member = get_member_for_user(request.user, pk)  # 404 for members of other consortia
    if not Member.objects.writable_by(request.user).filter(pk=member.pk).exists():
        raise PermissionDenied(_g("You may not change this member's profile."))
    form = MemberProfileForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _g("Nothing changed."))
            return redirect("tenancy:member_detail", pk=member.pk)
        # The form has already copied the values onto the instance; start from the stored row.
        fresh = get_member_for_user(request.user, pk, write=True)
        try:
            do_update_member(fresh, acting_user=request.user, **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("The profile of %(member)s was saved.") % {"member": fresh.name})
            return redirect("tenancy:member_detail", pk=member.pk)
        member = fresh
    return render(request, "tenancy/member_edit.html", {"member": member, "form": form})


# --- People and roles ---------------------------------------------------------------------------
class PeopleTable(Table):
    columns = [
        Column("person", _("Name"), accessor="user.display_name", sort="user__full_name"),
        Column("email", _("E-mail"), accessor="user.email", sort="user__email"),
        Column("role", _("Role"), accessor="get_role_display", sort="role"),
        Column("member", _("For member"), accessor="member.name", sort="member__name"),
        Column("since", _("Since"), accessor=lambda m: m.created_at.date().isoformat(), sort="created_at"),
        Column("actions", _("Actions"), accessor="pk", template="tenancy/includes/people_actions.html"),
    ]
    search_fields = ("user__full_name", "user__email", "member__name")
    search_label = _("Search by name, e-mail or member")
    filters = [ChoiceFilter("role", _("Role"), Role.choices)]
    default_sort = "person"
    export_name = "people"
    caption = _("People and roles")
    empty_text = _("Nobody matches these filters.")

    def annotate_page(self, objects: list[Any]) -> None:
        """Each row's actions: two queries for the page (a subquery per row over a whole
        consortium's 40,000 memberships cost more than the page)."""
        viewer = self.request.user
        revocable = set(
            Membership.objects.writable_by(viewer)
            .filter(pk__in=[m.pk for m in objects])
            .values_list("pk", flat=True)
        )
        manageable = set(
            manageable_people(viewer)  # type: ignore[arg-type]
            .filter(pk__in=[m.user_id for m in objects])
            .values_list("pk", flat=True)
        )
        for membership in objects:
            membership.can_revoke = membership.pk in revocable
            membership.can_disable = membership.user_id in manageable


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """Who holds which role in the current consortium, as far as the person may see."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    people = (
        Membership.objects.visible_to(request.user)
        .in_consortium(consortium)
        # Each row shows the person's name and e-mail and the member's name.
        .select_related("user", "member")
    )  # the rows' actions: PeopleTable.annotate_page
    return PeopleTable(request, people).response("tenancy/people_list.html", {"consortium": consortium})


@login_required
@require_http_methods(["GET", "POST"])
def revoke_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then take a role away (consortium admins; member admins for their member)."""
    membership = get_membership_for_user(request.user, pk)  # 404 when not visible at all
    if not Membership.objects.writable_by(request.user).filter(pk=membership.pk).exists():
        raise PermissionDenied(_g("You may not change this person's roles."))
    if request.method == "POST":
        label = str(membership.user)
        role = membership.get_role_display()
        own_role = membership.user_id == request.user.pk
        try:
            do_revoke_role(membership, acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(
                request, _g("%(person)s no longer holds the role %(role)s.") % {"person": label, "role": role}
            )
            if own_role:
                # The people page may no longer be theirs to see; the dashboard always is.
                return redirect("core:dashboard")
        return redirect("tenancy:people")
    return render(request, "tenancy/revoke_role.html", {"membership": membership})


# --- Dashboard cards (registered in TenancyConfig.ready) ------------------------------------------
def consortium_card(request: HttpRequest) -> dict[str, Any] | None:
    """Your consortium: how many members and people it serves."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    totals = (
        Member.objects.visible_to(request.user)
        .in_consortium(tenant.consortium)
        .aggregate(count=Count("pk", distinct=True), population=Sum("population"))
    )
    return {
        "consortium": tenant.consortium,
        "member_count": totals["count"],
        "population_total": totals["population"],
    }


def member_card(request: HttpRequest) -> dict[str, Any] | None:
    """Your member: the member the person acts for, for member staff and admins."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.member is None:
        return None
    can_edit = Member.objects.writable_by(request.user).filter(pk=tenant.member.pk).exists()
    return {"member": tenant.member, "can_edit": can_edit}


def people_card(request: HttpRequest) -> dict[str, Any] | None:
    """People: how many people hold roles where the person is an admin."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or not tenant.is_admin:
        return None
    visible = Membership.objects.visible_to(request.user).in_consortium(tenant.consortium)
    return {
        "people_count": visible.values("user").distinct().count(),
        "is_consortium_admin": tenant.is_consortium_admin,
    }
