"""Needs assessment: workbook templates, campaigns, answers, benchmarks, matrix, coalitions, report."""
