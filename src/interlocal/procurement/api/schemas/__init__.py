"""Schemas of the procurement API, by topic."""

__all__ = ["bidding", "planning"]
