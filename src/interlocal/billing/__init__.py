"""The billing app (see docs/architecture.md)."""
