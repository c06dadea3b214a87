"""Vendors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.moments import legal_cell
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.procurement import actions
from interlocal.procurement import forms as f
from interlocal.procurement.models import (
    Solicitation,
    Vendor,
    VendorUser,
)
from interlocal.procurement.queries import (
    get_addendum_of_public_solicitation,
    get_vendor_for_council,
    public_questions,
    public_solicitation,
    suspended_vendor_of,
    unacknowledged_addenda,
    vendor_follows,
    vendor_of,
    vendor_open_solicitations,
    vendor_questions,
    vendor_role,
)
from interlocal.procurement.views.common import (
    _council,
    _current_consortium,
    _deny_vendors,
    _form_errors,
    _message_errors,
    _user,
)
from interlocal.procurement.views.public import PublicSolicitationTable

__all__ = [
    "RESEND_PER_CLIENT",
    "VendorSolicitationTable",
    "VendorTable",
    "vendor_accept",
    "vendor_acknowledge",
    "vendor_ask",
    "vendor_dashboard",
    "vendor_follow",
    "vendor_list",
    "vendor_profile",
    "vendor_register",
    "vendor_solicitation",
    "vendor_status",
    "vendor_users",
    "vendor_verify",
    "vendor_verify_resend",
]


@require_http_methods(["GET", "POST"])
def vendor_register(request: HttpRequest) -> HttpResponse:
    """Anyone: register a vendor company; the e-mail link activates it."""
    form = f.VendorRegistrationForm(request.POST or None, initial={"country": "US"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_register_vendor(**data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" not in exc.error_dict or hasattr(exc, "error_dict"):
                _form_errors(form, exc)
            else:
                form.add_error("password", exc)
        else:
            return render(request, "procurement/vendor_registered.html", {"email": data["person_email"]})
    return render(request, "procurement/vendor_register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def vendor_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail link: GET asks to confirm (mail scanners follow links), POST activates."""
    if request.method == "POST":
        try:
            vendor = actions.do_verify_vendor_email(token)
        except ValidationError as exc:
            return render(request, "procurement/vendor_verify.html", {"error": exc.messages[0]}, status=400)
        messages.success(
            request, _g("%(v)s is verified. Sign in and set up your authenticator app.") % {"v": vendor.name}
        )
        return redirect("account_login")
    return render(request, "procurement/vendor_verify.html", {"token": token})


RESEND_PER_CLIENT = 10  # new-link requests per client address per hour


