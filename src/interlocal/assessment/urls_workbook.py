"""urls_workbook of the assessment app (included by assessment/urls.py, namespace `assessment`):
a member's Excel workbook for a campaign, downloaded pre-filled and uploaded filled."""

from django.urls import path

from interlocal.assessment import views_workbook

urlpatterns: list = [
    path("responses/<int:pk>/workbook.xlsx", views_workbook.workbook_download, name="workbook_download"),
    path("responses/<int:pk>/workbook/", views_workbook.workbook_upload, name="workbook_upload"),
]
