"""Read paths for procurement planning: scoped accessors, aggregated demand, vendor views."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _g

from interlocal.lib.disclosure import publishable
from interlocal.procurement.models import (
    DEFAULT_ADDENDUM_NOTICE_DAYS,
    Addendum,
    AddendumAcknowledgement,
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    ProcurementSettings,
    Solicitation,
    SolicitationDocument,
    SolicitationInterest,
    Vendor,
    VendorQuestion,
    VendorUser,
    vendor_ids_of,
)
from interlocal.tenancy.models import Consortium
from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, Role
from interlocal.tenancy.scoping import get_for_user, grants_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Member

__all__ = [
    "questions_to_answer",
    "rounds_closing_for",
    "ItemDemand",
    "addendum_notice_days",
    "demand_by_item",
    "get_entry_for_user",
    "get_question_for_user",
    "get_round_for_user",
    "get_solicitation_for_user",
    "get_vendor_for_council",
    "get_vendor_for_user",
    "member_may_enter",
    "public_questions",
    "public_solicitation",
    "public_solicitations",
    "unacknowledged_addenda",
    "vendor_of",
    "witness_candidates",
]


def get_round_for_user(user: Any, pk: int, *, write: bool = False) -> DemandRound:
    """The demand round if `user` may see it (or run it, with write=True); else 404."""
    return get_for_user(DemandRound.objects.select_related("consortium"), user, write=write, pk=pk)


def get_entry_for_user(user: Any, pk: int, *, write: bool = False) -> DemandEntry:
    """A member's demand entry if `user` may see it (or change it); else 404."""
    qs = DemandEntry.objects.select_related("item__round__consortium", "member")
    return get_for_user(qs, user, write=write, pk=pk)


def get_solicitation_for_user(user: Any, pk: int, *, write: bool = False) -> Solicitation:
    """The solicitation if `user` (a consortium person) may see it (or run it); else 404."""
    qs = Solicitation.objects.select_related("consortium", "demand_round")
    return get_for_user(qs, user, write=write, pk=pk)


def get_solicitation_for_bidding(user: Any, pk: int) -> Solicitation:
    """The solicitation if `user` may see it in its consortium, or it is public and `user` is a vendor
    registered with that consortium (who bids on it); else 404, for "missing", "another
    consortium's draft" and "not your consortium" alike."""
    found = Solicitation.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        vendor_of = grants_for(user).consortia(frozenset({Role.VENDOR}))
        found = Solicitation.objects.public().filter(pk=pk, consortium_id__in=vendor_of).first()
    if found is None:
        # Refusing an existing draft is audited like every other refusal.
        return get_solicitation_for_user(user, pk)
    return found


def get_question_for_user(user: Any, pk: int, *, write: bool = False) -> VendorQuestion:
    """A vendor question, for the staff of the solicitation's consortium; else 404."""
    qs = VendorQuestion.objects.select_related("solicitation__consortium", "vendor")
    return get_for_user(qs, user, write=write, pk=pk)


def get_vendor_for_user(user: Any, pk: int, *, write: bool = False) -> Vendor:
    """The vendor if `user` works for it or staffs a consortium it registered with; else 404."""
    qs = Vendor.objects.visible_to(user)
    if write:
        qs = qs.writable_by(user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(_g("No such vendor."))
    return found


def get_vendor_for_council(user: Any, pk: int) -> Vendor:
    """A vendor registered with a consortium `user` administers or staffs; else 404 (audited)."""
    return get_for_user(Vendor.objects.administered_by(user), user, pk=pk)


def vendor_of(user: User | AnonymousUser | None) -> Vendor | None:
    """The (first active) vendor company `user` acts for, or None."""
    ids = vendor_ids_of(user)
    if not ids:
        return None
    return Vendor.objects.filter(pk__in=ids).order_by("pk").first()


def suspended_vendor_of(user: User | AnonymousUser | None) -> Vendor | None:
    """The suspended vendor company `user` belongs to (to explain why they cannot bid), or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Vendor.objects.filter(users__user_id=user.pk, users__is_active=True, status=Vendor.Status.SUSPENDED)
        .order_by("pk")
        .first()
    )


def vendor_role(user: Any, vendor: Vendor) -> str | None:
    """`user`'s role (admin/user) at `vendor`, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        VendorUser.objects.filter(vendor=vendor, user_id=user.pk, is_active=True)
        .values_list("role", flat=True)
        .first()
    )


# --- Demand -------------------------------------------------------------------------------------


def member_may_enter(round_: DemandRound, member: Member | None) -> bool:
    """Whether `member` takes part (invited or joined), which it must before entering demand."""
    if member is None:
        return False
    return (
        DemandRoundMember.objects.filter(round=round_, member=member)
        .filter(Q(invited=True) | Q(joined=True))
        .exists()
    )


