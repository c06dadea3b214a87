"""Sealed bids, opening, evaluation, awards, contracts and piggybacking.

Sealing (see docs/security.md): before the opening a bid row holds only ciphertext
(`sealed_prices`, each document's `sealed_content`), its size and a hash of the ciphertext.
`BidLine` rows with prices exist only after the opening, written by `do_open_bids` from what
`crypto.unseal` returns. There is no Django admin site, and no view, API operation, export or
audit event reads the ciphertext.

Tenancy: bids, awards and master contracts belong to the solicitation's consortium; a vendor
also reads its own bids and contracts (`visible_to` below adds them). A member's contract
belongs to that member (the council reads it).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Imported for its side effect: registers the system check that stops production without a
# bid key-encryption key (procurement.E001), early enough for every `check` run.
from interlocal.procurement import crypto as _crypto  # noqa: F401
from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy, grants_for

from .planning import current_time, vendor_ids_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User

__all__ = [
    "Award",
    "AwardLine",
    "Bid",
    "BidDocument",
    "BidLine",
    "BidScore",
    "Contract",
    "ContractAmendment",
    "ContractDocument",
    "ContractLine",
    "SolicitationKey",
]


def _anonymous(user: Any) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def _receipt() -> str:
    return uuid.uuid4().hex[:16].upper()


class SolicitationKey(models.Model):
    """A solicitation's sealing key pair: public key in clear, private key wrapped by the KEK."""

    solicitation = models.OneToOneField(
        "procurement.Solicitation", on_delete=models.CASCADE, related_name="sealing_key"
    )
    public_key = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    kek_id = models.CharField(max_length=16, help_text="Fingerprint of the key-encryption key used.")
    created_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"key of solicitation {self.solicitation_id}"


class VendorReadableQuerySet(ScopedQuerySet[Any]):
    """Consortium-owned rows that the consortium's council reads, and a vendor reads its own."""

    vendor_path = "vendor"
    # Which consortium people read these rows besides the vendor: the council only, because a
    # bid's existence and size are the procurement office's business until the award.
    council_only = True

    def visible_to(self, user: Any) -> Any:
        """The council's rows of its consortia, plus the rows of vendors `user` works for."""
        if _anonymous(user):
            return self.none()
        spec = self._spec()
        grants = grants_for(user)
        if self.council_only:
            staff = Q(**{f"{spec.consortium}__in": grants.consortia_wide(CONSORTIUM_WRITE_ROLES)})
        else:
            staff = self.read_condition(spec, grants)
        own = Q(**{f"{self.vendor_path}_id__in": vendor_ids_of(user)})
        return self.filter(staff | own)

    def for_vendor_user(self, user: User | AnonymousUser | None) -> Any:
        """Only the rows of the vendors `user` acts for."""
        return self.filter(**{f"{self.vendor_path}_id__in": vendor_ids_of(user)})


class BidQuerySet(VendorReadableQuerySet):
    def active(self) -> BidQuerySet:
        """Bids that count: submitted and not withdrawn or replaced."""
        return self.filter(status=Bid.Status.SUBMITTED)


class Bid(models.Model):
    """A vendor's sealed bid on a solicitation: ciphertext until the opening, lines after it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REPLACED = "replaced", _("Replaced by a later bid")

    solicitation = models.ForeignKey(
        "procurement.Solicitation",
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("solicitation"),
    )
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.PROTECT, related_name="bids", verbose_name=_("vendor")
    )
    receipt = models.CharField(_("receipt number"), max_length=16, unique=True, default=_receipt)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=current_time)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80)
    # HMAC of the submitted content under a key derived from the KEK (not a plain hash: prices
    # are few and could be guessed against a plain hash).
    request_digest = models.CharField(max_length=64)
    sealed_prices = models.BinaryField()
    sealed_sha256 = models.CharField(_("sealed content SHA-256"), max_length=64)
    sealed_bytes = models.PositiveIntegerField(_("sealed size"), default=0)
    line_count = models.PositiveIntegerField(_("priced lines"), default=0)
    # Filled in at the opening (and by evaluation afterwards).
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=22, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    responsive = models.BooleanField(_("responsive"), default=True)
    nonresponsive_reason = models.TextField(_("why not responsive"), blank=True)
    score = models.DecimalField(_("weighted score"), max_digits=7, decimal_places=3, null=True, blank=True)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "solicitation", "idempotency_key"], name="uniq_bid_idempotency"
            ),
            models.UniqueConstraint(
                fields=["solicitation", "vendor"],
                condition=Q(status="submitted"),
                name="uniq_active_bid_per_vendor",
            ),
        ]

    def __str__(self) -> str:
        return _("Bid %(receipt)s") % {"receipt": self.receipt}

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None


class BidLine(models.Model):
    """One priced line of an opened bid (created at the opening from the decrypted prices)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "procurement.SolicitationItem", on_delete=models.PROTECT, related_name="bid_lines"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)
    extended_price = models.DecimalField(_("extended price"), max_digits=22, decimal_places=4)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    responsive = models.BooleanField(_("responsive"), default=True)
    nonresponsive_reason = models.TextField(_("why not responsive"), blank=True)

    tenancy = Tenancy(consortium="bid__solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["item__line_number", "unit_price", "bid__submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "item"], name="uniq_bid_line"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="bid_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.bid} · {self.item}"


