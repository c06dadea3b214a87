"""Demo data for procurement planning: for Capitol Region a round collecting quantities, an open
solicitation, one whose bidding has closed and whose bids can be opened now ("Copier paper 2027";
the bidding demo adds its sealed bids), and the round and solicitation of a completed joint
purchase whose deadline has passed ("2026 fuel oil and diesel"; the bidding demo adds its bids,
award and contracts); for MISA Prairies an open round (Airdrie still to enter its demand) and an
open request for quotes. Dates are relative to when the demo is loaded.

Idempotent: each object is found by its title or reference before it is created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from interlocal.procurement.models import (
    Addendum,
    AddendumAcknowledgement,
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    EvaluationCriterion,
    Solicitation,
    SolicitationInterest,
    SolicitationItem,
    Vendor,
    VendorQuestion,
    VendorRegistration,
    VendorUser,
)
from interlocal.tenancy.models import Consortium, Member, Membership

__all__ = [
    "COMPLETED_TITLE",
    "MISA_ROUND_TITLE",
    "MISA_SOLICITATION_REFERENCE",
    "OPEN_SOLICITATION_REFERENCE",
    "ORDER",
    "READY_TO_OPEN_REFERENCE",
    "ROUND_TITLE",
    "load",
]

ORDER = 40  # after tenancy (0)

CONSORTIUM = "capitol-region"
ROUND_TITLE = "2027 road salt"
OPEN_SOLICITATION_REFERENCE = "IFB-2027-014"
COMPLETED_TITLE = "2026 fuel oil and diesel"
COMPLETED_REFERENCE = "IFB-2026-007"
READY_TO_OPEN_REFERENCE = "IFB-2027-011"
READY_TO_OPEN_TITLE = "Copier paper 2027"
MISA = "misa-prairies"
MISA_ROUND_TITLE = "2027 aerial imagery and LiDAR"
MISA_SOLICITATION_REFERENCE = "RFQ-2027-003"
# Imagery: (square km of 10 cm orthophotos, current $/km², square km of LiDAR, current $/km²);
# the City of Airdrie (quinn's) has not entered its demand yet.
IMAGERY = [
    ("city-of-brooks-ab", "19", "410.00", "", ""),
    ("city-of-leduc-ab", "43", "395.00", "43", "520.00"),
    ("strathcona-county-ab", "1180", "310.00", "600", "450.00"),
    ("town-of-okotoks-ab", "39", "420.00", "", ""),
]

VENDORS = [
    # (name, legal id, e-mail, demo person or None)
    ("Varga Technology Supply", "EIN-06-1234567", "bids@varga.example.org", "vince@vendor.example.org"),
    ("Charter Oak Energy", "EIN-06-7654321", "bids@charteroak.example.org", None),
    ("Northeast Fuel Co.", "EIN-06-5550123", "sales@nefuel.example.org", None),
]

# Salt: (tons of bulk salt, current $/ton, tons of treated salt, current $/ton)
SALT = [
    ("avon-ct", "1200", "82.50", "150", "104.00"),
    ("bolton-ct", "650", "88.00", "", ""),
    ("canton-ct", "900", "85.75", "80", "109.50"),
    ("east-granby-ct", "420", "91.20", "", ""),
    ("east-hartford-ct", "1100", "84.10", "120", "106.25"),
]
# Fuel: (gallons heating oil, $/gal, gallons diesel, $/gal)
FUEL = [
    ("avon-ct", "42000", "3.412", "61000", "3.655"),
    ("bolton-ct", "18000", "3.498", "22000", "3.701"),
    ("canton-ct", "26000", "3.455", "38000", "3.690"),
    ("east-hartford-ct", "31000", "3.430", "47000", "3.662"),
    ("granby-ct", "24000", "3.470", "29000", "3.688"),
    ("east-granby-ct", "12000", "3.520", "15000", "3.720"),
]


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  {text}")


def _members(slugs: list[str]) -> dict[str, Member]:
    found = {m.slug: m for m in Member.objects.filter(slug__in=slugs)}
    return {s: found[s] for s in slugs if s in found}


def _vendors(consortium: Consortium) -> list[Vendor]:
    User = get_user_model()
    vendors = []
    now = timezone.now()
    for name, legal_id, email, person in VENDORS:
        vendor, _ = Vendor.objects.get_or_create(
            legal_id=legal_id,
            country="US",
            defaults={
                "name": name,
                "email": email,
                "status": Vendor.Status.ACTIVE,
                "email_verified_at": now,
                "address": "Hartford, CT",
            },
        )
        VendorRegistration.objects.get_or_create(vendor=vendor, consortium=consortium)
        if person:
            user = User.objects.filter(email=person).first()
            if user is not None:
                VendorUser.objects.get_or_create(
                    vendor=vendor, user=user, defaults={"role": VendorUser.Role.ADMIN}
                )
                Membership.objects.get_or_create(user=user, consortium=consortium, member=None, role="vendor")
        vendors.append(vendor)
    return vendors


def _round(
    consortium: Consortium,
    title: str,
    *,
    status: str,
    cut_off_at: dt.datetime,
    items: list[tuple[str, str, str, str]],
    created_by: Any,
    description: str,
) -> tuple[DemandRound, list[DemandItem]]:
    round_ = DemandRound.objects.filter(consortium=consortium, title=title).first()
    if round_ is None:
        round_ = DemandRound.objects.create(
            consortium=consortium,
            title=title,
            description=description,
            status=status,
            cut_off_at=cut_off_at,
            opened_at=cut_off_at - dt.timedelta(days=30),
            closed_at=cut_off_at if status == DemandRound.Status.CLOSED else None,
            invitation_mode=DemandRound.Invitation.OPEN,
            created_by=created_by,
        )
        for n, (description_, unit, scheme, code) in enumerate(items, start=1):
            DemandItem.objects.create(
                round=round_,
                line_number=n,
                description=description_,
                unit=unit,
                classification_scheme=scheme,
                classification_code=code,
            )
    return round_, list(round_.items.order_by("line_number"))


def _entries(round_: DemandRound, items: list[DemandItem], rows: Sequence[tuple[str, ...]], by: Any) -> None:
    members = _members([r[0] for r in rows])
    for slug, *values in rows:
        member = members.get(slug)
        if member is None:
            continue
        DemandRoundMember.objects.get_or_create(
            round=round_, member=member, defaults={"joined": True, "joined_at": round_.opened_at}
        )
        for item, (qty, price) in zip(items, [values[0:2], values[2:4]], strict=False):
            if not qty:
                continue
            DemandEntry.objects.get_or_create(
                item=item,
                member=member,
                defaults={
                    "quantity": Decimal(qty),
                    "current_unit_price": Decimal(price) if price else None,
                    "delivery_location": f"{member.name} public works garage",
                    "entered_by": by,
                },
            )


def _standalone(
    consortium: Consortium, reference: str, items: list[tuple[str, str, str, str, str]], **fields: Any
) -> tuple[Solicitation, bool]:
    """A published solicitation without a round, with (description, unit, scheme, code, quantity) items."""
    sol = Solicitation.objects.filter(consortium=consortium, reference_number=reference).first()
    if sol is not None:
        return sol, False
    sol = Solicitation.objects.create(consortium=consortium, reference_number=reference, **fields)
    Solicitation.objects.filter(pk=sol.pk).update(ocds_process=f"solicitation-{sol.pk}")
    for n, (description, unit, scheme, code, qty) in enumerate(items, start=1):
        SolicitationItem.objects.create(
            solicitation=sol,
            line_number=n,
            description=description,
            unit=unit,
            classification_scheme=scheme,
            classification_code=code,
            total_quantity=Decimal(qty),
        )
    return sol, True


def _misa(stdout: Any, now: dt.datetime) -> list[Any]:
    """MISA Prairies: an open demand round (Airdrie still to enter) and an open request for quotes."""
    from interlocal.tenancy.demo import DemoTask

    consortium = Consortium.objects.filter(slug=MISA).first()
    pat = get_user_model().objects.filter(email="pat@misa.example.org").first()
    if consortium is None or pat is None:
        return []
    imagery, imagery_items = _round(
        consortium,
        MISA_ROUND_TITLE,
        status=DemandRound.Status.OPEN,
        cut_off_at=now + dt.timedelta(days=14),
        items=[
            ("Orthophotography, 10 cm ground resolution, delivered as tiles", "km²", "UNSPSC", "81151600"),
            ("LiDAR point cloud and bare-earth model, 8 points/m²", "km²", "UNSPSC", "81151600"),
        ],
        created_by=pat,
        description="Spring 2027 flights over urban areas. Enter the square kilometres you need and "
        "what you paid per km² last time.",
    )
    _entries(imagery, imagery_items, IMAGERY, pat)
    _standalone(
        consortium,
        MISA_SOLICITATION_REFERENCE,
        [
            ("Network switch, 48-port PoE+, managed", "each", "UNSPSC", "43222612", "160"),
            ("Wireless access point, Wi-Fi 6E, indoor", "each", "UNSPSC", "43222640", "420"),
        ],
        title="Network switches and wireless access points",
        description="Switches and access points for municipal offices, libraries and recreation centres.",
        method=Solicitation.Method.RFQ,
        status=Solicitation.Status.PUBLISHED,
        published_at=now - dt.timedelta(days=2),
        questions_deadline=now + dt.timedelta(days=10),
        submission_deadline=now + dt.timedelta(days=18),
        opening_at=now + dt.timedelta(days=18, hours=2),
        contact_name="Pat Perreault",
        contact_email="pat@misa.example.org",
        created_by=pat,
    )
    _say(stdout, f"procurement: “{MISA_ROUND_TITLE}” (open), {MISA_SOLICITATION_REFERENCE} (MISA Prairies)\n")
    return [
        DemoTask("quinn@airdrie.example.org", f"Join “{MISA_ROUND_TITLE}” and enter Airdrie's demand."),
        DemoTask(
            "pat@misa.example.org",
            f"Follow “{MISA_ROUND_TITLE}” (closes in 14 days); {MISA_SOLICITATION_REFERENCE} is open for quotes.",
        ),
    ]


def _solicitation_from(round_: DemandRound, **fields: Any) -> Solicitation:
    sol = Solicitation.objects.filter(
        consortium=round_.consortium, reference_number=fields["reference_number"]
    ).first()
    if sol is not None:
        return sol
    sol = Solicitation.objects.create(consortium=round_.consortium, demand_round=round_, **fields)
    if sol.published_at is not None:  # as do_publish_solicitation stamps it
        Solicitation.objects.filter(pk=sol.pk).update(ocds_process=sol.ocds_process_at_publication())
    for n, item in enumerate(round_.items.order_by("line_number"), start=1):
        total = sum((e.quantity for e in item.entries.all()), Decimal(0))
        SolicitationItem.objects.create(
            solicitation=sol,
            demand_item=item,
            line_number=n,
            description=item.description,
            unit=item.unit,
            classification_scheme=item.classification_scheme,
            classification_code=item.classification_code,
            total_quantity=total,
        )
    return sol


@transaction.atomic
def load(stdout: Any = None) -> list[Any]:
    """Create the Capitol Region's demand rounds, solicitations and vendors."""
    consortium = Consortium.objects.filter(slug=CONSORTIUM).first()
    if consortium is None:
        _say(stdout, "procurement: no Capitol Region consortium; skipped\n")
        return []
    User = get_user_model()
    sam = User.objects.filter(email="sam@capitol.example.org").first()
    bob = User.objects.filter(email="bob@avon.example.org").first()
    vince = User.objects.filter(email="vince@vendor.example.org").first()
    now = timezone.now()
    vendors = _vendors(consortium)

    # 1. A round collecting quantities.
    salt, salt_items = _round(
        consortium,
        ROUND_TITLE,
        status=DemandRound.Status.OPEN,
        cut_off_at=now + dt.timedelta(days=21),
        items=[
            ("Road salt (sodium chloride), bulk, delivered", "ton", "CPV", "34927100-2"),
            ("Treated road salt (magnesium chloride blend)", "ton", "CPV", "34927100-2"),
        ],
        created_by=sam,
        description="Winter 2027–28 de-icing salt for town roads. Enter tons and what you pay per ton today.",
    )
    _entries(salt, salt_items, SALT, bob)

    # 2. A solicitation open for bids (standalone), with a question, an answer and an addendum.
    laptops = Solicitation.objects.filter(
        consortium=consortium, reference_number=OPEN_SOLICITATION_REFERENCE
    ).first()
    if laptops is None:
        laptops = Solicitation.objects.create(
            consortium=consortium,
            reference_number=OPEN_SOLICITATION_REFERENCE,
            title="Laptops 2027",
            description="Business laptops and docking stations for town halls, libraries and schools.",
            method=Solicitation.Method.IFB,
            status=Solicitation.Status.PUBLISHED,
            published_at=now - dt.timedelta(days=3),
            questions_deadline=now + dt.timedelta(days=7),
            submission_deadline=now + dt.timedelta(days=14),
            opening_at=now + dt.timedelta(days=14, hours=2),
            contact_name="Sam Schultz",
            contact_email="sam@capitol.example.org",
            created_by=sam,
        )
        Solicitation.objects.filter(pk=laptops.pk).update(ocds_process=f"solicitation-{laptops.pk}")
        for n, (description, unit, code, qty) in enumerate(
            [
                ("Laptop, 14-inch, 16 GB RAM, 512 GB SSD", "each", "43211503", "340"),
                ("Docking station, USB-C", "each", "43211602", "220"),
            ],
            start=1,
        ):
            SolicitationItem.objects.create(
                solicitation=laptops,
                line_number=n,
                description=description,
                unit=unit,
                classification_scheme="UNSPSC",
                classification_code=code,
                total_quantity=Decimal(qty),
            )
        varga = vendors[0]
        SolicitationInterest.objects.create(solicitation=laptops, vendor=varga, registered_by=vince)
        VendorQuestion.objects.create(
            solicitation=laptops,
            vendor=varga,
            asked_by=vince,
            text="May we offer a 15-inch model as an alternate?",
            answer="Yes, as an alternate on a separate line of your bid; line 1 is evaluated as specified.",
            answered_at=now - dt.timedelta(days=1),
            answered_by=sam,
            published=True,
        )
        addendum = Addendum.objects.create(
            solicitation=laptops,
            number=1,
            title="Delivery schedule",
            body="Deliveries are split into two drops: August and October 2027.",
            issued_by=sam,
            issued_at=now - dt.timedelta(hours=20),
        )
        del addendum  # Varga has not acknowledged it yet: the vendor dashboard shows it pending.

    # 3. Bidding closed yesterday, the opening time has passed: staff can open the bids now
    # (the bidding demo seals two bids into it). Two people open: Sam, with Wes as the witness.
    _standalone(
        consortium,
        READY_TO_OPEN_REFERENCE,
        [
            ("Copy paper, letter, 20 lb, 92 bright, case of 10 reams", "case", "UNSPSC", "14111507", "1800"),
            ("Copy paper, legal, 20 lb, case of 10 reams", "case", "UNSPSC", "14111507", "240"),
        ],
        title=READY_TO_OPEN_TITLE,
        description="Copy paper for town halls, libraries and schools, delivered monthly.",
        method=Solicitation.Method.IFB,
        status=Solicitation.Status.PUBLISHED,
        published_at=now - dt.timedelta(days=24),
        questions_deadline=now - dt.timedelta(days=10),
        submission_deadline=now - dt.timedelta(days=1),
        opening_at=now - dt.timedelta(hours=2),
        contact_name="Sam Schultz",
        contact_email="sam@capitol.example.org",
        created_by=sam,
    )

    # 4. The completed joint purchase: round closed, solicitation past its deadline.
    fuel, fuel_items = _round(
        consortium,
        COMPLETED_TITLE,
        status=DemandRound.Status.CLOSED,
        cut_off_at=now - dt.timedelta(days=120),
        items=[
            ("Heating oil No. 2, delivered", "gallon", "UNSPSC", "15101505"),
            ("Ultra-low-sulfur diesel, delivered", "gallon", "UNSPSC", "15101504"),
        ],
        created_by=sam,
        description="Heating oil and diesel for town buildings and fleets, July 2026 – June 2027.",
    )
    _entries(fuel, fuel_items, FUEL, bob)
    fuel_sol = _solicitation_from(
        fuel,
        reference_number=COMPLETED_REFERENCE,
        title=COMPLETED_TITLE,
        description="Joint invitation for bids: fixed margin over the OPIS New Haven rack price.",
        method=Solicitation.Method.IFB,
        status=Solicitation.Status.CLOSED,
        published_at=now - dt.timedelta(days=110),
        questions_deadline=now - dt.timedelta(days=95),
        submission_deadline=now - dt.timedelta(days=90),
        opening_at=now - dt.timedelta(days=90) + dt.timedelta(hours=2),
        contact_name="Sam Schultz",
        contact_email="sam@capitol.example.org",
        created_by=sam,
    )
    for vendor in vendors[1:]:
        SolicitationInterest.objects.get_or_create(solicitation=fuel_sol, vendor=vendor)
    if not fuel_sol.criteria.exists():
        EvaluationCriterion.objects.create(
            solicitation=fuel_sol, name="Price", weight=Decimal(100), is_price=True, position=1
        )
    if not fuel_sol.addenda.exists():
        addendum = Addendum.objects.create(
            solicitation=fuel_sol,
            number=1,
            title="Delivery windows",
            body="Deliveries Monday to Friday, 7 am to 3 pm.",
            issued_by=sam,
            issued_at=now - dt.timedelta(days=100),
        )
        for vendor in vendors[1:]:
            AddendumAcknowledgement.objects.create(addendum=addendum, vendor=vendor)
    _say(
        stdout,
        f"procurement: “{ROUND_TITLE}”, {OPEN_SOLICITATION_REFERENCE}, {READY_TO_OPEN_REFERENCE} (bids to open), "
        f"“{COMPLETED_TITLE}”\n",
    )
    from interlocal.tenancy.demo import DemoTask

    tasks: list[Any] = [
        DemoTask(
            "sam@capitol.example.org",
            f"Open the sealed bids of {READY_TO_OPEN_REFERENCE} “{READY_TO_OPEN_TITLE}” "
            "(bidding closed; name Wes Whitfield as the witness).",
        ),
        DemoTask(
            "vince@vendor.example.org",
            f"Acknowledge addendum 1 of {OPEN_SOLICITATION_REFERENCE} “Laptops 2027” and bid on it.",
        ),
    ]
    return tasks + _misa(stdout, now)
