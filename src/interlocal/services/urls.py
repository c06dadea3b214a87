"""URLs of the services app, mounted at /services/."""

from django.urls import path

from interlocal.services import views

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="services"),
    path("new/", views.service_create, name="service_create"),
    path("<int:pk>/", views.service_detail, name="service_detail"),
    path("<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("<int:pk>/subscriptions/", views.service_subscriptions, name="service_subscriptions"),
    path("<int:pk>/subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("subscriptions/", views.my_subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("subscriptions/<int:pk>/change/", views.subscription_change, name="subscription_change"),
    path("members/<int:member_pk>/subscriptions/", views.member_subscriptions, name="member_subscriptions"),
    path("usage/", views.usage_list, name="usage"),
    path("usage/new/", views.usage_create, name="usage_create"),
    path("usage/upload/", views.usage_upload, name="usage_upload"),
    path("usage/template.csv", views.usage_template, name="usage_template"),
    path("public/<slug:slug>/", views.public_catalog, name="public_catalog"),
]
