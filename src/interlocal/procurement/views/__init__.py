"""Procurement's pages, by topic: demand rounds, solicitations (staff), the public listing,
vendors, bidding (bids, opening, tabulation, awards, contracts, savings), OCDS downloads and the
dashboard card. URLs in procurement/urls/."""

__all__ = ["bidding", "cards", "common", "ocds", "public", "rounds", "solicitations", "vendors"]
