"""Agreements pages and API: Capitol Region's agreements (every non-vendor role reads a circulated
or in-force one; drafts and every change are the council's; a party signs only through its
named signatory)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from interlocal.agreements.actions import do_generate_document, do_sign_agreement
from interlocal.agreements.models import Signature
from tests.agreements.helpers import circulated, draft, in_force, party
from tests.isolation.registry import CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target

MARKER = "ISO-MARKER-AGREEMENT"


def _list(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(objects=[a], marker=MARKER)


def _one(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"pk": a.pk}, objects=[a], marker=MARKER)


def _api(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"agreement_id": a.pk}, objects=[a], marker=MARKER)


def _api_versions(world: Any) -> Target:
    return _api(world)


def _api_nomarker(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"agreement_id": a.pk}, objects=[a])


def _calendar_page(world: Any) -> Target:
    return Target(marker="Deadline calendar links")


def _new(world: Any) -> Target:
    return Target(marker="New agreement")


def _draft(world: Any) -> Target:
    a = draft(world, f"Draft {MARKER}")
    return Target(kwargs={"pk": a.pk}, objects=[a], marker=MARKER)


def _transition(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"pk": a.pk, "action": "terminate"}, objects=[a])


def _circulated_party(world: Any) -> Target:
    a = circulated(world, f"Shared {MARKER}")
    p = party(a, world.avon)
    return Target(kwargs={"pk": p.pk}, objects=[a, p], marker=MARKER)


def _draft_party(world: Any) -> Target:
    a = draft(world, f"Draft {MARKER}")
    p = party(a, world.avon)
    return Target(kwargs={"pk": p.pk}, objects=[a, p])


def _in_force_party(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    p = party(a, world.bolton)
    return Target(kwargs={"pk": p.pk}, objects=[a, p])


def _signatory(world: Any) -> Target:
    a = draft(world, f"Draft {MARKER}")
    s = party(a, world.avon).signatories.get()
    return Target(kwargs={"pk": s.pk}, objects=[a, s])


def _version(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"pk": a.versions.get().pk}, objects=[a], marker=MARKER)


def _signature_pdf(world: Any) -> Target:
    a = circulated(world, f"Shared {MARKER}")
    pdf = SimpleUploadedFile("s.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    do_sign_agreement(party(a, world.avon), acting_user=world.ada, signed_pdf=pdf)
    return Target(kwargs={"pk": Signature.objects.get(party__agreement=a).pk}, objects=[a])


def _document(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    rows = do_generate_document(a, "sla", acting_user=world.alice)
    return Target(kwargs={"pk": rows[1].pk}, objects=[a])


def _calendar(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"pk": world.capitol.pk}, objects=[a], marker=MARKER)


def _calendar_member(world: Any) -> Target:
    a = in_force(world, f"Shared {MARKER}")
    return Target(kwargs={"pk": world.avon.pk}, objects=[a], marker=MARKER)


def _templates(world: Any) -> Target:
    return Target(marker="Service level agreement")


def _template_edit(world: Any) -> Target:
    return Target(kwargs={"kind": "sla"}, marker="Service level agreement")


ROUTES = [
    Route("agreements:list", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=_list),
    # Pages of the consortium the person acts in: pat reaches his own consortium's.
    Route("agreements:create", SCOPED_LIST, allowed=COUNCIL | {"pat"}, build=_new),
    Route("agreements:detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=_one),
    Route(
        "agreements:edit",
        SCOPED,
        allowed=COUNCIL,
        build=_draft,
        methods=("GET", "POST"),
        payload={"title": "x"},
    ),
    Route(
        "agreements:party_add",
        SCOPED,
        allowed=COUNCIL,
        build=_draft,
        methods=("GET", "POST"),
        payload={"role": "provider"},
    ),
    Route(
        "agreements:amend",
        SCOPED,
        allowed=COUNCIL,
        build=_one,
        methods=("GET", "POST"),
        payload={"title": "x"},
    ),
    Route(
        "agreements:document_generate",
        SCOPED,
        allowed=COUNCIL,
        build=_one,
        methods=("POST",),
        payload={"kind": "sla"},
    ),
    Route("agreements:transition", SCOPED, allowed=COUNCIL, build=_transition, methods=("POST",)),
    Route("agreements:party_remove", SCOPED, allowed=COUNCIL, build=_draft_party, methods=("POST",)),
    Route(
        "agreements:signatory_add",
        SCOPED,
        allowed=COUNCIL,
        build=_draft_party,
        methods=("GET", "POST"),
        payload={},
    ),
    Route(
        "agreements:party_sign",
        SCOPED,
        allowed=frozenset({"ada"}),
        build=_circulated_party,
        methods=("GET", "POST"),
        payload={"typed_name": "Intruder"},
    ),
    Route(
        "agreements:party_withdraw",
        SCOPED,
        allowed=COUNCIL,
        build=_in_force_party,
        methods=("GET", "POST"),
        payload={"withdrawn_on": "2027-05-01"},
    ),
    Route("agreements:signatory_remove", SCOPED, allowed=COUNCIL, build=_signatory, methods=("POST",)),
    Route("agreements:signature_pdf", SCOPED, allowed=CAPITOL_NON_VENDOR, build=_signature_pdf),
    Route("agreements:version_diff", SCOPED, allowed=CAPITOL_NON_VENDOR, build=_version),
    Route("agreements:document_download", SCOPED, allowed=CAPITOL_NON_VENDOR, build=_document),
    Route("agreements:templates", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR | {"pat"}, build=_templates),
    Route("agreements:template_edit", SCOPED_LIST, allowed=COUNCIL | {"pat"}, build=_template_edit),
    Route("agreements:calendar", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR | {"pat"}, build=_calendar_page),
    Route("agreements:calendar_consortium", SCOPED, allowed=CAPITOL_NON_VENDOR, build=_calendar),
    Route("agreements:calendar_member", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=_calendar_member),
    Route("GET /api/v1/agreements", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=_list),
    Route("GET /api/v1/agreements/{agreement_id}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=_api),
    Route(
        "GET /api/v1/agreements/{agreement_id}/parties",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=_api_nomarker,
    ),
    Route(
        "GET /api/v1/agreements/{agreement_id}/signatures",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=_api_nomarker,
    ),
    Route(
        "GET /api/v1/agreements/{agreement_id}/versions",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=_api_versions,
    ),
]
