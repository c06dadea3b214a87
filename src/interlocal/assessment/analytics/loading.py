"""Loading a campaign's submitted answers and contract-end dates into arrays (binary records on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max

from interlocal.assessment.models import Answer, Campaign, PeerGroup, Question, Response

if TYPE_CHECKING:
    pass
from interlocal.assessment.analytics.results import min_members

__all__ = ["ANSWER_RECORDS_SQL", "ANSWER_SQL", "DATE_RECORDS_SQL", "DATE_SQL"]


def _member_rows(campaign: Campaign) -> list[tuple[int, str, str, int | None, str]]:
    """Members with a submitted response: (id, name, kind, population, visibility)."""
    return list(
        Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED)
        .order_by("member__name", "member_id")
        .values_list("member_id", "member__name", "member__kind", "member__population", "visibility")
    )


def _question_rows(campaign: Campaign) -> list[tuple[Any, ...]]:
    return list(
        Question.objects.filter(version_id=campaign.template_version_id)
        .order_by("section__order", "order", "pk")
        .values_list(
            "pk",
            "code",
            "text",
            "kind",
            "dimension",
            "unit",
            "section__area_id",
            "section__area__name",
            "section__area__code",
        )
    )


def _custom_groups(consortium_id: int) -> list[tuple[int, str, list[int]]]:
    """The consortium's custom peer groups with their member ids (two queries)."""
    groups = list(
        PeerGroup.objects.filter(consortium_id=consortium_id).order_by("name", "pk").values_list("pk", "name")
    )
    through = PeerGroup.members.through
    links: dict[int, list[int]] = {pk: [] for pk, _n in groups}
    for gid, mid in through.objects.filter(peergroup__consortium_id=consortium_id).values_list(
        "peergroup_id", "member_id"
    ):
        links.setdefault(gid, []).append(mid)
    return [(pk, name, sorted(links.get(pk, []))) for pk, name in groups]


ANSWER_SQL = (
    "SELECT a.member_id, a.question_id, a.num FROM {answer} a "
    "JOIN {response} r ON r.id = a.response_id "
    "WHERE a.campaign_id = %s AND r.campaign_id = %s AND r.status = %s AND a.num IS NOT NULL"
)


# PostgreSQL packs the answers into one bytea of fixed-size binary records, (response id, question
# id, num) as big-endian int4, int4, float8: one value that numpy reads in place, instead of one
# message per row (COPY) or one Python tuple per row (a cursor). One record per answer keeps the
# three columns aligned by construction. A bytea holds at most 1 GB: 67 million answers. The
# answers of responses not submitted are dropped in numpy, by response id (see _answer_arrays):
# a join to the responses here cost PostgreSQL a third more than the whole pass over the answers.
ANSWER_RECORDS_SQL = (
    "SELECT string_agg(int4send(a.response_id::int4) || int4send(a.question_id::int4) || float8send(a.num), "
    "''::bytea) FROM {answer} a "
    "WHERE a.campaign_id = %s AND a.num IS NOT NULL"
)


_ANSWER_RECORD = np.dtype([("r", ">i4"), ("q", ">i4"), ("v", ">f8")])


