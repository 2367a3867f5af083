"""Endpoints of the officers' monitoring queue and review pages, each checked for every role in
tests/monitoring/test_review_pages.py."""

ENDPOINTS: set[str] = {
    "monitoring.queue",
    "monitoring.queue_csv",
    "monitoring.review",
    "monitoring.accept",
    "monitoring.request_changes",
    "monitoring.due_date",
    "monitoring.enter",
}
