"""URLs of the procurement app, namespace `procurement`: planning (demand rounds,
solicitations, vendors, public pages) in urls_planning, bidding (bids, opening, awards,
contracts, savings) in urls_bidding, OCDS bulk downloads in urls_ocds."""

from interlocal.procurement import urls_bidding, urls_ocds, urls_planning

app_name = "procurement"

urlpatterns: list = [*urls_planning.urlpatterns, *urls_bidding.urlpatterns, *urls_ocds.urlpatterns]
