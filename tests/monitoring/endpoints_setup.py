"""Endpoints of the report template pages, the letters to groups without email, and the
monitoring exports, each checked for every role in tests/monitoring/test_setup_roles.py."""

ENDPOINTS: set[str] = {
    "report_setup.index",
    "report_setup.preview",
    "report_setup.question",
    "report_setup.remove_question",
    "report_setup.move_question",
    "monitoring.letters",
    "monitoring.letter",
    "monitoring.export_csv",
    "monitoring.export_xlsx",
}
