"""Vendors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.core.mail import queue_templated_mail
from interlocal.procurement.models import (
    Vendor,
    VendorRegistration,
    VendorUser,
)
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import Role

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium
from interlocal.procurement.actions.common import TOKEN_MAX_AGE, TOKEN_SALT, _now, _site
from interlocal.procurement.actions.solicitations import _ensure_vendor_membership

__all__ = [
    "RESEND_EVERY",
    "do_accept_vendor_invitation",
    "do_invite_vendor_user",
    "do_register_vendor",
    "do_reinstate_vendor",
    "do_resend_vendor_verification",
    "do_suspend_vendor",
    "do_update_vendor",
    "do_verify_vendor_email",
    "vendor_token",
]


def vendor_token(kind: str, user_id: int, vendor_id: int) -> str:
    """A signed, expiring link token (e-mail verification or a colleague's invitation)."""
    return signing.dumps({"k": kind, "u": user_id, "v": vendor_id}, salt=TOKEN_SALT)


def _read_token(token: str, kind: str) -> tuple[int, int]:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired. Ask for a new one."), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid."), code="invalid") from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise ValidationError(_("This link is not valid."), code="invalid")
    return int(data["u"]), int(data["v"])


@transaction.atomic
def do_register_vendor(
    *,
    consortium: Consortium,
    name: str,
    legal_id: str,
    email: str,
    person_name: str,
    person_email: str,
    password: str,
    address: str = "",
    country: str = "US",
    phone: str = "",
    website: str = "",
    small_business: bool = False,
) -> tuple[Vendor | None, str | None]:
    """Register a vendor company and its first admin (inactive until the e-mail link is followed).

    Returns (vendor, token), or (None, None) when the person's e-mail already has an account: that
    person is e-mailed instead, so the form never tells a stranger who is registered.
    """
    User = get_user_model()
    person_email = User.objects.normalize_email(person_email).lower()  # type: ignore[attr-defined]
    if User.objects.filter(email__iexact=person_email).exists():
        queue_templated_mail(
            [person_email],
            "procurement/email/vendor_exists",
            {"url": _site(reverse("account_login"))},
        )
        audit.record(
            None,
            "procurement.vendor.registration_existing_email",
            consortium_id=consortium.pk,
            object_repr=name,
        )
        return None, None
    vendor = Vendor(
        name=name.strip(),
        legal_id=legal_id.strip(),
        email=email,
        address=address,
        country=country.upper(),
        phone=phone,
        website=website,
        small_business=small_business,
    )
    if Vendor.objects.filter(legal_id__iexact=vendor.legal_id, country=vendor.country).exists():
        raise ValidationError(
            {"legal_id": _("A vendor with this registration number is already registered.")}
        )
    vendor.full_clean()
    user = User(email=person_email, full_name=person_name.strip(), is_active=False)  # type: ignore[misc]
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError:
        raise ValidationError(
            {"legal_id": _("A vendor with this registration number is already registered.")}
        ) from None
    user.save()
    VendorUser.objects.create(vendor=vendor, user=user, role=VendorUser.Role.ADMIN)
    VendorRegistration.objects.create(vendor=vendor, consortium=consortium)
    token = vendor_token("verify", user.pk, vendor.pk)
    url = _site(reverse("procurement:vendor_verify", args=[token]))
    queue_templated_mail([user.email], "procurement/email/vendor_verify", {"vendor": vendor, "url": url})
    audit.record(
        None,
        "procurement.vendor.registered",
        vendor,
        after=audit.snapshot(vendor),
        consortium_id=consortium.pk,
    )
    return vendor, token


RESEND_EVERY = 10 * 60  # one new verification link per address per ten minutes


