"""People and their credentials. Roles live in tenancy.Membership, not here."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.models import validate_time_zone
from interlocal.tenancy.roles import INVITABLE_ROLES, Role
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by e-mail address (there is no username)."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: council staff, member staff, a board member or a vendor's employee."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(
        _("your time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "Deadlines are shown in the consortium's zone; choose yours to see your own time beside "
            "them. Leave empty to see only the consortium's."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["email"]
        # People lists sort by name: with the index the database walks names in order and stops
        # after a page, instead of sorting every membership of a consortium (40,000 at scale).
        indexes = [models.Index(fields=["full_name"], name="accounts_user_full_name")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.email


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    """The session register's rows."""

    def current(self) -> UserSessionQuerySet:
        """Sessions not yet past the absolute session limit (older rows are dead, whatever they say)."""
        limit = datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
        return self.filter(created_at__gt=timezone.now() - limit)

    def owned_by(self, user: Any) -> UserSessionQuerySet:
        """A person's own sessions."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class UserSession(models.Model):
    """Which session belongs to whom, so that disabling a person ends all of their sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"


def hash_token(raw: str) -> str:
    """The stored form of a secret token: SHA-256, so a leaked table reveals no usable token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    """API tokens: active ones authenticate; people list only their own."""

    def active(self) -> ApiTokenQuerySet:
        """Tokens that still authenticate: not revoked, not expired, and their person not disabled."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def owned_by(self, user: Any) -> ApiTokenQuerySet:
        """A person's own tokens: tokens are personal, nobody else lists or revokes them."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the secret is shown once at creation."""

    PREFIX = "il_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate(cls) -> str:
        """A new random secret of the form il_<43 url-safe characters>."""
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class InvitationQuerySet(ScopedQuerySet["Invitation"]):
    """Invitations are managed by the admins who could have sent them, and seen by nobody else."""

    def visible_to(self, user: Any) -> InvitationQuerySet:
        """Consortium admins see their consortium's invitations; member admins their member's."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        from interlocal.tenancy.models import Membership
        from interlocal.tenancy.roles import Role

        mine = Membership.objects.filter(user=user, consortium__is_active=True)
        return self.filter(
            models.Q(
                models.Exists(
                    mine.filter(role=Role.CONSORTIUM_ADMIN, consortium=models.OuterRef("consortium"))
                )
            )
            | models.Q(
                models.Exists(
                    mine.filter(
                        role=Role.MEMBER_ADMIN,
                        consortium=models.OuterRef("consortium"),
                        member=models.OuterRef("member"),
                    )
                ),
                role__in=INVITABLE_ROLES[Role.MEMBER_ADMIN],
            )
        )

    def writable_by(self, user: Any) -> InvitationQuerySet:
        """Whoever may see an invitation may resend or revoke it."""
        return self.visible_to(user)

    def in_consortium(self, consortium: Any) -> InvitationQuerySet:
        """The invitations of one consortium (the page's context; scoping is visible_to's job)."""
        return self.filter(consortium=consortium)

    def for_member(self, member: Any) -> InvitationQuerySet:
        """The invitations for one member's roles (the page's context)."""
        return self.filter(member=member)

    def pending(self) -> InvitationQuerySet:
        """Not yet accepted, not revoked and not expired."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


def invitation_expiry() -> datetime.datetime:
    """When an invitation sent now stops working."""
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_TTL_DAYS)


class Invitation(models.Model):
    """An offer of a role, sent by e-mail; only the hash of the link's token is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("e-mail address"))
    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("consortium"),
    )
    member = models.ForeignKey(
        "tenancy.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("member"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    # Sent by the installation's operator from the command line (`interlocal consortium invite`),
    # typically a consortium's first admin: there is nobody whose rights it could lapse with.
    by_operator = models.BooleanField(_("sent by the operator"), default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    tenancy = Tenancy(consortium="consortium", member="member", member_optional=True)
    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["consortium", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