def _binary_value(sql: str, params: list[int | str]) -> bytes:
    """The one bytea value a PostgreSQL query returns, as raw bytes (b"" for NULL or no row).

    A plain psycopg cursor (server-side binding) with binary results, so the value is not sent as
    hex text to decode; Django's own cursors bind client-side and read text only. Wrapped like
    Django's cursors, so the query is logged and counted like any other.
    """
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    # django-stubs type these with Django's wrapper; at run time they wrap the driver's cursor.
    make = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    wrapped = make(raw)  # type: ignore[arg-type]
    with wrapped as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def _answer_arrays(campaign_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member id, question id, num) of every numeric answer of a submitted response.

    On PostgreSQL the database packs the rows into one binary value that numpy reads without a
    Python object per row, and a second, small query names the submitted responses and their
    members; other databases go through the cursor in one query (slower; tests, demos).
    """
    tables = {"answer": Answer._meta.db_table, "response": Response._meta.db_table}
    params: list[int | str] = [campaign_id, campaign_id, str(Response.Status.SUBMITTED)]
    if connection.vendor == "postgresql":
        submitted = np.array(
            Response.objects.filter(campaign_id=campaign_id, status=Response.Status.SUBMITTED)
            .order_by("pk")
            .values_list("pk", "member_id"),
            dtype=np.int64,
        ).reshape(-1, 2)
        records = np.frombuffer(
            _binary_value(ANSWER_RECORDS_SQL.format(**tables), [campaign_id]), dtype=_ANSWER_RECORD
        )
        if not len(submitted) or not len(records):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
        # Member of each answer's response, -1 for a response not submitted: a lookup table over
        # the campaign's response ids (a few per member: one table entry each).
        response = records["r"].astype(np.int64)
        low, high = int(response.min()), int(response.max())
        table = np.full(high - low + 1, -1, dtype=np.int64)
        inside = (submitted[:, 0] >= low) & (submitted[:, 0] <= high)
        table[submitted[inside, 0] - low] = submitted[inside, 1]
        member = table[response - low]
        keep = member >= 0
        return member[keep], records["q"][keep].astype(np.int64), records["v"][keep].astype(np.float64)
    with connection.cursor() as cursor:
        cursor.execute(ANSWER_SQL.format(**tables), params)
        fetched = cursor.fetchall()
    if not fetched:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    arr = np.array(fetched, dtype=np.float64)
    return arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]


DATE_SQL = (
    "SELECT a.member_id, a.question_id, a.date FROM {answer} a "
    "JOIN {response} r ON r.id = a.response_id "
    "JOIN {question} q ON q.id = a.question_id "
    "WHERE a.campaign_id = %s AND r.campaign_id = %s AND r.status = %s AND q.kind = %s "
    "AND a.date IS NOT NULL"
)


# As ANSWER_RECORDS_SQL: (member id, question id, days since 2000-01-01) as big-endian int4s.
DATE_RECORDS_SQL = (
    "SELECT string_agg(int4send(a.member_id::int4) || int4send(a.question_id::int4) "
    "|| int4send(a.date - DATE '2000-01-01'), ''::bytea) FROM {answer} a "
    "JOIN {response} r ON r.id = a.response_id "
    "JOIN {question} q ON q.id = a.question_id "
    "WHERE a.campaign_id = %s AND r.campaign_id = %s AND r.status = %s AND q.kind = %s "
    "AND a.date IS NOT NULL"
)


_DATE_RECORD = np.dtype([("m", ">i4"), ("q", ">i4"), ("d", ">i4")])


_DATE_EPOCH = dt.date(2000, 1, 1).toordinal()


def _date_arrays(campaign_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member id, question id, day ordinal) of the date answers of submitted responses."""
    tables = {
        "answer": Answer._meta.db_table,
        "response": Response._meta.db_table,
        "question": Question._meta.db_table,
    }
    params: list[int | str] = [
        campaign_id,
        campaign_id,
        str(Response.Status.SUBMITTED),
        str(Question.Kind.DATE),
    ]
    if connection.vendor == "postgresql":
        records = np.frombuffer(_binary_value(DATE_RECORDS_SQL.format(**tables), params), dtype=_DATE_RECORD)
        return (
            records["m"].astype(np.int64),
            records["q"].astype(np.int64),
            records["d"].astype(np.int64) + _DATE_EPOCH,
        )
    with connection.cursor() as cursor:
        cursor.execute(DATE_SQL.format(**tables), params)
        fetched = cursor.fetchall()
    # SQLite hands dates over as ISO text; other backends as dates.
    days = [
        (d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))).toordinal() for _m, _q, d in fetched
    ]
    return (
        np.array([m for m, _q, _d in fetched], dtype=np.int64),
        np.array([q for _m, q, _d in fetched], dtype=np.int64),
        np.array(days, dtype=np.int64),
    )


def _contract_ends(
    dates: tuple[np.ndarray, np.ndarray, np.ndarray],
    member_ids: np.ndarray,
    member_order: np.ndarray,
    question_ids: np.ndarray,
    question_order: np.ndarray,
    question_area: np.ndarray,
) -> dict[tuple[int, int], dt.date]:
    """The earliest date answer per (member index, area index), over the date questions of areas."""
    d_member, d_question, d_day = dates
    m_idx, m_ok = _index_of(member_ids, member_order, d_member)
    q_idx, q_ok = _index_of(question_ids, question_order, d_question)
    keep = m_ok & q_ok
    area = np.where(keep, question_area[q_idx] if len(question_area) else -1, -1)
    keep &= area >= 0
    m_idx, area, day = m_idx[keep], area[keep], d_day[keep]
    if not len(day):
        return {}
    key = m_idx * (int(area.max()) + 1) + area
    order = np.lexsort((day, key))  # by (member, area), earliest first
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]]
    return {
        (m, a): dt.date.fromordinal(d)
        for m, a, d in zip(m_idx[first].tolist(), area[first].tolist(), day[first].tolist(), strict=True)
    }


def _stamp(campaign: Campaign, members: list[Any], custom: list[Any]) -> str:
    """What the analysis depends on: responses' last change, members, groups, thresholds and k."""
    last = Response.objects.filter(campaign=campaign).aggregate(last=Max("updated_at"), n=Count("pk"))
    text = repr(
        (
            campaign.pk,
            campaign.template_version_id,
            campaign.priority_threshold,
            campaign.readiness_threshold,
            min_members(),
            last,
            members,
            custom,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _index_of(ids: np.ndarray, order: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `wanted` ids in `ids` (through its argsort), and which were found.

    Database ids are dense enough for a lookup table (one gather per answer); far sparser ids
    fall back to a binary search.
    """
    if ids.size == 0:
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    lowest, highest = int(ids[order[0]]), int(ids[order[-1]])
    if lowest >= 0 and highest < 8 * (len(ids) + len(wanted)) + 65536:
        table = np.full(highest + 2, -1, dtype=np.int64)  # the last slot: any id out of range
        table[ids] = np.arange(len(ids))
        inside = (wanted >= 0) & (wanted <= highest)
        pos = table[np.where(inside, wanted, highest + 1)]
        found = pos >= 0
        return np.where(found, pos, 0), found
    sorted_ids = ids[order]
    pos = np.searchsorted(sorted_ids, wanted)
    pos = np.clip(pos, 0, len(ids) - 1)
    found = sorted_ids[pos] == wanted
    return order[pos], found
