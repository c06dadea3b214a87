"""Open contracting data (OCDS): public to everyone, without a token. Only published processes
appear, and nothing about bids before the opening (tests/procurement/test_ocds_publication.py)."""

from __future__ import annotations

from typing import Any

from tests.isolation.registry import PUBLIC, Route, Target
from tests.procurement.factories import make_joint_purchase

P = "/api/v1"


def published_process(world: Any) -> Target:
    jp = make_joint_purchase(world, title="Road salt ISO-OCDS", reference="ISO-OCDS-1")
    return Target(kwargs={"ocid": jp.solicitation.ocid}, objects=[jp.solicitation])


def capitol_download(world: Any) -> Target:
    make_joint_purchase(world, title="Road salt ISO-OCDS", reference="ISO-OCDS-2")
    return Target(kwargs={"pk": world.capitol.pk, "fmt": "json.gz"})


ROUTES = [
    Route("procurement:ocds_downloads", PUBLIC, note="consortia publishing OCDS, with download links"),
    Route("procurement:ocds_download", PUBLIC, build=capitol_download, note="streamed release package"),
    Route(f"GET {P}/ocds/releases", PUBLIC, note="streamed release package of every published process"),
    Route(f"GET {P}/ocds/releases/{{ocid}}", PUBLIC, build=published_process),
    Route(f"GET {P}/ocds/records/{{ocid}}", PUBLIC, build=published_process),
]
