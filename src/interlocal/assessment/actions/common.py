"""Common."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from interlocal.tenancy.scoping import is_council

if TYPE_CHECKING:
    pass

__all__ = ["MAX_TEXT_LENGTH", "is_council_of"]


MAX_TEXT_LENGTH = 5000


_YES = {"yes", "y", "true", "1", "oui", "x"}


_NO = {"no", "n", "false", "0", "non"}


_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_council_of(user: Any, consortium_id: int) -> bool:
    """Whether `user` is an admin or staff of the consortium as a whole."""
    return is_council(user, consortium_id)
