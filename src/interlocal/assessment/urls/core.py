"""URLs of the assessment core: templates, campaigns and answering."""

from django.urls import path

from interlocal.assessment import views

urlpatterns: list = [
    # Campaigns (the app's home page) and the staff progress page.
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/launch/", views.campaign_launch, name="campaign_launch"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    # Answering.
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/save/", views.response_save, name="response_save"),
    path("responses/<int:pk>/visibility/", views.response_visibility, name="response_visibility"),
    path("responses/<int:pk>/submit/", views.response_submit, name="response_submit"),
    path("responses/<int:pk>/reopen/", views.response_reopen, name="response_reopen"),
    # Templates.
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/new-version/", views.template_new_version, name="template_new_version"),
    path("templates/<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/questions/new/", views.question_create, name="question_create"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
]
