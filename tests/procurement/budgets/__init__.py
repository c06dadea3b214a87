"""Query budgets of procurement lists by topic (run by tests/test_query_budgets.py)."""
