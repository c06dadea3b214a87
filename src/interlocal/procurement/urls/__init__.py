"""URLs of the procurement app, namespace `procurement`: planning (demand rounds, solicitations,
vendors, public pages), bidding (bids, opening, awards, contracts, savings) and OCDS bulk downloads."""

from interlocal.procurement.urls import bidding, ocds, planning

__all__ = ["app_name", "urlpatterns"]

app_name = "procurement"

urlpatterns: list = [*planning.urlpatterns, *bidding.urlpatterns, *ocds.urlpatterns]
