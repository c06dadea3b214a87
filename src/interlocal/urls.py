"""The site's URL map."""

from django.urls import include, path

from interlocal.api import api
from interlocal.core import views as core_views

urlpatterns = [
    path("", include("interlocal.core.urls")),
    path("", include("interlocal.tenancy.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("interlocal.accounts.urls")),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