@dataclass(frozen=True)
class ItemDemand:
    """Pooled demand for one item: total quantity, how many members, weighted average current price."""

    item: DemandItem
    total_quantity: Decimal
    members: int
    weighted_price: Decimal | None
    current_spend: Decimal | None
    disclosed: bool = True


def demand_by_item(round_: DemandRound, *, full: bool) -> list[ItemDemand]:
    """Aggregated demand per item, computed in the database (one query).

    `full` (the council) sees every figure. Members see the totals only where at least k members
    contributed (the platform's disclosure rule): a weighted price built from two towns would
    reveal the other town's price to each of them.
    """
    priced = Q(entries__current_unit_price__isnull=False, entries__quantity__gt=0)
    money: DecimalField = DecimalField(max_digits=36, decimal_places=8)
    items = list(
        DemandItem.objects.filter(round=round_)
        .annotate(
            total=Sum("entries__quantity"),
            n=Count("entries", filter=Q(entries__quantity__gt=0)),
            spend=Sum(
                ExpressionWrapper(
                    F("entries__quantity") * F("entries__current_unit_price"), output_field=money
                ),
                filter=priced,
            ),
            priced_quantity=Sum("entries__quantity", filter=priced),
            n_priced=Count("entries", filter=priced),
        )
        .order_by("line_number")
    )
    if not full:
        # Each item's figures are a different measure (its own quantities and prices), so the
        # difference of two items' totals reveals nothing: the rule is applied item by item, not
        # across pairs of items. Every member's figures are private, so only how many members
        # contributed matters; the count comes from the same query (no row per entry is loaded).
        k = settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS
        verdict: dict[int, bool] = {}
        price_verdict: dict[int, bool] = {}
        for item in items:
            contributors = range(item.n)  # type: ignore[attr-defined]
            verdict[item.pk] = publishable({item.pk: contributors}, private=contributors, k=k)[item.pk]
            # The weighted price is built only from the members who gave a price.
            priced_by = range(item.n_priced)  # type: ignore[attr-defined]
            price_verdict[item.pk] = publishable({item.pk: priced_by}, private=priced_by, k=k)[item.pk]
    result = []
    for item in items:
        spend = item.spend  # type: ignore[attr-defined]
        priced_quantity = item.priced_quantity  # type: ignore[attr-defined]
        weighted = (
            (spend / priced_quantity).quantize(Decimal("0.0001"))
            if spend is not None and priced_quantity
            else None
        )
        if not full and not price_verdict[item.pk]:
            weighted, spend = None, None
        result.append(
            ItemDemand(
                item=item,
                total_quantity=item.total or Decimal(0),  # type: ignore[attr-defined]
                members=item.n,  # type: ignore[attr-defined]
                weighted_price=weighted,
                current_spend=spend.quantize(Decimal("0.01")) if spend is not None else None,
                disclosed=True if full else verdict.get(item.pk, False),
            )
        )
    return result


# --- Solicitations: public and vendor views ------------------------------------------------------


def public_solicitations() -> QuerySet[Solicitation]:
    """Solicitations anyone may read (published at some point, never drafts)."""
    return Solicitation.objects.public().select_related("consortium")


def public_solicitation(pk: int) -> Solicitation:
    """One public solicitation; 404 for drafts and missing ones."""
    found = public_solicitations().filter(pk=pk).first()
    if found is None:
        raise Http404(_g("No such solicitation."))
    return found


def get_public_document(solicitation: Solicitation, pk: int) -> SolicitationDocument:
    """A public document of a public solicitation (from `public_solicitation`); 404 otherwise."""
    found = solicitation.documents.select_related("file").filter(pk=pk, public=True).first()
    if found is None:
        raise Http404(_g("No such document."))
    return found


def get_public_addendum(solicitation: Solicitation, pk: int) -> Addendum:
    """An addendum of a public solicitation (from `public_solicitation`); 404 otherwise."""
    found = solicitation.addenda.select_related("document").filter(pk=pk).first()
    if found is None:
        raise Http404(_g("No such addendum."))
    return found


def publishing_consortia() -> QuerySet[Consortium]:
    """Active consortia with at least one public solicitation: whose contracting data is open."""
    return (
        Consortium.objects.filter(is_active=True, solicitations__in=Solicitation.objects.public())
        .distinct()
        .order_by("name")
    )


def publishing_consortium(pk: int) -> Consortium:
    """One active consortium, for its open contracting data (which holds public processes only)."""
    found = Consortium.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise Http404(_g("No such consortium."))
    return found


def public_questions(solicitation: Solicitation) -> QuerySet[VendorQuestion]:
    """Answered, published questions: what every vendor reads (never who asked)."""
    return solicitation.questions.filter(published=True).exclude(answer="").order_by("answered_at", "pk")


