"""Joint procurement: demand rounds, solicitations, sealed bids, awards, contracts, savings, OCDS."""
