from django.urls import path

from interlocal.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.home, name="home"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/issue/", views.run_issue, name="run_issue"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/invoice.csv", views.invoice_csv, name="invoice_csv"),
    path("invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path("invoices/<int:pk>/credit/", views.invoice_credit, name="invoice_credit"),
    path("credit-notes/<int:pk>/", views.credit_note_detail, name="credit_note_detail"),
    path("benefits/", views.benefits, name="benefits"),
    path("members/<int:member_pk>/", views.member_page, name="member"),
]
