"""OCDS URLs of the procurement app (included by procurement/urls.py, namespace `procurement`):
public bulk downloads of open contracting data."""

from django.urls import path, re_path

from interlocal.procurement.views import ocds as views_ocds

urlpatterns: list = [
    path("open/data/", views_ocds.ocds_downloads, name="ocds_downloads"),
    re_path(
        r"^open/data/(?P<pk>[0-9]+)\.(?P<fmt>json|json\.gz)$", views_ocds.ocds_download, name="ocds_download"
    ),
]
