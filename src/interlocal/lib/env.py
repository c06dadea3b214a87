"""Typed readers for settings taken from the environment.

Every setting of the project is read through one of these so that a wrong value fails at start-up
with a message that names the variable, instead of surfacing later as an obscure error.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "EnvError",
    "env_bool",
    "env_int",
    "env_keys",
    "env_list",
    "env_secret",
    "env_site_url",
    "env_str",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """An environment variable holds a value its setting cannot use."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """The variable as text, or `default` when it is unset."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    """The variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean; use true or false")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """The variable as an integer, at least `minimum` when one is given."""
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise EnvError(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} is below the minimum of {minimum}")
    return number


def env_list(
    name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """The variable as a comma-separated list, blanks dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


def env_secret(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/systemd credentials)."""
    file_name = _raw(f"{name}_FILE", environ)
    if file_name:
        path = Path(file_name)
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvError(f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}") from None
    return env_str(name, default, environ=environ)


def env_keys(name: str, *, length: int = 32, environ: Mapping[str, str] | None = None) -> list[bytes]:
    """Comma-separated base64 keys of `length` bytes each, from NAME or NAME_FILE ([] when unset)."""
    keys = []
    for position, part in enumerate(env_secret(name, environ=environ).split(","), start=1):
        text = part.strip()
        if not text:
            continue
        try:
            key = base64.b64decode(
                text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True
            )
        except (binascii.Error, ValueError):
            raise EnvError(
                f"{name}: key {position} is not base64 (generate one with: openssl rand -base64 {length})"
            ) from None
        if len(key) != length:
            raise EnvError(f"{name}: key {position} decodes to {len(key)} bytes, not {length}")
        keys.append(key)
    return keys


def env_site_url(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """A site's public address, `scheme://host[:port][/prefix]` without a trailing slash ("" when
    unset and no default): the base of every absolute link the site sends out."""
    value = env_str(name, default, environ=environ).strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise EnvError(f"{name}={value!r} is not an http(s) address such as https://interlocal.example.org")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise EnvError(f"{name}={value!r}: give only scheme, host, port and path (no query, #, user)")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise EnvError(f"{name}={value!r} has an invalid port") from None
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
