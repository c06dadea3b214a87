"""URLs of the assessment app, namespace `assessment`: the core (templates, campaigns, answering),
the member's Excel workbook, and analytics (benchmarks, matrix, coalitions, report, peer groups)."""

from interlocal.assessment.urls import analytics, core, workbook

__all__ = ["app_name", "urlpatterns"]

app_name = "assessment"

urlpatterns: list = [*core.urlpatterns, *workbook.urlpatterns, *analytics.urlpatterns]
