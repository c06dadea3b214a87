"""Reading a command's JSON input (a file, or `-` for stdin) with errors that name where.

Used by `interlocal charges compute` and `interlocal servicedesk due`: every failure is one
`JsonFileError(name, reason)`, which each command turns into its own `path: reason` line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["JsonFileError", "read_json"]


class JsonFileError(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def _refuse_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a JSON number")


def read_json(path: str) -> Any:
    """The JSON value in `path` (`-`: stdin). NaN and Infinity are refused, as JSON has neither."""
    name = "<stdin>" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise JsonFileError(name, f"cannot read: {reason}") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            name, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise JsonFileError(name, "not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # NaN / Infinity, or an integer of more than 4,300 digits
        raise JsonFileError(name, f"not valid JSON ({exc})") from None
