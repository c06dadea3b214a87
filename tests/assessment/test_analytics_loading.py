"""Loading a campaign's answers into arrays: the same rows on every database (PostgreSQL packs
them into one binary value, other databases go through the cursor)."""

from __future__ import annotations

from typing import Any

import pytest

from interlocal.assessment.analytics import _answer_arrays
from interlocal.assessment.models import Answer, Response
from tests.assessment.test_analytics_fixtures import CampaignWorld, build_campaign


@pytest.fixture
def cw(world: Any) -> CampaignWorld:
    return build_campaign(world)


def _expected(campaign_id: int) -> list[tuple[int, int, float]]:
    return sorted(
        Answer.objects.filter(
            campaign_id=campaign_id, response__status=Response.Status.SUBMITTED, num__isnull=False
        ).values_list("member_id", "question_id", "num")
    )


def test_numeric_answers_of_submitted_responses_only(cw: CampaignWorld) -> None:
    campaign = cw.campaign
    Response.objects.filter(campaign=campaign, member=cw.members["Dover"]).update(
        status=Response.Status.IN_PROGRESS
    )
    member, question, value = _answer_arrays(campaign.pk)
    got = sorted(zip(member.tolist(), question.tolist(), value.tolist(), strict=True))
    assert got == _expected(campaign.pk)
    assert cw.members["Dover"].pk not in set(member.tolist())
    assert len(got) > 0
    assert (member.dtype, question.dtype, value.dtype) == ("int64", "int64", "float64")


def test_no_answers_gives_empty_arrays(cw: CampaignWorld) -> None:
    Response.objects.filter(campaign=cw.campaign).update(status=Response.Status.IN_PROGRESS)
    member, question, value = _answer_arrays(cw.campaign.pk)
    assert (len(member), len(question), len(value)) == (0, 0, 0)
    assert value.dtype == "float64"
