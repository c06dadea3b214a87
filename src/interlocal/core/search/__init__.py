"""Global search: the registry modules fill (`register_search`) and the one backend that runs it.

See docs/architecture.md, "Search".
"""

from interlocal.core.search.registry import SearchProvider, provider_for, providers, register_search

__all__ = ["SearchProvider", "provider_for", "providers", "register_search"]
