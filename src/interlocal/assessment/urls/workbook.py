"""Workbook URLs of the assessment app (namespace `assessment`):
a member's Excel workbook for a campaign, downloaded pre-filled and uploaded filled."""

from django.urls import path

from interlocal.assessment.views import workbook as views_workbook

urlpatterns: list = [
    path("responses/<int:pk>/workbook.xlsx", views_workbook.workbook_download, name="workbook_download"),
    path("responses/<int:pk>/workbook/", views_workbook.workbook_upload, name="workbook_upload"),
]
