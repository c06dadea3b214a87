"""Costing: cost models of shared services and fair, stable cost allocation (see docs/costing.md)."""