class BidDocumentQuerySet(VendorReadableQuerySet):
    vendor_path = "bid__vendor"


class BidDocument(models.Model):
    """A document attached to a bid, sealed (name and content) until the opening."""

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("Technical proposal")
        PRICE = "price", _("Price schedule")
        CERTIFICATE = "certificate", _("Certificate or form")
        OTHER = "other", _("Other")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sealed_name = models.BinaryField()
    sealed_content = models.BinaryField()
    sealed_sha256 = models.CharField(_("sealed content SHA-256"), max_length=64)
    position = models.PositiveIntegerField(default=0)

    tenancy = Tenancy(consortium="bid__solicitation__consortium")
    objects = BidDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["bid", "position", "pk"]

    def __str__(self) -> str:
        return _("Document %(n)s of %(bid)s") % {"n": self.position + 1, "bid": self.bid}


class BidScore(models.Model):
    """One evaluator's score (0–100) of one opened bid against one criterion of an RFP."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "procurement.EvaluationCriterion", on_delete=models.CASCADE, related_name="scores"
    )
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )  # fmt: skip
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(consortium="bid__solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["bid", "criterion__position", "evaluator"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion", "evaluator"], name="uniq_bid_score"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="bid_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.bid} · {self.criterion}: {self.score}"


class Award(models.Model):
    """The award decision of a solicitation: which bid wins each item (split awards allowed)."""

    solicitation = models.OneToOneField(
        "procurement.Solicitation",
        on_delete=models.PROTECT,
        related_name="award",
        verbose_name=_("solicitation"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=current_time)
    notes = models.TextField(_("notes"), blank=True)

    tenancy = Tenancy(consortium="solicitation__consortium")
    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return _("Award of %(solicitation)s") % {"solicitation": self.solicitation}


class AwardLineQuerySet(ScopedQuerySet[Any]):
    def for_vendor_user(self, user: User | AnonymousUser | None) -> Any:
        """Only the awarded lines won by the vendors `user` acts for."""
        return self.filter(bid__vendor_id__in=vendor_ids_of(user))


class AwardLine(models.Model):
    """One awarded item: the winning bid and its unit price."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "procurement.SolicitationItem", on_delete=models.PROTECT, related_name="award_lines"
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="award_lines")
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)

    tenancy = Tenancy(consortium="award__solicitation__consortium")
    objects = AwardLineQuerySet.as_manager()

    class Meta:
        ordering = ["award", "item__line_number"]
        constraints = [models.UniqueConstraint(fields=["award", "item"], name="uniq_award_item")]

    def __str__(self) -> str:
        return f"{self.item} → {self.bid.vendor}"


class ContractQuerySet(VendorReadableQuerySet):
    """Master contracts: every non-vendor in the consortium; a member's: that member and the
    council; a vendor: its own contracts."""

    council_only = False

    def masters(self) -> ContractQuerySet:
        return self.filter(kind=Contract.Kind.MASTER)

    def active_on(self, day: Any) -> ContractQuerySet:
        """Contracts in force on `day`."""
        return self.filter(status=Contract.Status.ACTIVE, start_date__lte=day, end_date__gte=day)


