"""Account pages: profile, sessions, API tokens, invitations and accepting an invitation.

Sign-in, password reset and MFA screens are django-allauth's (templates restyled under
templates/allauth, templates/account and templates/mfa).
"""

from __future__ import annotations

import copy
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.accounts import actions
from interlocal.accounts.forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, ProfileForm
from interlocal.accounts.models import ApiToken, Invitation, User, UserSession
from interlocal.accounts.queries import (
    get_api_token_for_user,
    get_invitation_by_token,
    get_invitation_for_user,
    get_person_for_user,
    get_session_for_user,
    invitable_roles,
)
from interlocal.tenancy.models import Member

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    """One page of `queryset`, from ?page= (out-of-range pages give the last page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _form_errors_from(form: Any, exc: ValidationError) -> None:
    """Attach an action's ValidationError to the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Profile and sessions -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own profile and links to their security settings."""
    user: User = request.user  # type: ignore[assignment]
    # The form works on a copy: validating a ModelForm changes its instance, and the action must
    # see the values before the change for the audit trail.
    form = ProfileForm(request.POST or None, instance=copy.copy(user))
    if request.method == "POST" and form.is_valid():
        actions.do_update_profile(
            user,
            acting_user=user,
            **{f: form.cleaned_data[f] for f in ("full_name", "job_title", "phone", "time_zone")},
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "person": user,
            "memberships": user.memberships.select_related("consortium", "member"),  # names shown
            "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
            "active_tokens": ApiToken.objects.owned_by(user).active().count(),
        },
    )


