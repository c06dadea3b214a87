"""Vendors, demand rounds and solicitations.

Tenancy (see docs/procurement.md): demand rounds, items and solicitations belong to a
consortium; demand entries and round participations belong to a member (the council reads
them). Vendors are not consortium members: a vendor company's people are linked to it by
`VendorUser`, and each of them also holds a `vendor` Membership in every consortium the company
registered with (`VendorRegistration`), which gives them MFA and the consortium's name, never
its members' data. Vendor-owned rows (questions, acknowledgements, interest) are scoped by
`VendorUser` through the `for_vendor_user()` QuerySet methods.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy, grants_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User

__all__ = [
    "CURRENCY_DECIMALS",
    "Addendum",
    "AddendumAcknowledgement",
    "DemandEntry",
    "DemandItem",
    "DemandRound",
    "DemandRoundMember",
    "EvaluationCriterion",
    "Solicitation",
    "SolicitationDocument",
    "SolicitationInterest",
    "SolicitationItem",
    "Vendor",
    "VendorQuestion",
    "VendorRegistration",
    "VendorUser",
    "currency_decimals",
    "current_time",
    "ocds_prefix",
    "vendor_ids_of",
]

# ISO 4217 minor units of the currencies a consortium is likely to use; others default to 2.
CURRENCY_DECIMALS: dict[str, int] = {
    "USD": 2, "CAD": 2, "EUR": 2, "GBP": 2, "UAH": 2, "AUD": 2, "NZD": 2, "CHF": 2, "MXN": 2,
    "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code such as USD."))


def currency_decimals(code: str) -> int:
    """How many decimals an amount in `code` may have (ISO 4217 minor unit)."""
    return CURRENCY_DECIMALS.get((code or "").upper(), 2)


def current_time() -> dt.datetime:
    """`timezone.now()`, looked up when called: the default of the models' timestamps.

    `default=timezone.now` would keep the function object itself, so a test that freezes the clock
    by replacing `django.utils.timezone.now` would not reach rows created without an explicit time.
    """
    return timezone.now()


def ocds_prefix() -> str:
    """The OCDS ocid prefix registered for this installation."""
    return str(getattr(settings, "INTERLOCAL_OCDS_PREFIX", "ocds-xxxxxx"))


def _anonymous(user: Any) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def vendor_ids_of(user: User | AnonymousUser | None, *, admin: bool = False) -> list[int]:
    """The vendor companies `user` acts for (as a vendor admin only, with admin=True)."""
    if _anonymous(user):
        return []
    uid: Any = getattr(user, "pk", None)
    rows = VendorUser.objects.filter(user_id=uid, is_active=True, vendor__status=Vendor.Status.ACTIVE)
    if admin:
        rows = rows.filter(role=VendorUser.Role.ADMIN)
    return list(rows.values_list("vendor_id", flat=True))


class Classification(models.TextChoices):
    NONE = "", _("None")
    UNSPSC = "UNSPSC", _("UNSPSC")
    CPV = "CPV", _("CPV")


# --------------------------------------------------------------------------------------- vendors


class VendorQuerySet(models.QuerySet["Vendor"]):
    """Vendors are read by their own people and by the staff of consortia they registered with."""

    def visible_to(self, user: User | AnonymousUser | None) -> VendorQuerySet:
        """Vendors `user` works for, or that registered with a consortium `user` administers or staffs."""
        if _anonymous(user):
            return self.none()
        council = grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)
        uid: Any = getattr(user, "pk", None)
        own = VendorUser.objects.filter(user_id=uid, is_active=True).values("vendor_id")
        return self.filter(Q(pk__in=own) | Q(registrations__consortium_id__in=council)).distinct()

    def administered_by(self, user: User | AnonymousUser | None) -> VendorQuerySet:
        """Vendors registered with a consortium `user` administers or staffs (who may suspend them)."""
        if _anonymous(user):
            return self.none()
        council = grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)
        return self.filter(
            pk__in=VendorRegistration.objects.filter(consortium_id__in=council).values("vendor_id")
        )

    def writable_by(self, user: User | AnonymousUser | None) -> VendorQuerySet:
        """A vendor's profile is kept by its vendor admins."""
        if _anonymous(user):
            return self.none()
        uid: Any = getattr(user, "pk", None)
        admins = VendorUser.objects.filter(
            user_id=uid,
            is_active=True,
            role=VendorUser.Role.ADMIN,
        ).values("vendor_id")
        return self.filter(pk__in=admins)


