"""The site's URLs plus one pattern nobody registered: proves the completeness check reports it."""

from django.http import HttpResponse
from django.urls import path

from interlocal.urls import urlpatterns as site_urlpatterns


def unregistered_probe(request):
    return HttpResponse("not registered anywhere")


urlpatterns = [
    *site_urlpatterns,
    path("isolation-probe/<int:pk>/", unregistered_probe, name="isolation_probe"),
]