def vendor_open_solicitations(vendor: Vendor, now: Any = None) -> QuerySet[Solicitation]:
    """Public solicitations still taking bids, each with whether `vendor` follows it (`following`)
    and how many addenda it has not acknowledged yet (`pending`)."""
    acked = AddendumAcknowledgement.objects.filter(addendum=OuterRef("addenda"), vendor=vendor)
    follows = SolicitationInterest.objects.filter(solicitation=OuterRef("pk"), vendor=vendor)
    return (
        public_solicitations()
        .filter(status=Solicitation.Status.PUBLISHED, submission_deadline__gt=now or timezone.now())
        .annotate(following=Exists(follows), pending=Count("addenda", filter=~Exists(acked), distinct=True))
    )


def vendor_questions(solicitation: Solicitation, vendor: Vendor) -> QuerySet[VendorQuestion]:
    """The questions `vendor` asked about `solicitation` (answered or not, published or not)."""
    return solicitation.questions.filter(vendor=vendor)


def vendor_follows(solicitation: Solicitation, vendor: Vendor) -> bool:
    return solicitation.interests.filter(vendor=vendor).exists()


def get_addendum_of_public_solicitation(pk: int) -> Addendum:
    """An addendum of any public solicitation (what vendors acknowledge); 404 otherwise."""
    found = (
        Addendum.objects.select_related("solicitation")
        .filter(pk=pk, solicitation__in=public_solicitations())
        .first()
    )
    if found is None:
        raise Http404(_g("No such addendum."))
    return found


def addenda_for(user: Any, solicitation_id: int) -> QuerySet[Addendum]:
    """A solicitation's addenda: all of them for its council (drafts too); for everyone else
    those of a public solicitation, else 404."""
    council = Solicitation.objects.writable_by(user).filter(pk=solicitation_id).first()
    sol = council or public_solicitation(solicitation_id)
    return sol.addenda.order_by("number")


def questions_for(user: Any, solicitation_id: int) -> QuerySet[VendorQuestion]:
    """A solicitation's questions: every one for its council; for everyone else the published
    answers of a public solicitation (else 404), plus a vendor's own questions."""
    council = Solicitation.objects.writable_by(user).filter(pk=solicitation_id).first()
    if council is not None:
        return council.questions.order_by("asked_at", "pk")
    sol = public_solicitation(solicitation_id)
    vendor = vendor_of(user)
    own = sol.questions.filter(vendor=vendor) if vendor else sol.questions.none()
    return (public_questions(sol) | own).distinct().order_by("asked_at", "pk")


def unacknowledged_addenda(solicitation: Solicitation, vendor: Vendor) -> QuerySet[Addendum]:
    """Addenda of `solicitation` that `vendor` has not acknowledged yet (a bid should wait for them)."""
    return (
        Addendum.objects.filter(solicitation=solicitation)
        .exclude(acknowledgements__vendor=vendor)
        .order_by("number")
    )


def addendum_notice_days(consortium_id: int) -> int:
    """The consortium's minimum notice of an addendum, in working days (the default until changed)."""
    value = (
        ProcurementSettings.objects.filter(consortium_id=consortium_id)
        .values_list("addendum_notice_days", flat=True)
        .first()
    )
    return DEFAULT_ADDENDUM_NOTICE_DAYS if value is None else value


def witness_candidates(consortium_id: int, *, excluding: Any) -> QuerySet[Any]:
    """Who may witness an opening: the consortium's active admins and staff, other than `excluding`
    (the opener), by name."""
    from django.contrib.auth import get_user_model

    people = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__consortium_id=consortium_id,
            memberships__member__isnull=True,
            memberships__role__in=CONSORTIUM_WRITE_ROLES,
        )
        .distinct()
        .order_by("full_name", "email")
    )
    return people if excluding is None else people.exclude(pk=excluding.pk)


def rounds_closing_for(user: Any, now: Any, within: Any) -> QuerySet[DemandRoundMember]:
    """Open rounds closing within `within` in which a member `user` enters demand for (its
    admins and staff: `writable_by`) takes part and has entered nothing yet; soonest cut-off first."""
    entered = DemandEntry.objects.filter(item__round=OuterRef("round_id"), member=OuterRef("member_id"))
    return (
        DemandRoundMember.objects.writable_by(user)
        .filter(
            Q(invited=True) | Q(joined=True),
            round__status=DemandRound.Status.OPEN,
            round__cut_off_at__gt=now,
            round__cut_off_at__lte=now + within,
        )
        .exclude(Exists(entered))
        .select_related("round", "member")  # the inbox names the round and the member
        .order_by("round__cut_off_at", "pk")
    )


def questions_to_answer(user: Any) -> QuerySet[Solicitation]:
    """Published solicitations whose council `user` is (`writable_by`) with vendors' questions not
    yet answered, with `waiting` (how many) and `first_asked`; the oldest question first."""
    from django.db.models import Min

    return (
        Solicitation.objects.writable_by(user)
        .filter(status=Solicitation.Status.PUBLISHED, questions__answered_at__isnull=True)
        .annotate(waiting=Count("questions"), first_asked=Min("questions__asked_at"))
        .order_by("first_asked", "pk")
    )