def do_resend_vendor_verification(email: str) -> bool:
    """Send a new verification link if `email` is the first person of a registration that still
    waits for verification. Returns whether a message was sent; callers must not tell the person
    (the page says the same either way, so nobody can find out which addresses are registered).
    At most one link per address per RESEND_EVERY, whether or not the address is known."""
    from django.core.cache import cache

    address = get_user_model().objects.normalize_email((email or "").strip()).lower()  # type: ignore[attr-defined]
    if not address:
        return False
    digest = signing.Signer(salt=TOKEN_SALT).sign(address).rsplit(":", 1)[1]  # no address in the cache
    if not cache.add(f"procurement:resend-verify:{digest}", 1, RESEND_EVERY):
        return False
    link = (
        VendorUser.objects.filter(
            user__email__iexact=address,
            user__is_active=False,
            role=VendorUser.Role.ADMIN,
            vendor__status=Vendor.Status.PENDING,
            vendor__email_verified_at__isnull=True,
        )
        .select_related("user", "vendor")
        .order_by("-vendor__created_at")
        .first()
    )
    if link is None:
        return False
    token = vendor_token("verify", link.user_id, link.vendor_id)
    url = _site(reverse("procurement:vendor_verify", args=[token]))
    queue_templated_mail(
        [link.user.email], "procurement/email/vendor_verify", {"vendor": link.vendor, "url": url}
    )
    with transaction.atomic():
        audit.record(None, "procurement.vendor.verification_resent", link.vendor)
    return True


@transaction.atomic
def do_verify_vendor_email(token: str) -> Vendor:
    """Follow the e-mail link: the vendor and its first admin become active, with a vendor role."""
    user_id, vendor_id = _read_token(token, "verify")
    vendor = Vendor.objects.select_for_update().filter(pk=vendor_id).first()
    link = VendorUser.objects.filter(vendor_id=vendor_id, user_id=user_id).select_related("user").first()
    if vendor is None or link is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if vendor.status == Vendor.Status.SUSPENDED:
        raise ValidationError(_("This vendor is suspended."), code="suspended")
    if vendor.email_verified_at is None:
        vendor.email_verified_at, vendor.status = _now(), Vendor.Status.ACTIVE
        vendor.save(update_fields=["email_verified_at", "status"])
        user = link.user
        user.is_active = True
        user.save(update_fields=["is_active"])
        for consortium_id in vendor.registrations.values_list("consortium_id", flat=True):
            _ensure_vendor_membership(vendor, consortium_id)
        audit.record(user, "procurement.vendor.verified", vendor, after={"status": vendor.status})
    return vendor


@transaction.atomic
def do_update_vendor(vendor: Vendor, *, acting_user: User, **changes: Any) -> Vendor:
    """A vendor admin changes the company profile."""
    allowed = {"name", "address", "country", "phone", "website", "email", "small_business"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if not VendorUser.objects.filter(
        vendor=vendor, user=acting_user, role=VendorUser.Role.ADMIN, is_active=True
    ).exists():
        raise PermissionDenied(_("Only the vendor's admins may change its profile."))
    before = audit.snapshot(vendor)
    for name, value in changes.items():
        setattr(vendor, name, value)
    vendor.full_clean()
    vendor.save()
    audit.record(
        acting_user, "procurement.vendor.updated", vendor, before=before, after=audit.snapshot(vendor)
    )
    return vendor


@transaction.atomic
def do_invite_vendor_user(
    vendor: Vendor, *, acting_user: User, email: str, full_name: str = "", role: str = VendorUser.Role.USER
) -> tuple[VendorUser, str | None]:
    """A vendor admin invites a colleague; returns the link token when the colleague has no account yet."""
    if not VendorUser.objects.filter(
        vendor=vendor, user=acting_user, role=VendorUser.Role.ADMIN, is_active=True
    ).exists():
        raise PermissionDenied(_("Only the vendor's admins may invite colleagues."))
    if role not in VendorUser.Role.values:
        raise ValidationError({"role": _("Choose a role: admin or user.")})
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()  # type: ignore[attr-defined]
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(user=user).exclude(role=Role.VENDOR).exists():
        # A council or member employee must not also bid: keep the two sides apart.
        raise ValidationError(
            {"email": _("This person holds a role in a consortium and cannot act for a vendor.")}
        )
    token = None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), is_active=False)  # type: ignore[misc]
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    link, created = VendorUser.objects.get_or_create(vendor=vendor, user=user, defaults={"role": role})
    if not created:
        raise ValidationError({"email": _("This person already acts for %(v)s.") % {"v": vendor.name}})
    if user.is_active:
        for consortium_id in vendor.registrations.values_list("consortium_id", flat=True):
            _ensure_vendor_membership(vendor, consortium_id)
        url = _site(reverse("procurement:vendor_dashboard"))
    else:
        token = vendor_token("invite", user.pk, vendor.pk)
        url = _site(reverse("procurement:vendor_accept", args=[token]))
    queue_templated_mail(
        [email], "procurement/email/vendor_invitation", {"vendor": vendor, "url": url, "by": acting_user}
    )
    audit.record(acting_user, "procurement.vendor.user_invited", link, after={"email": email, "role": role})
    return link, token


