"""Endpoints of the report's story and changes sections and of finance's answers, each checked
for every role in tests/monitoring/test_story_access.py."""

ENDPOINTS: set[str] = {
    "reports.story",
    "reports.story_photos",
    "reports.remove_photo",
    "reports.photo",
    "reports.changes",
    "reports.ask_for_change",
    "reports.remove_change",
    "monitoring.changes_list",
    "monitoring.answer_change",
}
