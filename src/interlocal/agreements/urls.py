from django.urls import path

from interlocal.agreements import views
from interlocal.agreements.views import files, lifecycle

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/parties/add/", lifecycle.party_add, name="party_add"),
    path("<int:pk>/amend/", lifecycle.agreement_amend, name="amend"),
    path("<int:pk>/documents/generate/", files.document_generate, name="document_generate"),
    path(
        "<int:pk>/<str:action>/",
        lifecycle.agreement_transition,
        name="transition",
    ),
    path("parties/<int:pk>/remove/", lifecycle.party_remove, name="party_remove"),
    path("parties/<int:pk>/signatories/add/", lifecycle.signatory_add, name="signatory_add"),
    path("parties/<int:pk>/sign/", lifecycle.party_sign, name="party_sign"),
    path("parties/<int:pk>/withdraw/", lifecycle.party_withdraw, name="party_withdraw"),
    path("signatories/<int:pk>/remove/", lifecycle.signatory_remove, name="signatory_remove"),
    path("signatures/<int:pk>/signed.pdf", files.signature_pdf, name="signature_pdf"),
    path("versions/<int:pk>/", lifecycle.version_diff, name="version_diff"),
    path("documents/<int:pk>/download/", files.document_download, name="document_download"),
    path("templates/", files.template_list, name="templates"),
    path("templates/<str:kind>/", files.template_edit, name="template_edit"),
    path("calendar/", files.calendar_token, name="calendar"),
    path("calendar/consortium/<int:pk>.ics", files.calendar_consortium, name="calendar_consortium"),
    path("calendar/member/<int:pk>.ics", files.calendar_member, name="calendar_member"),
]
