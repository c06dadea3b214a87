"""The service desk (see docs/servicedesk.md and docs/architecture.md)."""
