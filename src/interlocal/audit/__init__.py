"""The append-only, hash-chained audit trail.

Use `from interlocal import audit` and call `audit.record(actor, "app.thing.changed", obj,
before=..., after=...)` from `do_*` functions. The functions are imported lazily so that this
package can be imported before Django's app registry is ready.
"""

from __future__ import annotations

from typing import Any

__all__ = ["record", "record_denied", "snapshot"]


def record(*args: Any, **kwargs: Any) -> Any:
    """See audit.recorder.record."""
    from interlocal.audit.recorder import record as _record

    return _record(*args, **kwargs)


def record_denied(*args: Any, **kwargs: Any) -> Any:
    """See audit.recorder.record_denied."""
    from interlocal.audit.recorder import record_denied as _record_denied

    return _record_denied(*args, **kwargs)


def snapshot(*args: Any, **kwargs: Any) -> Any:
    """See audit.recorder.snapshot."""
    from interlocal.audit.recorder import snapshot as _snapshot

    return _snapshot(*args, **kwargs)