@login_required
@require_http_methods(["GET"])
def session_list(request: HttpRequest) -> HttpResponse:
    """The person's signed-in sessions (browsers), the current one marked."""
    page = paginate(request, UserSession.objects.owned_by(request.user).current())
    return render(
        request,
        "accounts/sessions.html",
        {"page_obj": page, "current_key": request.session.session_key},
    )


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out one other session."""
    session = get_session_for_user(request.user, pk)  # type: ignore[arg-type]
    if session.session_key == request.session.session_key:
        messages.info(request, _("To end this session, sign out."))
        return redirect("accounts:sessions")
    actions.do_end_session(session, acting_user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The session was signed out."))
    return redirect("accounts:sessions")


# --- API tokens ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens (never their secrets)."""
    page = paginate(request, ApiToken.objects.owned_by(request.user))
    return render(request, "accounts/tokens.html", {"page_obj": page})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token; the secret is shown on the response page and never again."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.do_create_api_token(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["name"],
                form.expires_at(),
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            # Rendered, not redirected: the secret must not travel through the session or a URL.
            return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's tokens."""
    token = get_api_token_for_user(request.user, pk)  # type: ignore[arg-type]
    actions.do_revoke_api_token(token, acting_user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


# --- Disabling and enabling people -------------------------------------------------------------


def _back_to_people(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("tenancy:people")


@login_required
@require_POST
def person_disable(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a person signing in (a consortium admin's action; see actions.do_disable_user)."""
    person = get_person_for_user(request.user, pk)  # type: ignore[arg-type]
    actions.do_disable_user(person, acting_user=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(name)s can no longer sign in; their sessions were ended and API tokens revoked.")
        % {"name": person.display_name},
    )
    return _back_to_people(request)


@login_required
@require_POST
def person_enable(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a disabled person sign in again."""
    person = get_person_for_user(request.user, pk)  # type: ignore[arg-type]
    actions.do_enable_user(person, acting_user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s can sign in again.") % {"name": person.display_name})
    return _back_to_people(request)


# --- Invitations --------------------------------------------------------------------------------


def _require_inviter(request: HttpRequest) -> Any:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or not (tenant.is_consortium_admin or tenant.is_member_admin):
        raise PermissionDenied(_("Only consortium and member admins manage invitations."))
    return tenant


@login_required
@require_http_methods(["GET"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    """Invitations of the current consortium (a member admin: of their member)."""
    tenant = _require_inviter(request)
    invitations = Invitation.objects.visible_to(request.user).in_consortium(tenant.consortium)
    if not tenant.is_consortium_admin:
        invitations = invitations.for_member(tenant.member)
    # The table shows the member's and the inviter's names.
    invitations = invitations.select_related("member", "invited_by")
    return render(
        request,
        "accounts/invitations.html",
        {
            "page_obj": paginate(request, invitations),
            "consortium": tenant.consortium,
            "member": tenant.member,
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    """Invite someone to a role in the current consortium or member."""
    tenant = _require_inviter(request)
    user: User = request.user  # type: ignore[assignment]
    roles = invitable_roles(user, tenant.consortium, tenant.member)
    # A consortium admin picks the member; a member admin invites for the member they act for.
    fixed_member = None if tenant.is_consortium_admin else tenant.member
    members = Member.objects.visible_to(user).in_consortium(tenant.consortium)
    form = InvitationForm(request.POST or None, roles=roles, members=members, fixed_member=fixed_member)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _raw = actions.do_invite(
                email=form.cleaned_data["email"],
                consortium=tenant.consortium,
                member=form.cleaned_data["member"],
                role=form.cleaned_data["role"],
                acting_user=user,
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:invitations")
    return render(
        request,
        "accounts/invitation_form.html",
        {"form": form, "consortium": tenant.consortium, "member": fixed_member},
    )


def _act_on_invitation(request: HttpRequest, pk: int, act: Any, success: str) -> HttpResponse:
    """Run one do_* action on an invitation the person manages; report the outcome as a message."""
    invitation = get_invitation_for_user(request.user, pk, write=True)  # type: ignore[arg-type]
    try:
        act(invitation, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success % {"email": invitation.email})
    return redirect("accounts:invitations")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a fresh link for an open invitation."""
    return _act_on_invitation(
        request, pk, actions.do_resend_invitation, _("A new invitation link was sent to %(email)s.")
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an invitation."""
    return _act_on_invitation(
        request, pk, actions.do_revoke_invitation, _("The invitation to %(email)s was withdrawn.")
    )


def _sign_in(request: HttpRequest, user: User) -> HttpResponse:
    """Sign in a person who just set their password, as allauth's password sign-in would."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.account.utils import perform_login

    # Recording the password step spares them re-entering it to set up their authenticator.
    record_authentication(request, user, method="password", email=user.email)
    return perform_login(request, user, redirect_url=reverse("core:dashboard"))


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation e-mail: anyone holding it may open it; accepting needs the right person."""
    invitation = get_invitation_by_token(token)
    try:
        actions.check_invitation_usable(invitation)
    except actions.InvitationError as exc:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"message": exc.messages[0], "code": exc.code},
            status=404 if exc.code == "unknown" else 410,
        )
    assert invitation is not None  # noqa: S101 - check_invitation_usable refused None
    context: dict[str, Any] = {"invitation": invitation}

    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():  # type: ignore[union-attr]
            context["wrong_person"] = True
            return render(request, "accounts/invitation_accept.html", context, status=403)
        if request.method == "POST":
            try:
                actions.do_accept_invitation(invitation, user=request.user)  # type: ignore[arg-type]
            except actions.InvitationError as exc:
                return render(
                    request,
                    "accounts/invitation_invalid.html",
                    {"message": exc.messages[0], "code": exc.code},
                    status=410,
                )
            messages.success(
                request,
                _("You are now %(role)s in %(where)s.")
                % {
                    "role": invitation.get_role_display(),
                    "where": invitation.member or invitation.consortium,
                },
            )
            return redirect("core:dashboard")
        return render(request, "accounts/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        context["sign_in_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "accounts/invitation_accept.html", context)

    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, _membership = actions.do_accept_invitation(
                invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except actions.InvitationError as exc:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"message": exc.messages[0], "code": exc.code},
                status=410,
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("Welcome to Interlocal, %(name)s.") % {"name": user.display_name})
            return _sign_in(request, user)
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)