class Vendor(models.Model):
    """A company that responds to solicitations; registers itself and verifies its e-mail."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending e-mail verification")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("company name"), max_length=200)
    legal_id = models.CharField(
        _("registration number"), max_length=80, help_text=_("Tax or company registration number (e.g. EIN).")
    )
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, default="US", help_text=_("ISO 3166-1 alpha-2"))
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("contact e-mail"))
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    small_business = models.BooleanField(_("small business"), default=False)
    created_at = models.DateTimeField(_("registered at"), default=current_time)

    objects = VendorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["legal_id", "country"], name="uniq_vendor_legal_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class VendorUser(models.Model):
    """A person acting for a vendor company; vendor admins invite colleagues and keep the profile."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Vendor admin")
        USER = "user", _("Vendor user")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="users", verbose_name=_("vendor")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="vendor_roles",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=current_time)

    class Meta:
        ordering = ["vendor", "user__email"]
        constraints = [models.UniqueConstraint(fields=["vendor", "user"], name="uniq_vendor_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.vendor})"


class VendorRegistration(models.Model):
    """That a vendor registered with a consortium (sees its solicitations; its staff see the vendor)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="registrations")
    consortium = models.ForeignKey(
        "tenancy.Consortium", on_delete=models.CASCADE, related_name="vendor_registrations"
    )
    created_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(consortium="consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consortium", "vendor__name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "consortium"], name="uniq_vendor_registration")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} @ {self.consortium}"


# --------------------------------------------------------------------------------- demand rounds


def _count_of(children: models.QuerySet[Any], parent_path: str, counted: str = "pk", **how: Any) -> Any:
    """A correlated COUNT for each parent row, 0 when it has no children.

    Unlike an aggregate over a join, the database computes it only for the rows it returns (a page
    of 25 sorted by an indexed column), so a list costs the same at 100 or 100,000 rows.
    """
    counts = (
        children.filter(**{parent_path: models.OuterRef("pk")})
        .order_by()
        .values(parent_path)
        .annotate(n=models.Count(counted, **how))
        .values("n")
    )
    return Coalesce(models.Subquery(counts, output_field=models.IntegerField()), 0)


class DemandRoundQuerySet(ScopedQuerySet["DemandRound"]):
    def with_counts(self) -> DemandRoundQuerySet:
        """`n_items` and `n_members` (members with a non-zero entry) for each round."""
        return self.annotate(
            n_items=_count_of(DemandItem.objects.all(), "round"),
            n_members=_count_of(
                DemandEntry.objects.filter(quantity__gt=0), "item__round", "member", distinct=True
            ),
        )


class DemandRound(models.Model):
    """A call to members to pool their needs for one purchase (e.g. "2027 road salt") until a cut-off."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Invitation(models.TextChoices):
        INVITED = "invited", _("Invited members only")
        OPEN = "open", _("Any member may join")

    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.PROTECT,
        related_name="demand_rounds",
        verbose_name=_("consortium"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("need category"), max_length=20, choices=[("goods", _("Goods")), ("works", _("Works")), ("services", _("Services"))],
        default="goods",
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    cut_off_at = models.DateTimeField(_("cut-off"), help_text=_("Members may enter demand until this time."))
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[currency_validator])
    invitation_mode = models.CharField(
        _("participation"), max_length=10, choices=Invitation.choices, default=Invitation.OPEN
    )
    reminder_sent_at = models.DateTimeField(_("cut-off reminder sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=current_time)

    # Members see a round once it opens; until then it is the council's draft.
    tenancy = Tenancy(consortium="consortium", draft=("status", "draft"))
    objects = DemandRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["consortium", "status"], name="proc_round_consortium_status"),
            # the list's default order (latest cut-off first, then id) within a consortium
            models.Index(fields=["consortium", "-cut_off_at", "id"], name="proc_round_list_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ocid(self) -> str:
        """The OCDS contracting-process id; the solicitation issued from this round shares it."""
        return f"{ocds_prefix()}-round-{self.pk}"

    def accepts_entries(self, now: Any = None) -> bool:
        """Whether members may still enter or change demand."""
        return self.status == self.Status.OPEN and (now or timezone.now()) < self.cut_off_at


class DemandRoundMember(models.Model):
    """A member's participation in a demand round: invited by staff, or joined itself."""

    round = models.ForeignKey(DemandRound, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("tenancy.Member", on_delete=models.PROTECT, related_name="demand_rounds")
    invited = models.BooleanField(_("invited"), default=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    joined = models.BooleanField(_("joined"), default=False)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)

    tenancy = Tenancy(consortium="round__consortium", member="member")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["round", "member__name"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="uniq_round_member")]

    def __str__(self) -> str:
        return f"{self.member} in {self.round}"


class DemandItem(models.Model):
    """One line of a demand round: what is pooled, in which unit, optionally classified."""

    round = models.ForeignKey(DemandRound, on_delete=models.CASCADE, related_name="items")
    line_number = models.PositiveIntegerField(_("line"))
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, help_text=_('e.g. "ton", "each", "gallon"'))
    classification_scheme = models.CharField(
        _("classification scheme"), max_length=10, choices=Classification.choices, default="", blank=True
    )
    classification_code = models.CharField(_("classification code"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    tenancy = Tenancy(consortium="round__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["round", "line_number"]
        constraints = [models.UniqueConstraint(fields=["round", "line_number"], name="uniq_demand_item_line")]

    def __str__(self) -> str:
        return f"{self.line_number}. {self.description}"


class DemandEntry(models.Model):
    """A member's need for one item: quantity, where to deliver, and what it pays today (for savings)."""

    item = models.ForeignKey(DemandItem, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey("tenancy.Member", on_delete=models.PROTECT, related_name="demand_entries")
    quantity = models.DecimalField(
        _("quantity"), max_digits=18, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    delivery_location = models.CharField(_("delivery location"), max_length=300, blank=True)
    current_unit_price = models.DecimalField(
        _("current unit price"), max_digits=18, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("What the member pays per unit today; used to compute savings."),
    )  # fmt: skip
    notes = models.TextField(_("notes"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(consortium="item__round__consortium", member="member")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["item", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="uniq_demand_entry"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="demand_entry_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(current_unit_price__isnull=True) | Q(current_unit_price__gte=0),
                name="demand_entry_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.quantity} × {self.item}"


# ---------------------------------------------------------------------------------- solicitations


class SolicitationQuerySet(ScopedQuerySet["Solicitation"]):
    """Consortium-owned; published solicitations are also public (anyone, vendors included)."""

    def public(self) -> SolicitationQuerySet:
        """Solicitations anyone may read: published once, not withdrawn as drafts or cancelled before publishing."""
        return self.filter(published_at__isnull=False).exclude(status=Solicitation.Status.DRAFT)

    def with_item_count(self) -> SolicitationQuerySet:
        """`n_items` for each solicitation."""
        return self.annotate(n_items=_count_of(SolicitationItem.objects.all(), "solicitation"))

    def open_for_bids(self, now: Any = None) -> SolicitationQuerySet:
        """Published solicitations whose submission deadline is still ahead."""
        return self.filter(
            status=Solicitation.Status.PUBLISHED, submission_deadline__gt=now or timezone.now()
        )


class Solicitation(models.Model):
    """A call for bids (IFB), quotes (RFQ) or proposals (RFP), from a demand round or standalone."""

    class Method(models.TextChoices):
        IFB = "ifb", _("Invitation for bids (IFB)")
        RFQ = "rfq", _("Request for quotes (RFQ)")
        RFP = "rfp", _("Request for proposals (RFP)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed for submissions")
        OPENED = "opened", _("Bids opened")
        EVALUATED = "evaluated", _("Evaluated")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    class AwardBasis(models.TextChoices):
        LOWEST_PRICE = "lowest_price", _("Lowest responsive price")
        WEIGHTED_CRITERIA = "weighted_criteria", _("Best score on weighted criteria")

    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.PROTECT,
        related_name="solicitations",
        verbose_name=_("consortium"),
    )
    demand_round = models.ForeignKey(
        DemandRound, on_delete=models.PROTECT, null=True, blank=True, related_name="solicitations",
        verbose_name=_("demand round"),
    )  # fmt: skip
    reference_number = models.CharField(_("reference number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=[("goods", _("Goods")), ("works", _("Works")), ("services", _("Services"))],
        default="goods",
    )  # fmt: skip
    method = models.CharField(_("method"), max_length=3, choices=Method.choices, default=Method.IFB)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Fixed when the solicitation is published (do_publish_solicitation): "round-<id>" when it is the
    # first published solicitation of its demand round (it continues the round's process), else
    # "solicitation-<id>" (standalone, or re-tendered after a cancellation). The ocid is the
    # installation's prefix + "-" + this, so registering a prefix later changes every ocid alike.
    ocds_process = models.CharField(_("OCDS process"), max_length=40, blank=True, editable=False)
    questions_deadline = models.DateTimeField(_("questions deadline"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"))
    opening_at = models.DateTimeField(_("bid opening"))
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[currency_validator])
    award_basis = models.CharField(
        _("award basis"), max_length=20, choices=AwardBasis.choices, default=AwardBasis.LOWEST_PRICE
    )
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    # The opening takes two people with a procurement role (do_open_bids): both are kept.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("opened by"),
    )  # fmt: skip
    opening_witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("opening witness"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=current_time)
    updated_at = models.DateTimeField(default=current_time)

    # Members see a solicitation once it is published; until then it is the council's draft.
    tenancy = Tenancy(consortium="consortium", draft=("status", "draft"))
    objects = SolicitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "reference_number"], name="uniq_solicitation_reference"
            ),
            models.CheckConstraint(
                condition=Q(opening_at__gte=models.F("submission_deadline")),
                name="solicitation_opening_after_deadline",
            ),
            models.UniqueConstraint(
                fields=["ocds_process"], condition=~Q(ocds_process=""), name="uniq_solicitation_ocds_process"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submission_deadline"], name="proc_sol_status_deadline"),
            # the list's default order (latest deadline first, then id) within a consortium
            models.Index(fields=["consortium", "-submission_deadline", "id"], name="proc_sol_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference_number} {self.title}"

    @property
    def ocid(self) -> str:
        """The OCDS contracting-process id, as published (no query: it is stored at publication).

        Published: the round's ocid for the first published solicitation of a demand round, its
        own for a standalone one or a later one of the same round (re-tendering). A draft shows
        what it would get if nothing else of its round were published first."""
        if self.ocds_process:
            return f"{ocds_prefix()}-{self.ocds_process}"
        if self.demand_round_id:
            return f"{ocds_prefix()}-round-{self.demand_round_id}"
        return f"{ocds_prefix()}-solicitation-{self.pk}"

    def ocds_process_at_publication(self) -> str:
        """The process this solicitation joins when published now (one query; write paths only).

        The caller holds a lock on the demand round, so two solicitations of a round published at
        once cannot both take the round's process (a unique constraint backs this up)."""
        if self.demand_round_id is None:
            return f"solicitation-{self.pk}"
        round_process = f"round-{self.demand_round_id}"
        taken = (
            Solicitation.objects.filter(demand_round_id=self.demand_round_id, ocds_process=round_process)
            .exclude(pk=self.pk)
            .exists()
        )
        return f"solicitation-{self.pk}" if taken else round_process

    @property
    def is_open_for_bids(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.submission_deadline

    @property
    def accepts_questions(self) -> bool:
        deadline = self.questions_deadline or self.submission_deadline
        return self.status == self.Status.PUBLISHED and timezone.now() < deadline


class SolicitationItem(models.Model):
    """A line of a solicitation; copied from a demand item with the pooled total quantity."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="items")
    demand_item = models.ForeignKey(
        DemandItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="solicitation_items"
    )
    line_number = models.PositiveIntegerField(_("line"))
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    classification_scheme = models.CharField(
        _("classification scheme"), max_length=10, choices=Classification.choices, default="", blank=True
    )
    classification_code = models.CharField(_("classification code"), max_length=20, blank=True)
    total_quantity = models.DecimalField(
        _("total quantity"), max_digits=18, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    notes = models.TextField(_("notes"), blank=True)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "line_number"], name="uniq_solicitation_item_line"
            ),
            models.CheckConstraint(
                condition=Q(total_quantity__gte=0), name="solicitation_item_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_number}. {self.description}"


class EvaluationCriterion(models.Model):
    """A weighted criterion for evaluating proposals (price is one of them for RFPs)."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    description = models.TextField(_("description"), blank=True)
    is_price = models.BooleanField(_("price criterion"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "position", "pk"]
        verbose_name_plural = "evaluation criteria"

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"


class SolicitationDocument(models.Model):
    """A document of a solicitation (specifications, terms); public ones are downloadable by anyone."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class VendorOwnedQuerySet(ScopedQuerySet[Any]):
    """Consortium-owned rows that a vendor also reads (its own) through `for_vendor_user()`."""

    vendor_path = "vendor"

    def for_vendor_user(self, user: User | AnonymousUser | None) -> VendorOwnedQuerySet:
        """The rows of the vendors `user` acts for."""
        return self.filter(**{f"{self.vendor_path}_id__in": vendor_ids_of(user)})


class SolicitationInterest(models.Model):
    """That a vendor registered interest in (or downloaded) a solicitation: it gets addenda by e-mail."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="interests")
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="interests")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = VendorOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "vendor"], name="uniq_solicitation_interest")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} → {self.solicitation}"


class VendorQuestion(models.Model):
    """A vendor's question about a solicitation; the published answer names no vendor."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="questions")
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), default=current_time)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published = models.BooleanField(_("published"), default=False)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = VendorOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Addendum(models.Model):
    """A numbered change to a published solicitation; vendors must acknowledge it before bidding."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    document = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=current_time)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The end of the minimum notice the addendum gives (the consortium's working days from its
    # issue); the bids are not opened before it.
    notice_until = models.DateTimeField(_("notice until"), null=True, blank=True)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "number"]
        verbose_name_plural = "addenda"
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "number"], name="uniq_addendum_number")
        ]

    def __str__(self) -> str:
        return f"Addendum {self.number}: {self.title}"


class AddendumAcknowledgementQuerySet(VendorOwnedQuerySet):
    vendor_path = "vendor"


class AddendumAcknowledgement(models.Model):
    """That a vendor acknowledged an addendum (who, when)."""

    addendum = models.ForeignKey(Addendum, on_delete=models.CASCADE, related_name="acknowledgements")
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=current_time)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="addendum__solicitation__consortium")
    objects = AddendumAcknowledgementQuerySet.as_manager()

    class Meta:
        ordering = ["addendum", "acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["addendum", "vendor"], name="uniq_addendum_ack")]

    def __str__(self) -> str:
        return f"{self.vendor} acknowledged {self.addendum}"
