"""The work inbox ("Waiting on you"): a registry of task providers that apps fill, and its pages.

A topic package of the core app: `registry` (InboxItem, TaskProvider, register_provider,
inbox_for), `views`, `api`, `urls`. See docs/architecture.md, "The work inbox".
"""

from interlocal.core.inbox.registry import (
    InboxAction,
    InboxItem,
    TaskProvider,
    inbox_for,
    provider_kinds,
    register_provider,
)

__all__ = ["InboxAction", "InboxItem", "TaskProvider", "inbox_for", "provider_kinds", "register_provider"]