class Contract(models.Model):
    """A contract with a vendor: the consortium's master (cooperative) contract, or a member's own
    contract under it (from the joint award, or joined later by piggybacking)."""

    class Kind(models.TextChoices):
        MASTER = "master", _("Master cooperative contract")
        MEMBER = "member", _("Member contract (joint award)")
        PIGGYBACK = "piggyback", _("Member contract (piggyback)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    consortium = models.ForeignKey(
        "tenancy.Consortium", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("consortium")
    )
    member = models.ForeignKey(
        "tenancy.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts",
        verbose_name=_("member"),
    )  # fmt: skip
    master = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="member_contracts",
        verbose_name=_("master contract"),
    )  # fmt: skip
    solicitation = models.ForeignKey(
        "procurement.Solicitation",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("solicitation"),
    )
    award = models.ForeignKey(
        Award, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    vendor = models.ForeignKey(
        "procurement.Vendor", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("vendor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=80)
    title = models.CharField(_("title"), max_length=250)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    value = models.DecimalField(_("value"), max_digits=22, decimal_places=4, default=Decimal(0))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    renewals_allowed = models.PositiveIntegerField(_("renewals allowed"), default=0)
    renewals_used = models.PositiveIntegerField(_("renewals used"), default=0)
    allow_other_public_bodies = models.BooleanField(
        _("open to other public bodies"),
        default=False,
        help_text=_("Whether public bodies outside the consortium may piggyback (master contracts)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=current_time)

    # A member's contract is that member's wherever it sits (an outside public body holds its
    # piggyback contract in the master's consortium); a master offered to other public bodies
    # is readable by every public body's admins and staff (its items and prices, not who uses it).
    tenancy = Tenancy(
        consortium="consortium",
        member="member",
        member_optional=True,
        member_anywhere=True,
        offered_to_public_bodies="allow_other_public_bodies",
    )
    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "reference"], name="uniq_contract_reference"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_end_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(kind="master") & Q(member__isnull=True) & Q(master__isnull=True))
                | (~Q(kind="master") & Q(member__isnull=False) & Q(master__isnull=False)),
                name="contract_kind_shape",
            ),
            # Only a master is offered beyond the consortium: a member's contract never is.
            models.CheckConstraint(
                condition=Q(allow_other_public_bodies=False) | Q(kind="master"),
                name="contract_only_master_offered",
            ),
        ]
        indexes = [
            models.Index(fields=["consortium", "kind", "status"], name="proc_contract_kind"),
            # the lists' order (latest start first) within a consortium, and a member's own
            models.Index(fields=["consortium", "-start_date", "id"], name="proc_contract_list_order"),
            models.Index(fields=["member", "-start_date", "id"], name="proc_contract_member_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_master(self) -> bool:
        return self.kind == self.Kind.MASTER


class ContractLine(models.Model):
    """An item of a contract: quantity and awarded unit price, and (member contracts) the
    member's previous unit price, from which savings are computed."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "procurement.SolicitationItem", on_delete=models.PROTECT, related_name="contract_lines"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=18, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)
    previous_unit_price = models.DecimalField(
        _("previous unit price"), max_digits=18, decimal_places=4, null=True, blank=True,
        help_text=_("What the member paid per unit before (confidential; for savings)."),
    )  # fmt: skip

    tenancy = Tenancy(
        consortium="contract__consortium",
        member="contract__member",
        member_optional=True,
        member_anywhere=True,
        offered_to_public_bodies="contract__allow_other_public_bodies",
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "item__line_number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "item"], name="uniq_contract_line"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="contract_line_quantity_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="contract_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} · {self.item}"

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


class ContractAmendment(models.Model):
    """A change to a contract after signature: an amendment or a renewal (which moves the end)."""

    class Kind(models.TextChoices):
        AMENDMENT = "amendment", _("Amendment")
        RENEWAL = "renewal", _("Renewal")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AMENDMENT)
    number = models.PositiveIntegerField(_("number"))
    description = models.TextField(_("description"))
    effective_date = models.DateField(_("effective"))
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    value_change = models.DecimalField(
        _("change in value"), max_digits=22, decimal_places=4, default=Decimal(0)
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(
        consortium="contract__consortium",
        member="contract__member",
        member_optional=True,
        member_anywhere=True,
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="uniq_contract_amendment")]

    def __str__(self) -> str:
        return f"{self.contract.reference} #{self.number}"


class ContractDocument(models.Model):
    """A signed contract, insurance certificate or other document filed with a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=current_time)

    tenancy = Tenancy(
        consortium="contract__consortium",
        member="contract__member",
        member_optional=True,
        member_anywhere=True,
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "-created_at"]

    def __str__(self) -> str:
        return self.title


# Ciphertext and key material never go into audit snapshots (audit.snapshot skips these fields):
# the trail records sizes and hashes instead, and bytes are no JSON anyway.
for _model, _fields in (
    (SolicitationKey, ("public_key", "wrapped_private_key")),
    (Bid, ("sealed_prices", "request_digest")),
    (BidDocument, ("sealed_name", "sealed_content")),
):
    for _name in _fields:
        _model._meta.get_field(_name).audit_exclude = True  # type: ignore[union-attr]
