"""The services app (see docs/architecture.md)."""
