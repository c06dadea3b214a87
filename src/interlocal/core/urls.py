from django.urls import path

from interlocal.core import views
from interlocal.core.search import views as search_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", search_views.search, name="search"),
]
