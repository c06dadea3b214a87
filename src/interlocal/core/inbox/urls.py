"""The inbox page, included into core's URLs (namespace `core`)."""

from django.urls import path

from interlocal.core.inbox import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
]
