"""Analytics URLs of the assessment app (namespace `assessment`):
benchmarks, the matrix, coalitions, the report and its exports, custom peer groups."""

from django.urls import path

from interlocal.assessment.views import analytics as views

urlpatterns: list = [
    path("campaigns/<int:pk>/benchmarks/", views.benchmarks, name="analytics_benchmarks"),
    path("campaigns/<int:pk>/matrix/", views.matrix, name="analytics_matrix"),
    path("campaigns/<int:pk>/matrix/thresholds/", views.matrix_thresholds, name="analytics_thresholds"),
    path("campaigns/<int:pk>/coalitions/", views.coalitions, name="analytics_coalitions"),
    path("campaigns/<int:pk>/report/", views.report, name="analytics_report"),
    path("campaigns/<int:pk>/report.pdf", views.report_pdf, name="analytics_report_pdf"),
    path("campaigns/<int:pk>/aggregates.csv", views.aggregates_csv, name="analytics_aggregates_csv"),
    path("campaigns/<int:pk>/aggregates.xlsx", views.aggregates_xlsx, name="analytics_aggregates_xlsx"),
    path("peer-groups/", views.peer_groups, name="peer_groups"),
    path("peer-groups/new/", views.peer_group_create, name="peer_group_create"),
    path("peer-groups/<int:pk>/", views.peer_group_detail, name="peer_group_detail"),
    path("peer-groups/<int:pk>/edit/", views.peer_group_edit, name="peer_group_edit"),
    path("peer-groups/<int:pk>/delete/", views.peer_group_delete, name="peer_group_delete"),
]
