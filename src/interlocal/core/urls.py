from django.urls import path

from interlocal.core import views
from interlocal.core.inbox import urls as inbox_urls
from interlocal.core.notifications import urls as notification_urls
from interlocal.core.search import views as search_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.front_door, name="front_door"),
    path("dashboard/", views.dashboard, name="dashboard"),
    *inbox_urls.urlpatterns,
    *notification_urls.urlpatterns,
    path("search/", search_views.search, name="search"),
]
