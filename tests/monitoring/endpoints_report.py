"""Endpoints of the group's report form, each checked for every role in
tests/monitoring/test_report_access.py."""

ENDPOINTS: set[str] = {
    "reports.start",
    "reports.task_list",
    "reports.what_happened",
    "reports.recording",
    "reports.remove_recording",
    "reports.spending",
    "reports.outcomes",
    "reports.questions",
    "reports.check",
    "reports.declaration",
    "reports.sent",
    "reports.pdf",
}
