from django.urls import path

from interlocal.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("consortium/", views.consortium_overview, name="consortium"),
    path("consortium/settings/", views.consortium_settings, name="consortium_settings"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("people/", views.people_list, name="people"),
    path("people/<int:pk>/revoke/", views.revoke_role, name="revoke_role"),
    path("acting-for/", views.switch_context, name="switch"),
]
