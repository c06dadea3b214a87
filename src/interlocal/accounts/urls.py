"""Account pages at /account/ (allauth's sign-in, password and MFA screens are at /accounts/)."""

from django.urls import path

from interlocal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/<int:pk>/disable/", views.person_disable, name="person_disable"),
    path("people/<int:pk>/enable/", views.person_enable, name="person_enable"),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
