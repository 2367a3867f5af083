"""Endpoints of the finance pages, each checked for every role in tests/awards."""

ENDPOINTS: set[str] = set()
