"""Typed environment readers: good values parse, bad ones name the variable."""

from __future__ import annotations

import pytest

from interlocal.lib.env import EnvError, env_bool, env_int, env_keys, env_list, env_secret, env_str


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


def test_env_keys(tmp_path):
    import base64

    one, two = b"\x01" * 32, b"\xfb" * 32
    std, url = base64.b64encode(two).decode(), base64.urlsafe_b64encode(two).decode().rstrip("=")
    assert env_keys("K", environ={}) == []
    assert env_keys("K", environ={"K": f"{base64.b64encode(one).decode()}, {std}"}) == [one, two]
    assert env_keys("K", environ={"K": url}) == [two]
    path = tmp_path / "k"
    path.write_text(std + "\n")
    assert env_keys("K", environ={"K_FILE": str(path)}) == [two]
    with pytest.raises(EnvError, match="key 1 is not base64"):
        env_keys("K", environ={"K": "not base64!"})
    with pytest.raises(EnvError, match="key 1 decodes to 16 bytes, not 32"):
        env_keys("K", environ={"K": base64.b64encode(b"x" * 16).decode()})
