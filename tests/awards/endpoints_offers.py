"""Endpoints of the offers pages, each checked for every role in tests/awards."""

ENDPOINTS: set[str] = set()
