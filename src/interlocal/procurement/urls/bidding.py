"""Bidding URLs of the procurement app (included by procurement/urls.py, namespace `procurement`):
sealed bids, opening, tabulation, award, contracts, piggybacking, savings."""

from django.urls import path

from interlocal.procurement.views import bidding as v
from interlocal.procurement.views import vendor_area

urlpatterns: list = [
    # vendors
    path("solicitations/<int:pk>/bid/", v.bid_submit, name="bid_submit"),
    path("my-bids/", vendor_area.vendor_bids_page, name="vendor_bids"),
    path("vendor/awards/", vendor_area.vendor_awards, name="vendor_awards"),
    path("vendor/contracts/", vendor_area.vendor_contracts_page, name="vendor_contracts"),
    path("bids/<int:pk>/", v.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/withdraw/", v.bid_withdraw, name="bid_withdraw"),
    path("bids/documents/<int:pk>/", v.bid_document, name="bid_document"),
    # consortium staff
    path("solicitations/<int:pk>/bids/", v.bids, name="bids"),
    path("solicitations/<int:pk>/bids/open/", v.bids_open, name="bids_open"),
    path("solicitations/<int:pk>/tabulation/", v.tabulation, name="tabulation"),
    path("solicitations/<int:pk>/award/", v.award, name="award"),
    path("bids/<int:pk>/responsiveness/", v.bid_responsiveness, name="bid_responsiveness"),
    path("bids/<int:pk>/score/", v.bid_score, name="bid_score"),
    # contracts and savings
    path("contracts/", v.contracts, name="contracts"),
    path("contracts/cooperative/", v.cooperative_contracts, name="cooperative_contracts"),
    path("contracts/<int:pk>/", v.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/join/", v.contract_join, name="contract_join"),
    path("contracts/<int:pk>/openness/", v.contract_openness, name="contract_openness"),
    path("contracts/<int:pk>/amend/", v.contract_amend, name="contract_amend"),
    path("contracts/<int:pk>/documents/", v.contract_document_add, name="contract_document_add"),
    path("savings/", v.savings, name="savings"),
]
