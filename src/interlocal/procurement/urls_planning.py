"""urls_planning of the procurement app (included by procurement/urls.py, namespace `procurement`):
demand rounds, solicitations (staff), the public listing and feed, vendor pages."""

from django.urls import path

from interlocal.procurement import views_planning as v
from interlocal.procurement.feeds import OpenSolicitationsFeed

urlpatterns: list = [
    # demand rounds
    path("rounds/", v.round_list, name="rounds"),
    path("rounds/new/", v.round_create, name="round_create"),
    path("rounds/<int:pk>/", v.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", v.round_edit, name="round_edit"),
    path("rounds/<int:pk>/items/", v.round_item_add, name="round_item_add"),
    path("rounds/<int:pk>/items/<int:item_pk>/delete/", v.round_item_delete, name="round_item_delete"),
    path("rounds/<int:pk>/invite/", v.round_invite, name="round_invite"),
    path("rounds/<int:pk>/open/", v.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", v.round_close, name="round_close"),
    path("rounds/<int:pk>/join/", v.round_join, name="round_join"),
    path("rounds/<int:pk>/demand/", v.round_demand, name="round_demand"),
    path("rounds/<int:pk>/entries/", v.round_entries, name="round_entries"),
    path("rounds/<int:pk>/summary/", v.round_demand_summary, name="round_summary"),
    # solicitations (consortium staff)
    path("solicitations/", v.solicitation_list, name="solicitations"),
    path("solicitations/new/", v.solicitation_create, name="solicitation_create"),
    path("solicitations/<int:pk>/", v.solicitation_detail, name="solicitation_detail"),
    path("solicitations/<int:pk>/edit/", v.solicitation_edit, name="solicitation_edit"),
    path("solicitations/<int:pk>/items/", v.solicitation_item_add, name="solicitation_item_add"),
    path(
        "solicitations/<int:pk>/items/<int:item_pk>/delete/",
        v.solicitation_item_delete,
        name="solicitation_item_delete",
    ),
    path("solicitations/<int:pk>/criteria/", v.solicitation_criterion_add, name="solicitation_criterion_add"),
    path(
        "solicitations/<int:pk>/criteria/<int:criterion_pk>/delete/",
        v.solicitation_criterion_delete,
        name="solicitation_criterion_delete",
    ),
    path("solicitations/<int:pk>/documents/", v.solicitation_document_add, name="solicitation_document_add"),
    path("solicitations/<int:pk>/publish/", v.solicitation_publish, name="solicitation_publish"),
    path("solicitations/<int:pk>/cancel/", v.solicitation_cancel, name="solicitation_cancel"),
    path("solicitations/<int:pk>/addenda/new/", v.addendum_create, name="addendum_create"),
    path("questions/<int:pk>/answer/", v.question_answer, name="question_answer"),
    path("vendors/", v.vendor_list, name="vendors"),
    path("vendors/<int:pk>/", v.vendor_status, name="vendor_status"),
    # public (no sign-in)
    path("open/", v.public_list, name="public_list"),
    path("open/feed/", OpenSolicitationsFeed(), name="public_feed"),
    path("open/<int:pk>/", v.public_detail, name="public_solicitation"),
    path("open/<int:pk>/documents/<int:doc_pk>/", v.public_document, name="public_document"),
    path(
        "open/<int:pk>/addenda/<int:addendum_pk>/document/",
        v.public_addendum_document,
        name="public_addendum_document",
    ),
    # vendors
    path("vendors/register/", v.vendor_register, name="vendor_register"),
    path("vendors/verify/resend/", v.vendor_verify_resend, name="vendor_verify_resend"),
    path("vendors/verify/<str:token>/", v.vendor_verify, name="vendor_verify"),
    path("vendors/accept/<str:token>/", v.vendor_accept, name="vendor_accept"),
    path("vendor/", v.vendor_dashboard, name="vendor_dashboard"),
    path("vendor/profile/", v.vendor_profile, name="vendor_profile"),
    path("vendor/people/", v.vendor_users, name="vendor_users"),
    path("vendor/solicitations/<int:pk>/", v.vendor_solicitation, name="vendor_solicitation"),
    path("vendor/solicitations/<int:pk>/follow/", v.vendor_follow, name="vendor_follow"),
    path("vendor/solicitations/<int:pk>/ask/", v.vendor_ask, name="vendor_ask"),
    path("vendor/addenda/<int:pk>/acknowledge/", v.vendor_acknowledge, name="vendor_acknowledge"),
]
