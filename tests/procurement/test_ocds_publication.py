"""OCDS publication of a joint purchase taken through every stage, with a frozen clock: schema and
codelists, compiled records, stable ids, one contract per buyer, and nothing sealed before the
opening (releases, records, API, downloads, CLI)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interlocal.core.models import StoredFile
from interlocal.procurement import publication
from interlocal.procurement.actions import (
    do_acknowledge_addendum,
    do_amend_contract,
    do_award,
    do_issue_addendum,
    do_open_bids,
    do_piggyback,
    do_submit_bid,
)
from interlocal.procurement.models import (
    Addendum,
    Contract,
    ContractAmendment,
    DemandRound,
    Solicitation,
    SolicitationDocument,
)
from interlocal.procurement.ocds import (
    build_releases,
    codelist,
    compile_release,
    record,
    record_package,
    release_package,
    validation_errors,
)
from interlocal.tenancy.models import Membership
from tests.clock import T0
from tests.procurement.factories import OPENING, make_joint_purchase, make_solicitation, make_vendor

PREFIX = "ocds-t3st01"
ACME, BRINE = "Acme Salt Co", "Brine Brothers"
SALT_ACME, SALT_BRINE, BRINE_ACME, BRINE_BRINE = "61.37", "63.11", "0.29", "0.27"
API = "/api/v1/ocds"


@pytest.fixture(autouse=True)
def _ocds_prefix(settings):
    settings.INTERLOCAL_OCDS_PREFIX = PREFIX


@pytest.fixture
def bids_sealed(world, clock, django_user_model):
    """Round with demand from Avon and Bolton, published solicitation, one addendum, two sealed bids."""
    jp = make_joint_purchase(world, members=("avon", "bolton"))
    DemandRound.objects.filter(pk=jp.round.pk).update(opened_at=T0 - dt.timedelta(days=30))
    acme = make_vendor(ACME, world.vince, world.capitol)
    wendy = django_user_model.objects.create_user(email="wendy@brine.example", password="x", full_name="W")
    brine = make_vendor(BRINE, wendy, world.capitol)
    addendum = do_issue_addendum(
        jp.solicitation, acting_user=world.alice, title="Delivery", body="Deliver by truck."
    )
    do_acknowledge_addendum(addendum, acme, acting_user=world.vince)
    do_acknowledge_addendum(addendum, brine, acting_user=wendy)
    # Model defaults read the real clock, not the frozen one: date the addendum in the test's time.
    Addendum.objects.update(issued_at=T0 - dt.timedelta(days=2))
    prices = {
        world.vince: {jp.items[0].pk: SALT_ACME, jp.items[1].pk: BRINE_ACME},
        wendy: {jp.items[0].pk: SALT_BRINE, jp.items[1].pk: BRINE_BRINE},
    }
    for user, p in prices.items():
        do_submit_bid(jp.solicitation, acting_user=user, idempotency_key="k", prices=p)
    return jp


@pytest.fixture
def everything(world, clock, bids_sealed):
    """…then the opening, a split award (contracts per member + masters), a piggyback and an amendment."""
    jp = bids_sealed
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    clock.advance(days=1)
    do_award(
        jp.solicitation, acting_user=world.sam, start_date=dt.date(2027, 4, 1), end_date=dt.date(2028, 3, 31)
    )
    clock.advance(days=10)
    Membership.objects.create(
        user=world.carol, consortium=world.capitol, member=world.canton, role="member_staff"
    )
    master = Contract.objects.get(kind=Contract.Kind.MASTER, vendor__name=ACME)
    do_piggyback(master, member=world.canton, acting_user=world.carol, quantities={jp.items[0].pk: "50"})
    clock.advance(days=5)
    avon = Contract.objects.get(kind=Contract.Kind.MEMBER, member=world.avon, vendor__name=ACME)
    do_amend_contract(
        avon, acting_user=world.sam, kind="amendment", description="Extra delivery point",
        effective_date=dt.date(2027, 4, 20), value_change=Decimal("100"),
    )  # fmt: skip
    ContractAmendment.objects.update(created_at=clock.now)
    return jp


def _export() -> list[dict[str, Any]]:
    return list(publication.releases())


def _all_text(world: Any, ocid: str) -> str:
    """Every public channel's answer, as one text."""
    client = Client()
    parts = [json.dumps(_export())]
    for url in (f"{API}/releases", f"{API}/releases/{ocid}", f"{API}/records/{ocid}"):
        response = client.get(url)
        assert response.status_code == 200, url
        parts.append(
            b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
        )
    for fmt in ("json", "json.gz"):
        response = client.get(
            reverse("procurement:ocds_download", kwargs={"pk": world.capitol.pk, "fmt": fmt})
        )
        data = b"".join(response.streaming_content)
        parts.append((gzip.decompress(data) if fmt == "json.gz" else data).decode())
    out = io.StringIO()
    call_command("ocds", "export", "--consortium", str(world.capitol.pk), "-", stdout=out)
    parts.append(out.getvalue())
    return "\n".join(parts)


