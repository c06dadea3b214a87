"""Planning URLs of the procurement app (included by procurement/urls.py, namespace `procurement`):
demand rounds, solicitations (staff), the public listing and feed, vendor pages."""

from django.urls import path

from interlocal.procurement.feeds import OpenSolicitationsFeed
from interlocal.procurement.views import public, rounds, solicitations, vendors

urlpatterns: list = [
    # demand rounds
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/items/", rounds.round_item_add, name="round_item_add"),
    path("rounds/<int:pk>/items/<int:item_pk>/delete/", rounds.round_item_delete, name="round_item_delete"),
    path("rounds/<int:pk>/invite/", rounds.round_invite, name="round_invite"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/join/", rounds.round_join, name="round_join"),
    path("rounds/<int:pk>/demand/", rounds.round_demand, name="round_demand"),
    path("rounds/<int:pk>/entries/", rounds.round_entries, name="round_entries"),
    path("rounds/<int:pk>/summary/", rounds.round_demand_summary, name="round_summary"),
    # solicitations (consortium staff)
    path("solicitations/", solicitations.solicitation_list, name="solicitations"),
    path("solicitations/new/", solicitations.solicitation_create, name="solicitation_create"),
    path("solicitations/<int:pk>/", solicitations.solicitation_detail, name="solicitation_detail"),
    path("solicitations/<int:pk>/edit/", solicitations.solicitation_edit, name="solicitation_edit"),
    path("solicitations/<int:pk>/items/", solicitations.solicitation_item_add, name="solicitation_item_add"),
    path(
        "solicitations/<int:pk>/items/<int:item_pk>/delete/",
        solicitations.solicitation_item_delete,
        name="solicitation_item_delete",
    ),
    path(
        "solicitations/<int:pk>/criteria/",
        solicitations.solicitation_criterion_add,
        name="solicitation_criterion_add",
    ),
    path(
        "solicitations/<int:pk>/criteria/<int:criterion_pk>/delete/",
        solicitations.solicitation_criterion_delete,
        name="solicitation_criterion_delete",
    ),
    path(
        "solicitations/<int:pk>/documents/",
        solicitations.solicitation_document_add,
        name="solicitation_document_add",
    ),
    path("solicitations/<int:pk>/publish/", solicitations.solicitation_publish, name="solicitation_publish"),
    path("solicitations/<int:pk>/cancel/", solicitations.solicitation_cancel, name="solicitation_cancel"),
    path("solicitations/<int:pk>/addenda/new/", solicitations.addendum_create, name="addendum_create"),
    path("settings/", solicitations.procurement_settings, name="settings"),
    path("questions/<int:pk>/answer/", solicitations.question_answer, name="question_answer"),
    path("vendors/", vendors.vendor_list, name="vendors"),
    path("vendors/<int:pk>/", vendors.vendor_status, name="vendor_status"),
    # public (no sign-in)
    path("open/", public.public_list, name="public_list"),
    path("open/feed/", OpenSolicitationsFeed(), name="public_feed"),
    path("open/<int:pk>/", public.public_detail, name="public_solicitation"),
    path("open/<int:pk>/documents/<int:doc_pk>/", public.public_document, name="public_document"),
    path(
        "open/<int:pk>/addenda/<int:addendum_pk>/document/",
        public.public_addendum_document,
        name="public_addendum_document",
    ),
    # vendors
    path("vendors/register/", vendors.vendor_register, name="vendor_register"),
    path("vendors/verify/resend/", vendors.vendor_verify_resend, name="vendor_verify_resend"),
    path("vendors/verify/<str:token>/", vendors.vendor_verify, name="vendor_verify"),
    path("vendors/accept/<str:token>/", vendors.vendor_accept, name="vendor_accept"),
    path("vendor/", vendors.vendor_dashboard, name="vendor_dashboard"),
    path("vendor/profile/", vendors.vendor_profile, name="vendor_profile"),
    path("vendor/people/", vendors.vendor_users, name="vendor_users"),
    path("vendor/solicitations/<int:pk>/", vendors.vendor_solicitation, name="vendor_solicitation"),
    path("vendor/solicitations/<int:pk>/follow/", vendors.vendor_follow, name="vendor_follow"),
    path("vendor/solicitations/<int:pk>/ask/", vendors.vendor_ask, name="vendor_ask"),
    path("vendor/addenda/<int:pk>/acknowledge/", vendors.vendor_acknowledge, name="vendor_acknowledge"),
]
