"""Notification pages, included into core's URLs (namespace `core`)."""

from django.urls import path

from interlocal.core.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_preferences, name="notification_preferences"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