@require_http_methods(["GET", "POST"])
def vendor_verify_resend(request: HttpRequest) -> HttpResponse:
    """Anyone: ask for a new verification link. The answer is the same whether or not the
    address has a pending registration; each address gets at most one link per ten minutes
    (in do_resend_vendor_verification) and each client address a few requests per hour."""
    from django.core.cache import cache

    from interlocal.audit.middleware import client_ip

    form = f.VendorResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"procurement:resend-verify-client:{client_ip(request) or '-'}"
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            count = 1
        if count > RESEND_PER_CLIENT:
            return render(
                request,
                "procurement/vendor_verify_resend.html",
                {"form": form, "limited": True},
                status=429,
            )
        actions.do_resend_vendor_verification(form.cleaned_data["email"])
        return render(request, "procurement/vendor_verify_resend.html", {"form": None, "sent": True})
    return render(
        request,
        "procurement/vendor_verify_resend.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def vendor_accept(request: HttpRequest, token: str) -> HttpResponse:
    """A colleague's invitation link: choose a password."""
    form = f.VendorAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_accept_vendor_invitation(token, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _g("Your account is ready. Sign in and set up your authenticator app."))
            return redirect("account_login")
    return render(request, "procurement/vendor_accept.html", {"form": form})


def _vendor(request: HttpRequest) -> Vendor:
    vendor = vendor_of(request.user)
    if vendor is None:
        raise PermissionDenied(_g("These pages are for registered vendors."))
    return vendor


def _vendor_sol_url(s: Solicitation) -> str:
    return reverse("procurement:vendor_solicitation", args=[s.pk])


class VendorSolicitationTable(PublicSolicitationTable):
    columns = [
        Column("reference_number", _("Reference"), sort="reference_number", link=_vendor_sol_url),
        Column("title", _("Title"), sort="title", link=_vendor_sol_url),
        Column("buyer", _("Issued by"), accessor="consortium.name", sort="consortium__name"),
        Column("method", _("Method"), accessor="get_method_display", sort="method"),
        Column(
            "deadline",
            _("Submission deadline"),
            accessor=lambda s: legal_cell(s.submission_deadline, s.consortium),
            sort="submission_deadline",
        ),
        Column("following", _("Following"), accessor=lambda s: _g("Yes") if s.following else ""),
        Column("pending", _("Addenda to acknowledge"), accessor="pending", numeric=True),
    ]
    export_name = "vendor-solicitations"


@login_required
def vendor_dashboard(request: HttpRequest) -> HttpResponse:
    """A vendor: the solicitations it can respond to, which it follows, and addenda to acknowledge."""
    vendor = _vendor(request)
    return VendorSolicitationTable(request, vendor_open_solicitations(vendor)).response(
        "procurement/vendor_dashboard.html", {"vendor": vendor, "role": vendor_role(request.user, vendor)}
    )


@login_required
def vendor_solicitation(request: HttpRequest, pk: int) -> HttpResponse:
    """A vendor's view of a solicitation: bid (or why not now), follow it, ask questions,
    acknowledge addenda. A suspended company's people see it too, with why they cannot bid."""
    vendor = vendor_of(request.user) or suspended_vendor_of(request.user)
    if vendor is None:
        raise PermissionDenied(_g("These pages are for registered vendors."))
    sol = public_solicitation(pk)
    bidding = actions.bid_rights(request.user, sol, vendor)
    active = bidding.state != "suspended"
    context = {
        "solicitation": sol,
        "vendor": vendor,
        "bidding": bidding,
        "active": active,
        "items": sol.items.all(),
        "criteria": sol.criteria.all(),
        "documents": sol.documents.filter(public=True).select_related("file"),
        "answers": public_questions(sol),
        "own_questions": vendor_questions(sol, vendor),
        "addenda": sol.addenda.all(),
        "pending": set(unacknowledged_addenda(sol, vendor).values_list("pk", flat=True)) if active else set(),
        "following": vendor_follows(sol, vendor),
        "question_form": f.QuestionForm(),
    }
    return render(request, "procurement/vendor_solicitation.html", context)


@login_required
@require_POST
def vendor_follow(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _vendor(request)
    sol = public_solicitation(pk)
    try:
        actions.do_register_interest(sol, vendor, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("You follow this solicitation: addenda and answers come by e-mail."))
    return redirect(_vendor_sol_url(sol))


@login_required
@require_POST
def vendor_ask(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _vendor(request)
    sol = public_solicitation(pk)
    form = f.QuestionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_ask_question(sol, vendor, acting_user=_user(request), text=form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(
                request,
                _g("Your question was sent. The answer is published to all vendors without your name."),
            )
    else:
        messages.error(request, _g("Write your question."))
    return redirect(_vendor_sol_url(sol) + "#questions")


@login_required
@require_POST
def vendor_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _vendor(request)
    addendum = get_addendum_of_public_solicitation(pk)
    try:
        actions.do_acknowledge_addendum(addendum, vendor, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("Addendum %(n)d acknowledged.") % {"n": addendum.number})
    return redirect(_vendor_sol_url(addendum.solicitation) + "#addenda")


@login_required
@require_http_methods(["GET", "POST"])
def vendor_profile(request: HttpRequest) -> HttpResponse:
    """The vendor's profile: its admins edit it, its users read it."""
    vendor = _vendor(request)
    is_admin = vendor_role(request.user, vendor) == VendorUser.Role.ADMIN
    if request.method == "POST" and not is_admin:
        raise PermissionDenied(_g("Only the vendor's admins may change its profile."))
    form = f.VendorProfileForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.do_update_vendor(Vendor.objects.get(pk=vendor.pk), acting_user=_user(request), **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The profile was saved."))
            return redirect("procurement:vendor_profile")
    return render(
        request, "procurement/vendor_profile.html", {"vendor": vendor, "form": form, "is_admin": is_admin}
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_users(request: HttpRequest) -> HttpResponse:
    """The vendor's people; its admins invite colleagues."""
    vendor = _vendor(request)
    is_admin = vendor_role(request.user, vendor) == VendorUser.Role.ADMIN
    form = f.VendorInviteForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_g("Only the vendor's admins may invite colleagues."))
        if form.is_valid():
            try:
                actions.do_invite_vendor_user(vendor, acting_user=_user(request), **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _g("The invitation was sent."))
                return redirect("procurement:vendor_users")
    people = VendorUser.objects.filter(vendor=vendor).select_related("user")
    return render(
        request,
        "procurement/vendor_users.html",
        {"vendor": vendor, "people": people, "form": form, "is_admin": is_admin},
    )


class VendorTable(Table):
    columns = [
        Column(
            "name",
            _("Company"),
            sort="name",
            link=lambda v: reverse("procurement:vendor_status", args=[v.pk]),
        ),
        Column("legal_id", _("Registration number"), sort="legal_id"),
        Column("country", _("Country"), sort="country"),
        Column("email", _("Contact e-mail"), sort="email"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column("created_at", _("Registered"), accessor=lambda v: v.created_at.date(), sort="created_at"),
    ]
    search_fields = ("name", "legal_id", "email")
    search_label = _("Search by name, number or e-mail")
    filters = [ChoiceFilter("status", _("Status"), Vendor.Status.choices)]
    default_sort = "name"
    export_name = "vendors"
    caption = _("Registered vendors")
    empty_text = _("No vendor has registered yet.")


@login_required
def vendor_list(request: HttpRequest) -> HttpResponse:
    """Council: the vendors registered with the consortium."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    if not _council(request):
        raise PermissionDenied(_g("Only the consortium's staff see the vendor register."))
    vendors = Vendor.objects.visible_to(request.user).filter(registrations__consortium=consortium)
    return VendorTable(request, vendors).response("procurement/vendor_list.html", {"consortium": consortium})


@login_required
@require_http_methods(["GET", "POST"])
def vendor_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: a registered vendor's details, and suspending (with a reason) or reinstating it."""
    vendor = get_vendor_for_council(request.user, pk)
    form = f.VendorSuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        try:
            if request.POST.get("action") == "reinstate":
                actions.do_reinstate_vendor(vendor, acting_user=user, reason=form.cleaned_data["reason"])
                messages.success(
                    request, _g("%(v)s is reinstated; its people were told.") % {"v": vendor.name}
                )
            else:
                actions.do_suspend_vendor(vendor, reason=form.cleaned_data["reason"], acting_user=user)
                messages.success(
                    request, _g("%(v)s is suspended; its people were told.") % {"v": vendor.name}
                )
        except ValidationError as exc:
            for field, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            return redirect("procurement:vendor_status", pk=vendor.pk)
    people = vendor.users.select_related("user").order_by("user__email")
    return render(
        request,
        "procurement/vendor_status.html",
        {"vendor": vendor, "form": form, "people": people},
        status=400 if request.method == "POST" else 200,
    )
