"""Endpoints of the payments pages, each checked for every role in tests/awards."""

ENDPOINTS: set[str] = set()
