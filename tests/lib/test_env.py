"""Typed environment readers: good values parse, bad ones name the variable."""

from __future__ import annotations

import pytest

from interlocal.lib.env import EnvError, env_bool, env_int, env_list, env_secret, env_str


def test_env_bool():
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "Off"}) is False
    assert env_bool("X", True, environ={}) is True
    with pytest.raises(EnvError, match="X='maybe' is not a boolean"):
        env_bool("X", environ={"X": "maybe"})


def test_env_int():
    assert env_int("N", 5, environ={}) == 5
    assert env_int("N", 5, environ={"N": " 42 "}) == 42
    with pytest.raises(EnvError, match="N='4x' is not a whole number"):
        env_int("N", 5, environ={"N": "4x"})
    with pytest.raises(EnvError, match="below the minimum of 60"):
        env_int("N", 5, minimum=60, environ={"N": "10"})


def test_env_list_and_str():
    assert env_list("L", environ={"L": "a, b,,c "}) == ["a", "b", "c"]
    assert env_list("L", ["x"], environ={}) == ["x"]
    assert env_str("S", "d", environ={}) == "d"


def test_env_secret_reads_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n", encoding="utf-8")
    assert env_secret("K", environ={"K_FILE": str(secret), "K": "ignored"}) == "s3cret"
    assert env_secret("K", environ={"K": "plain"}) == "plain"
    with pytest.raises(EnvError, match="K_FILE='/nonexistent/key' cannot be read"):
        env_secret("K", environ={"K_FILE": "/nonexistent/key"})
