"""The agreements app (see docs/architecture.md)."""
