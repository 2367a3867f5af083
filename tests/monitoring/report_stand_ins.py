"""Stand-ins for the report pages another part of monitoring builds (the task list, starting a
report, its PDFs), so the story, changes and award-page tests can follow their links before
those pages exist. Once the real endpoints are registered this fixture does nothing, and it can
go."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from grants.permissions import signed_in

STAND_INS = {
    "reports.task_list": "/reports/<int:report_id>",
    "reports.start": "/reports/due/<int:report_due_id>/start",
    "reports.pdf": "/reports/<int:report_id>/pdf/<int:version>",
}


@pytest.fixture
def report_pages(app):
    for endpoint, rule in STAND_INS.items():
        if endpoint in app.view_functions:
            continue

        @signed_in
        def stand_in(**_arguments):
            return "Report page stand-in"

        app.view_functions[endpoint] = stand_in
        app.url_map.add(Rule(rule, endpoint=endpoint, methods=["GET"]))
    return app
