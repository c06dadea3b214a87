"""The pure tabulation engine (ranks, lowest bid per item, totals, ties, exclusions, big numbers)
and the key-encryption key rules of crypto.py."""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest

from interlocal.procurement.tabulation import tabulate, tabulate_decimal, to_minor, weighted_scores

D = Decimal


def test_ranks_lowest_and_totals():
    result = tabulate_decimal(
        [[D("10.00"), D("5.00")], [D("9.00"), D("6.00")], [D("9.00"), None]],
        [D("100"), D("2.5")],
        [True, True, True],
    )
    assert result.ranks.tolist() == [[3, 1], [1, 2], [1, 0]]  # competition ranks: 1, 1, 3
    assert result.lowest.tolist() == [1, 0]  # the earlier bid wins the tie
    assert [result.total(b) for b in range(3)] == [D("1012.50"), D("915.00"), D("900.00")]
    assert result.complete.tolist() == [True, True, False]
    assert result.total_ranks.tolist() == [2, 1, 0]  # the incomplete bid is not ranked on totals
    assert result.lowest_total() == 1
    assert result.extended(2, 1) is None


def test_non_responsive_bids_and_lines_are_excluded():
    result = tabulate_decimal(
        [[D("1.00"), D("1.00")], [D("2.00"), D("2.00")]],
        [D("1"), D("1")],
        [False, True],
        line_responsive=[[True, True], [True, False]],
    )
    assert result.ranks.tolist() == [[0, 0], [1, 0]]
    assert result.lowest.tolist() == [1, -1]
    assert result.total_ranks.tolist() == [0, 1]


def test_exact_money_with_huge_figures_uses_python_integers():
    big = D("99999999999999.99")
    result = tabulate_decimal([[big], [D("1.00")]], [D("99999999999999.9999")], [True, True])
    with localcontext() as ctx:
        ctx.prec = 80
        expected = (big * D("99999999999999.9999")).quantize(D("0.01"))
    assert result.total(0) == expected
    assert result.ranks.tolist() == [[2], [1]]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="decimal places"):
        to_minor(D("1.005"), 2)
    with pytest.raises(ValueError, match="negative"):
        tabulate(np.array([[-1]]), np.array([[True]]), np.array([1]), np.array([True]))
    with pytest.raises(ValueError, match="one entry per item"):
        tabulate(np.array([[1, 2]]), np.array([[True, True]]), np.array([1]), np.array([True]))


def test_no_bids():
    result = tabulate_decimal([], [D("5")], [])
    assert result.lowest.tolist() == [-1] and result.lowest_total() == -1


def test_weighted_scores():
    scores = np.array([[80.0, 50.0], [60.0, np.nan]])
    assert weighted_scores(scores, [D(70), D(30)]).round(2).tolist() == [71.0, 42.0]
    with pytest.raises(ValueError):
        weighted_scores(scores, [0, 0])


# --- The key-encryption key (crypto.py) ------------------------------------------------------------
def test_production_refuses_to_run_without_a_bid_key(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from interlocal.procurement import crypto

    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    monkeypatch.delenv(f"{crypto.KEY_ENV}_FILE", raising=False)
    settings.PRODUCTION = True
    assert [m.id for m in crypto.check_bid_key()] == ["procurement.E001"]
    with pytest.raises(ImproperlyConfigured, match="required in production"):
        crypto.gen_keypair("solicitation:1")
    monkeypatch.setenv(crypto.KEY_ENV, "not base64!")
    assert [m.id for m in crypto.check_bid_key()] == ["procurement.E002"]


def test_bid_key_from_a_file_and_its_fingerprint(settings, monkeypatch, tmp_path):
    import base64

    from interlocal.procurement import crypto

    key_file = tmp_path / "bid.key"
    key_file.write_text(base64.b64encode(b"k" * 32).decode())
    monkeypatch.setenv(f"{crypto.KEY_ENV}_FILE", str(key_file))
    settings.PRODUCTION = True
    assert crypto.check_bid_key() == []
    pair = crypto.gen_keypair("solicitation:7")
    assert pair.kek_id == crypto.kek_id()
    sealed = crypto.seal(pair.public_key, b"61.50", "bid:X:prices")
    monkeypatch.setenv(f"{crypto.KEY_ENV}_FILE", "")
    monkeypatch.setenv(crypto.KEY_ENV, base64.b64encode(b"z" * 32).decode())
    with pytest.raises(crypto.SealedError):  # another KEK cannot unwrap the solicitation's key
        crypto.unwrap_private_key(pair.wrapped_private_key, "solicitation:7")
    assert b"61.50" not in sealed
