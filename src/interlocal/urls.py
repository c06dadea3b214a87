"""The site's URL map."""

from django.urls import include, path

from interlocal.api import api
from interlocal.core import files as core_files
from interlocal.core import views as core_views

urlpatterns = [
    path("", include("interlocal.core.urls")),
    path("", include("interlocal.tenancy.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("interlocal.accounts.urls")),
    path("api/v1/", api.urls),
    path("audit/", include("interlocal.audit.urls")),
    path("taxonomy/", include("interlocal.taxonomy.urls")),
    path("assessment/", include("interlocal.assessment.urls")),
    path("costing/", include("interlocal.costing.urls")),
    path("procurement/", include("interlocal.procurement.urls")),
    path("services/", include("interlocal.services.urls")),
    path("agreements/", include("interlocal.agreements.urls")),
    path("billing/", include("interlocal.billing.urls")),
    path("files/<int:pk>/", core_files.download, name="file_download"),
    path("healthz", core_views.healthz, name="healthz"),
]
