from django.urls import path

from interlocal.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.front_door, name="front_door"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
