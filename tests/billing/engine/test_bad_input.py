"""Bad input to the engine and to `interlocal charges compute`: exit 2, `path: reason`, no stdout."""

from __future__ import annotations

import io
import json
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from interlocal.billing.engine import BASIS, InputError, compute

PERIOD = {"start": "2027-01-01", "end": "2027-03-31"}


def problems(rule, participants=None, amount="1.00"):
    data = {"period": PERIOD, "rule": rule, "participants": participants or [{"id": "a"}]}
    if amount is not None:
        data["amount"] = amount
    with pytest.raises(InputError) as info:
        compute(data)
    return info.value.lines()


@pytest.mark.parametrize("rule", [r for r, basis in BASIS.items() if basis])
def test_missing_basis_names_the_field(rule):
    params = {"base_fraction": "0.5"} if rule == "base_plus_usage" else {}
    params |= {"unit_price": "1"} if rule == "unit_price" else {}
    amount = None if rule == "unit_price" else "1.00"
    lines = problems({"kind": rule, **params}, [{"id": "a"}], amount)
    assert lines == [f"participants[0].{BASIS[rule]}: missing (the rule {rule} needs it)"]


@pytest.mark.parametrize(
    ("rule", "line"),
    [
        ({"kind": "base_plus_usage"}, "rule.base_fraction: missing (the rule base_plus_usage needs it)"),
        ({"kind": "unit_price"}, "rule.unit_price: missing (the rule unit_price needs it)"),
        ({"kind": "unit_price", "unit_price": "-1"}, "rule.unit_price: must not be negative"),
        ({"kind": "base_plus_usage", "base_fraction": "1.01"}, "rule.base_fraction: must be between 0 and 1"),
        ({"kind": "base_plus_usage", "base_fraction": "-0.1"}, "rule.base_fraction: must not be negative"),
        ({"kind": "base_plus_usage", "base_fraction": "x"}, "rule.base_fraction: must be a number"),
    ],
)
def test_bad_rule_parameters(rule, line):
    people = [{"id": "a", "usage": 1, "units": 1}]
    lines = problems(rule, people, None if rule["kind"] == "unit_price" else "1.00")
    assert len(lines) == 1
    assert lines[0].startswith(line)


@pytest.mark.parametrize("amount", ["-1.00", -5])
def test_negative_amount(amount):
    assert problems({"kind": "equal"}, amount=amount) == ["amount: must not be negative"]


def _command(*args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", stdin)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("charges", "compute", *args, stdout=out, stderr=err)
    return info.value.code, out.getvalue(), err.getvalue()


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    code, out, err = _command(str(path))
    assert (code, out) == (2, "")
    assert err.strip() == f"{path}: cannot read: No such file or directory"


def test_unreadable_file(tmp_path):
    code, out, err = _command(str(tmp_path))  # a directory
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path}: cannot read:")


def test_file_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"x": "\xe9"}')
    code, out, err = _command(str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: cannot read:")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "<stdin>: not valid JSON (line 1, column 1"),
        ("{x", "<stdin>: not valid JSON (line 1, column 2"),
        ("[]", 'input: must be a JSON object with "period", "rule", "participants"'),
        ("9" * 5000, "<stdin>: not valid JSON"),
        ("[" * 100_000, "<stdin>: not valid JSON"),
    ],
)
def test_bad_stdin(monkeypatch, text, reason):
    code, out, err = _command("-", stdin=StringIO(text), monkeypatch=monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith(reason)


def test_stdin_not_utf8(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe{"), encoding="utf-8")
    code, out, err = _command("-", stdin=stdin, monkeypatch=monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("<stdin>: cannot read:")


def test_good_stdin(monkeypatch):
    data = {"period": PERIOD, "amount": "1.00", "rule": {"kind": "equal"}, "participants": [{"id": "a"}]}
    monkeypatch.setattr(sys, "stdin", StringIO(json.dumps(data)))
    out = StringIO()
    call_command("charges", "compute", "-", stdout=out)
    assert json.loads(out.getvalue())["total"] == "1.00"