# --- coded values -------------------------------------------------------------------------------

CODED = {
    "initiationType": "initiationType",
    "roles": "partyRole",
    "procurementMethod": "method",
    "awardCriteria": "awardCriteria",
    "submissionMethod": "submissionMethod",
    "mainProcurementCategory": "procurementCategory",
    "documentType": "documentType",
    "currency": "currency",
}


def _coded_values(value: Any, parent: str = "") -> list[tuple[str, str]]:
    """(codelist, code) for every coded field anywhere in a release."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            if key in CODED:
                codes = child if isinstance(child, list) else [child]
                found += [(CODED[key], c) for c in codes]
            elif key == "status" and parent in {"tender", "awards", "contracts"}:
                found.append(
                    (
                        {"tender": "tenderStatus", "awards": "awardStatus", "contracts": "contractStatus"}[
                            parent
                        ],
                        child,
                    )
                )
            elif key == "scheme" and parent == "classification":
                found.append(("classificationScheme", child))
            else:
                found += _coded_values(child, key)
    elif isinstance(value, list):
        for child in value:
            found += _coded_values(child, parent)
    return found


def _leaves(value: Any, path: str = "") -> set[tuple[str, str]]:
    """(path, JSON value) of every leaf; entries of identified arrays are addressed by id."""
    if isinstance(value, dict):
        return (
            set().union(*[_leaves(v, f"{path}/{k}") for k, v in value.items()]) if value else {(path, "{}")}
        )
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        return set().union(*[_leaves(v, f"{path}[{v['id']}]") for v in value])
    return {(path, json.dumps(value, sort_keys=True))}


# --- the whole process --------------------------------------------------------------------------


def test_release_and_record_packages_validate_and_use_official_codes(everything):
    releases = _export()
    assert [r["tag"] for r in releases] == [
        ["planning"], ["tender"], ["tenderAmendment"], ["tenderUpdate"], ["award", "contract"], ["contract"],
        ["contractAmendment"],
    ]  # fmt: skip
    package = release_package(releases, **publication.package_header())
    assert validation_errors(package) == []
    rec = record(releases)
    assert validation_errors(record_package([rec], **publication.package_header()), "record-package") == []
    for release in [*releases, rec["compiledRelease"]]:
        assert validation_errors(release, "release") == []
        for name in release["tag"]:
            assert name in codelist("releaseTag")
        for name, code in _coded_values(release):
            assert code in codelist(name), (name, code)
    assert {r["ocid"] for r in releases} == {f"{PREFIX}-round-{everything.round.pk}"}


def test_compiled_release_is_the_merge_of_the_releases(everything):
    releases = _export()
    rec = record(releases)
    compiled = rec["compiledRelease"]
    assert compiled == compile_release(rec["releases"]) and compiled["tag"] == ["compiled"]
    assert compiled["date"] == releases[-1]["date"]
    head = {"id", "date", "tag"}
    # Releases are complete for their stage: the compiled release is the newest state ...
    assert {k: v for k, v in compiled.items() if k not in head} == {
        k: v for k, v in releases[-1].items() if k not in head
    }
    # ... and every field of it comes from some release.
    published = set().union(*[_leaves({k: v for k, v in r.items() if k not in head}) for r in releases])
    assert _leaves({k: v for k, v in compiled.items() if k not in head}) <= published
    assert [r["date"] for r in rec["releases"]] == sorted(r["date"] for r in rec["releases"])


def test_ids_are_stable_between_exports(everything):
    first, second = _export(), _export()
    assert [(r["ocid"], r["id"]) for r in first] == [(r["ocid"], r["id"]) for r in second]
    assert len({r["id"] for r in first}) == len(first)
    assert first == second


def test_joint_purchase_is_modelled_like_prozorro(world, everything):
    compiled = compile_release(_export())
    consortium = f"consortium-{world.capitol.pk}"
    assert compiled["buyer"]["id"] == consortium == compiled["tender"]["procuringEntity"]["id"]
    roles = {p["id"]: set(p["roles"]) for p in compiled["parties"]}
    assert roles[consortium] == {"procuringEntity"}
    buyers = {pid for pid, r in roles.items() if "buyer" in r}
    assert buyers == {f"member-{m.slug}" for m in (world.avon, world.bolton, world.canton)}
    assert {pid for pid, r in roles.items() if "supplier" in r} == {
        pid for pid, r in roles.items() if "tenderer" in r
    } and len(roles) == 6
    items = compiled["tender"]["items"]
    assert {i["buyer"]["id"] for i in items} == {f"member-{world.avon.slug}", f"member-{world.bolton.slug}"}
    assert all(i["id"] == f"{i['id'].split('-')[0]}-{i['buyer']['id']}" for i in items)
    contracts = compiled["contracts"]
    per_buyer: dict[tuple[str, str], int] = {}
    for c in contracts:
        if "buyer" in c:
            key = (c["buyer"]["id"], c["awardID"])
            per_buyer[key] = per_buyer.get(key, 0) + 1
            assert {i["buyer"]["id"] for i in c["items"]} == {c["buyer"]["id"]}
    assert set(per_buyer.values()) == {1}  # one contract per buyer and award
    award_ids = {a["id"] for a in compiled["awards"]}
    assert len(award_ids) == 2 and {c["awardID"] for c in contracts} == award_ids  # split award
    masters = [c for c in contracts if "buyer" not in c]
    assert len(masters) == 2 and len(contracts) == 2 + 4 + 1  # masters, 2 members x 2 vendors, piggyback
    tender_item_ids = {i["id"] for i in items}
    assert {i["id"] for a in compiled["awards"] for i in a["items"]} == tender_item_ids
    amended = [c for c in contracts if c.get("amendments")]
    assert len(amended) == 1 and amended[0]["buyer"]["id"] == f"member-{world.avon.slug}"
    assert compiled["tender"]["status"] == "complete" and compiled["tender"]["numberOfTenderers"] == 2
    assert [a["description"] for a in compiled["tender"]["amendments"]] == ["Delivery: Deliver by truck."]


def test_awarded_prices_appear_but_losing_bids_never_do(everything):
    text = json.dumps(_export())
    assert SALT_ACME.rstrip("0") in text and BRINE_BRINE in text  # the winners' unit prices
    assert SALT_BRINE not in text and BRINE_ACME not in text  # the losing offers
    assert "current_unit_price" not in text and '"80' not in text  # members' current prices


# --- sealed bids --------------------------------------------------------------------------------


def test_nothing_sealed_is_published_before_the_opening(world, bids_sealed):
    ocid = bids_sealed.solicitation.ocid
    text = _all_text(world, ocid)
    for secret in (
        ACME,
        "Acme",
        BRINE,
        "Brine Brothers",
        SALT_ACME,
        SALT_BRINE,
        BRINE_ACME,
        BRINE_BRINE,
        "61.3",
    ):
        assert secret not in text, secret
    for field in ("tenderer", "numberOfTenderers", "awards", "supplier", "tenderUpdate"):
        assert field not in text, field
    assert "Road salt, bulk" in text  # the process itself is published


def test_after_the_opening_tenderers_are_named_without_amounts(world, clock, bids_sealed):
    clock.set(OPENING)
    do_open_bids(bids_sealed.solicitation, acting_user=world.alice, witness=world.sam)
    text = _all_text(world, bids_sealed.solicitation.ocid)
    assert ACME in text and BRINE in text and '"numberOfTenderers":2' in text.replace(" ", "")
    for amount in (SALT_ACME, SALT_BRINE, BRINE_ACME, BRINE_BRINE):
        assert amount not in text


def test_a_cancellation_after_the_opening_keeps_the_opening_release(world, clock, bids_sealed):
    from interlocal.procurement.actions import do_cancel_solicitation

    clock.set(OPENING)
    do_open_bids(bids_sealed.solicitation, acting_user=world.alice, witness=world.sam)
    clock.advance(hours=1)
    do_cancel_solicitation(bids_sealed.solicitation, acting_user=world.alice, reason="Budget cut")
    releases = _export()
    assert [r["tag"] for r in releases][-2:] == [["tenderUpdate"], ["tenderCancellation"]]
    assert releases[-1]["tender"]["status"] == "cancelled"
    assert validation_errors(release_package(releases, **publication.package_header())) == []


def test_drafts_are_never_published(world, clock, demand_round_factory):
    make_solicitation(
        world.capitol, reference_number="DRAFT-1", title="Secret draft", status=Solicitation.Status.DRAFT
    )
    demand_round_factory(
        consortium=world.capitol,
        title="Draft round",
        status=DemandRound.Status.DRAFT,
        cut_off_at=T0 + dt.timedelta(days=9),
    )
    standalone = make_solicitation(world.capitol, reference_number="IFB-9", title="Laptops")
    text = json.dumps(_export())
    assert "Secret draft" not in text and "Draft round" not in text and "Laptops" in text
    draft = Solicitation.objects.get(reference_number="DRAFT-1")
    assert Client().get(f"{API}/releases/{PREFIX}-solicitation-{draft.pk}").status_code == 404
    ok = Client().get(f"{API}/records/{PREFIX}-solicitation-{standalone.pk}")
    assert ok.status_code == 200 and validation_errors(ok.json(), "record-package") == []


def test_a_second_solicitation_of_a_round_is_its_own_process(world, clock, bids_sealed):
    from interlocal.procurement.actions import do_cancel_solicitation

    do_cancel_solicitation(bids_sealed.solicitation, acting_user=world.alice, reason="Specs changed")
    again = make_solicitation(world.capitol, reference_number="IFB-2027-002", demand_round=bids_sealed.round)
    releases = _export()
    assert len({(r["ocid"], r["id"]) for r in releases}) == len(releases)
    second = [r for r in releases if r["ocid"] == f"{PREFIX}-solicitation-{again.pk}"]
    assert second and second[0]["relatedProcesses"][0]["identifier"] == bids_sealed.round.ocid
    assert Client().get(f"{API}/records/{PREFIX}-solicitation-{again.pk}").status_code == 200


# --- API, downloads and CLI ---------------------------------------------------------------------


def test_api_answers_404_for_unknown_ocids_and_422_for_bad_ones(world, everything):
    client = Client()
    ocid = everything.solicitation.ocid
    assert client.get(f"{API}/releases/{ocid}").status_code == 200
    for unknown in (
        f"{PREFIX}-round-999999",
        f"{PREFIX}-solicitation-{everything.solicitation.pk}",
        "ocds-other-round-1",
        f"{PREFIX}-nonsense",
    ):
        assert client.get(f"{API}/releases/{unknown}").status_code == 404, unknown
        assert client.get(f"{API}/records/{unknown}").status_code == 404, unknown
    assert client.get(f"{API}/records/a!b!c").status_code == 422
    assert client.get(f"{API}/releases", {"consortium": "x"}).status_code == 422
    body = b"".join(client.get(f"{API}/releases", {"consortium": world.capitol.pk}).streaming_content)
    assert validation_errors(json.loads(body)) == []
    other = b"".join(client.get(f"{API}/releases", {"consortium": world.prairies.pk}).streaming_content)
    assert json.loads(other)["releases"] == []


def test_downloads_page_and_files(world, everything):
    client = Client()
    page = client.get(reverse("procurement:ocds_downloads"))
    assert page.status_code == 200 and world.capitol.name in page.content.decode()
    plain = client.get(reverse("procurement:ocds_download", kwargs={"pk": world.capitol.pk, "fmt": "json"}))
    zipped = client.get(
        reverse("procurement:ocds_download", kwargs={"pk": world.capitol.pk, "fmt": "json.gz"})
    )
    data = json.loads(b"".join(plain.streaming_content))
    unzipped = json.loads(gzip.decompress(b"".join(zipped.streaming_content)))
    assert data["releases"] == unzipped["releases"] and validation_errors(data) == []
    assert plain["Content-Disposition"].endswith('.json"') and zipped["Content-Type"] == "application/gzip"
    assert (
        client.get(reverse("procurement:ocds_download", kwargs={"pk": 999999, "fmt": "json"})).status_code
        == 404
    )


def test_cli_export_and_validate(world, everything, tmp_path):
    target = tmp_path / "capitol.json"
    call_command("ocds", "export", "--consortium", str(world.capitol.pk), str(target), stderr=io.StringIO())
    assert validation_errors(json.loads(target.read_text())) == []
    out = io.StringIO()
    call_command("ocds", "validate", str(target), stdout=out)
    assert "valid OCDS 1.1 release-package" in out.getvalue()
    with pytest.raises(CommandError, match="no consortium with id 999999"):
        call_command("ocds", "export", "--consortium", "999999", str(tmp_path / "none.json"))
    assert not (tmp_path / "none.json").exists()
    broken = json.loads(target.read_text())
    broken["releases"][0]["tag"] = "planning"
    del broken["releases"][1]["ocid"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    err = io.StringIO()
    with pytest.raises(CommandError, match="not a valid OCDS 1.1 release-package"):
        call_command("ocds", "validate", str(bad), stderr=err)
    assert (
        "releases/0/tag" in err.getvalue()
        and "releases/1" in err.getvalue()
        and "'ocid' is a required" in err.getvalue()
    )
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(CommandError, match="not readable JSON"):
        call_command("ocds", "validate", str(tmp_path / "junk.json"))


def test_cli_validate_exits_non_zero_with_located_problems(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"uri": "x", "releases": [{"id": 1}]}))
    interlocal = Path(sys.executable).with_name("interlocal")
    result = subprocess.run(  # noqa: S603 (our own entry point, fixed arguments)
        [str(interlocal), "ocds", "validate", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "releases/0" in result.stderr and "not a valid OCDS" in result.stderr


def test_build_releases_of_a_planning_only_round(world, clock, demand_round_factory):
    round_ = demand_round_factory(
        consortium=world.capitol, title="Laptops 2028", cut_off_at=T0 + dt.timedelta(days=9)
    )
    process = publication.process_for_ocid(round_.ocid)
    assert process is not None
    [planning] = build_releases(process)
    assert planning["tag"] == ["planning"] and planning["tender"]["status"] == "planning"
    assert validation_errors(planning, "release") == []


# --- the bulk export ----------------------------------------------------------------------------


@pytest.fixture
def more_processes(world, clock, everything, demand_round_factory):
    """…plus a public and a private document, a re-tender from the same round, a standalone
    solicitation and a planning-only round: every kind of process, for the chunked export."""
    sol = everything.solicitation
    for n, public in ((1, True), (2, False)):
        stored = StoredFile.objects.create(
            file=f"doc{n}.pdf", original_name=f"doc{n}.pdf", size=1, sha256="0" * 64, consortium=world.capitol
        )
        SolicitationDocument.objects.create(
            solicitation=sol, title=f"Document {n}", file=stored, public=public,
            created_at=T0 - dt.timedelta(days=40 if public else 1),
        )  # fmt: skip
    make_solicitation(world.capitol, reference_number="IFB-2027-002", demand_round=everything.round)
    make_solicitation(
        world.capitol, reference_number="IFB-9", title="Laptops", questions_deadline=T0 + dt.timedelta(days=3)
    )
    demand_round_factory(consortium=world.capitol, title="Laptops 2028", cut_off_at=T0 + dt.timedelta(days=9))
    return everything


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_the_chunked_export_agrees_with_each_process_read_alone(more_processes, monkeypatch, chunk):
    monkeypatch.setattr(publication, "CHUNK", chunk)
    releases = _export()
    ocids = list(dict.fromkeys(r["ocid"] for r in releases))
    assert len(ocids) == 4 and len({(r["ocid"], r["id"]) for r in releases}) == len(releases)
    alone = [release for ocid in ocids for release in build_releases(publication.process_for_ocid(ocid))]
    assert releases == alone
    assert validation_errors(release_package(releases, **publication.package_header())) == []
    text = json.dumps(releases)
    assert "Document 1" in text and "Document 2" not in text  # only public documents


def test_the_export_reads_a_fixed_number_of_queries(world, more_processes):
    with CaptureQueriesContext(connection) as few:
        _export()
    for n in range(5):
        make_solicitation(world.capitol, reference_number=f"IFB-X{n}", title=f"Chairs {n}")
    with CaptureQueriesContext(connection) as more:
        releases = _export()
    assert len({r["ocid"] for r in releases}) == 9 and len(more) == len(few)


def _by_ocid(releases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for release in releases:
        grouped.setdefault(release["ocid"], []).append(release)
    return grouped


def test_the_process_is_the_one_stamped_at_publication(world, clock, bids_sealed):
    # The round's later solicitation was published first: it continues the round's process.
    first = bids_sealed.solicitation
    Solicitation.objects.filter(pk=first.pk).update(ocds_process=f"solicitation-{first.pk}")
    later = make_solicitation(world.capitol, reference_number="IFB-2027-002", demand_round=bids_sealed.round)
    first.refresh_from_db()
    assert later.ocid == bids_sealed.round.ocid and first.ocid == f"{PREFIX}-solicitation-{first.pk}"
    processes = _by_ocid(_export())
    assert set(processes) == {first.ocid, later.ocid}
    assert processes[later.ocid][0]["tag"] == ["planning"]
    assert processes[later.ocid][-1]["tender"]["id"] == f"solicitation-{later.pk}"
    assert processes[first.ocid][0]["relatedProcesses"][0]["identifier"] == later.ocid
    for ocid, releases in processes.items():
        assert build_releases(publication.process_for_ocid(ocid)) == releases
    # Published without a stamp (a bulk load): the round's first published solicitation takes it.
    Solicitation.objects.update(ocds_process="")
    processes = _by_ocid(_export())
    assert set(processes) == {bids_sealed.round.ocid, f"{PREFIX}-solicitation-{later.pk}"}
    assert processes[bids_sealed.round.ocid][-1]["tender"]["id"] == f"solicitation-{first.pk}"
    for ocid, releases in processes.items():
        assert build_releases(publication.process_for_ocid(ocid)) == releases
