"""Assessment workbook pages: a member's workbook for a campaign is downloaded and uploaded by the
people who may enter that member's answers — its admins and staff, and the consortium's council on
its behalf. A member's observers get 403; everybody else 404 (they cannot see the response).
"""

from __future__ import annotations

from typing import Any

from interlocal.assessment.models import Response
from tests.assessment.test_workbook_import import make_campaign
from tests.isolation.registry import COUNCIL, SCOPED, Route, Target

MARKER = "ISO-MARKER-ASSESSMENT-WORKBOOK"
AVON_ANSWERERS = COUNCIL | {"ada", "bob"}


def avon_response(world: Any) -> Target:
    """Avon's response to an open Capitol Region campaign (the campaign's name carries the marker)."""
    campaign = make_campaign(world, name=f"Needs {MARKER}")
    response = Response.objects.get(campaign=campaign, member=world.avon)
    return Target(kwargs={"pk": response.pk}, objects=[response, campaign], marker=MARKER)


def avon_response_file(world: Any) -> Target:
    """The same, for the download: an .xlsx is compressed, so no marker can be searched in it."""
    target = avon_response(world)
    return Target(kwargs=target.kwargs, objects=target.objects)


ROUTES = [
    Route("assessment:workbook_download", SCOPED, allowed=AVON_ANSWERERS, build=avon_response_file),
    Route(
        "assessment:workbook_upload",
        SCOPED,
        allowed=AVON_ANSWERERS,
        build=avon_response,
        methods=("GET", "POST"),
        payload={"submit": "on"},
    ),
]