@transaction.atomic
def do_accept_vendor_invitation(token: str, *, password: str, full_name: str = "") -> VendorUser:
    """An invited colleague sets a password; the account becomes active with a vendor role."""
    user_id, vendor_id = _read_token(token, "invite")
    link = (
        VendorUser.objects.select_related("user", "vendor")
        .filter(vendor_id=vendor_id, user_id=user_id)
        .first()
    )
    if link is None or link.user.is_active or link.user.has_usable_password():
        raise ValidationError(_("This link is not valid or was already used."), code="invalid")
    user = link.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    if full_name.strip():
        user.full_name = full_name.strip()  # type: ignore[attr-defined]
    user.save()
    for consortium_id in link.vendor.registrations.values_list("consortium_id", flat=True):
        _ensure_vendor_membership(link.vendor, consortium_id)
    audit.record(user, "procurement.vendor.user_joined", link, after={"vendor": vendor_id})
    return link


# --- Vendor suspension ----------------------------------------------------------------------------
def _vendor_people_emails(vendor: Vendor) -> list[str]:
    """The company's contact address and its active people's addresses, once each."""
    emails = [
        vendor.email,
        *VendorUser.objects.filter(vendor=vendor, is_active=True).values_list("user__email", flat=True),
    ]
    return sorted({e.lower(): e for e in emails if e}.values())


@transaction.atomic
def do_suspend_vendor(vendor: Vendor, *, reason: str, acting_user: User) -> Vendor:
    """Suspend a vendor (it can no longer bid, ask or follow) with a reason; its people are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the suspension; the vendor is told.")]})
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if locked.status == Vendor.Status.SUSPENDED:
        raise ValidationError(_("This vendor is already suspended."))
    before = audit.snapshot(locked, ["status"])
    locked.status = Vendor.Status.SUSPENDED
    locked.save(update_fields=["status"])
    audit.record(
        acting_user,
        "procurement.vendor.suspended",
        locked,
        before=before,
        after={"status": locked.status, "reason": reason},
    )
    emails = _vendor_people_emails(locked)
    context: dict[str, object] = {
        "vendor": locked.name,
        "reason": reason,
        "url": _site(reverse("procurement:vendor_dashboard")),
    }
    transaction.on_commit(lambda: queue_templated_mail(emails, "procurement/email/vendor_suspended", context))
    return locked


@transaction.atomic
def do_reinstate_vendor(vendor: Vendor, *, acting_user: User, reason: str = "") -> Vendor:
    """Lift a suspension: active again (or pending, if its e-mail was never verified); its people are told."""
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if locked.status != Vendor.Status.SUSPENDED:
        raise ValidationError(_("This vendor is not suspended."))
    before = audit.snapshot(locked, ["status"])
    locked.status = Vendor.Status.ACTIVE if locked.email_verified_at else Vendor.Status.PENDING
    locked.save(update_fields=["status"])
    audit.record(
        acting_user,
        "procurement.vendor.reinstated",
        locked,
        before=before,
        after={"status": locked.status, "reason": (reason or "").strip()},
    )
    emails = _vendor_people_emails(locked)
    context: dict[str, object] = {
        "vendor": locked.name,
        "url": _site(reverse("procurement:vendor_dashboard")),
    }
    transaction.on_commit(
        lambda: queue_templated_mail(emails, "procurement/email/vendor_reinstated", context)
    )
    return locked
