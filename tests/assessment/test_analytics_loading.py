"""Loading a campaign's answers into arrays: the same rows on every database (PostgreSQL packs
them into one binary value, other databases go through the cursor)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from interlocal.assessment.analytics.loading import _answer_arrays, _contract_ends, _date_arrays, _index_of
from interlocal.assessment.models import Answer, Question, Response
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


def test_date_answers_of_submitted_responses_only(cw: CampaignWorld) -> None:
    campaign = cw.campaign
    Response.objects.filter(campaign=campaign, member=cw.members["Dover"]).update(
        status=Response.Status.IN_PROGRESS
    )
    member, question, day = _date_arrays(campaign.pk)
    expected = sorted(
        (m, q, d.toordinal())
        for m, q, d in Answer.objects.filter(
            campaign_id=campaign.pk,
            response__status=Response.Status.SUBMITTED,
            question__kind=Question.Kind.DATE,
            date__isnull=False,
        ).values_list("member_id", "question_id", "date")
    )
    assert sorted(zip(member.tolist(), question.tolist(), day.tolist(), strict=True)) == expected
    assert len(expected) > 0


def test_contract_end_is_the_earliest_date_per_member_and_area() -> None:
    member_ids = np.array([30, 10, 20])  # member index 0, 1, 2
    question_ids = np.array([7, 8, 9])  # questions 7 and 8 in area 1, 9 in no area
    question_area = np.array([1, 1, -1])
    d = dt.date
    dates = (
        np.array([10, 10, 20, 20, 99]),
        np.array([7, 8, 7, 9, 7]),
        np.array([d(2028, 5, 1), d(2027, 3, 1), d(2029, 1, 1), d(2026, 1, 1), d(2026, 1, 1)]),
    )
    days = np.array([x.toordinal() for x in dates[2]])
    ends = _contract_ends(
        (dates[0], dates[1], days),
        member_ids,
        np.argsort(member_ids),
        question_ids,
        np.argsort(question_ids),
        question_area,
    )
    # Member 10 (index 1): the earlier of its two area-1 dates; member 20 (index 2): its area-1 date
    # only (question 9 has no area); member 99 is not a participant.
    assert ends == {(1, 1): d(2027, 3, 1), (2, 1): d(2029, 1, 1)}


@pytest.mark.parametrize("offset", [0, 10**12])  # dense ids (lookup table) and sparse ones (search)
def test_index_of_finds_positions_and_misses(offset: int) -> None:
    ids = np.array([50, 7, 23, 8]) + offset
    wanted = np.array([23, 7, 99, 50, 8, -1, 6]) + offset
    pos, found = _index_of(ids, np.argsort(ids), wanted)
    assert found.tolist() == [True, True, False, True, True, False, False]
    assert pos[found].tolist() == [2, 1, 0, 3]
