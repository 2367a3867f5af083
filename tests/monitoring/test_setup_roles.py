"""Who may open the report template pages (MANAGE_FUNDS), the letters and the exports
(REVIEW_REPORTS): programme officers only; everyone else 403, and nobody signed in is sent to
sign in."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grants.awards.models import ReportKind
from grants.permissions import Role
from tests.awards.factories import finance_officer
from tests.factories import make_user, sign_in
from tests.monitoring import endpoints_setup
from tests.monitoring.factories import award_in_force, report_due

pytestmark = pytest.mark.usefixtures("reference_data")


def _urls(round_, due) -> dict[str, str]:
    base = f"/funds/rounds/{round_.id}/reports"
    return {
        "report_setup.index": f"{base}/",
        "report_setup.preview": f"{base}/final/preview",
        "report_setup.question": f"{base}/final/questions/next",
        "report_setup.remove_question": f"{base}/final/questions/next/remove",
        "monitoring.letters": "/monitoring/letters",
        "monitoring.letter": f"/monitoring/due/{due.id}/letter",
        "monitoring.export_csv": "/monitoring/exports/reports.csv",
        "monitoring.export_xlsx": "/monitoring/exports/outcomes.xlsx",
    }


POST_ONLY = {
    "report_setup.move_question": "/funds/rounds/{round}/reports/final/questions/next/move"
}


def test_every_endpoint_is_checked_here():
    anything = SimpleNamespace(id=1)
    assert set(_urls(anything, anything)) | set(POST_ONLY) == endpoints_setup.ENDPOINTS


@pytest.fixture
def world():
    ready = award_in_force()
    return ready, report_due(ready, ReportKind.INTERIM)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("programme_officer", 200),
        ("finance", 403),
        ("admin", 403),
        ("panel_member", 403),
        ("group_member", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_each_page(client, world, who, expected):
    ready, due = world
    people = {
        "programme_officer": make_user(Role.PROGRAMME_OFFICER),
        "finance": finance_officer(),
        "admin": make_user(Role.ADMIN),
        "panel_member": make_user(Role.PANEL_MEMBER),
        "group_member": ready.member,
    }
    if who != "anonymous":
        sign_in(client, people[who])
    for endpoint, url in _urls(ready.award.round, due).items():
        response = client.get(url)
        response.get_data()  # an export streams: read it to the end
        response.close()
        assert response.status_code == expected, (endpoint, response.status_code)
        if expected == 302:
            assert "/sign-in" in response.headers["Location"]
    for endpoint, template in POST_ONLY.items():
        response = client.post(
            template.format(round=ready.award.round_id), data={"direction": "up"}
        )
        assert response.status_code == (302 if who == "programme_officer" else expected), endpoint
