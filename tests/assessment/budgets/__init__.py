"""Query budgets of assessment lists by topic (run by tests/test_query_budgets.py)."""
