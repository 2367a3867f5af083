"""Who may open each page of the group's report: the group's members and programme officers
(who may enter it for the group) write it; staff who see all groups read it; anyone else gets
404, and someone signed out is sent to sign in."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from grants.awards.models import ReportKind
from grants.monitoring.report import services
from grants.permissions import Role
from tests.factories import make_group, make_user, sign_in
from tests.monitoring import endpoints_report
from tests.monitoring.report_world import fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\x00" * 64
WRITERS = ("member", "officer")
READERS = ("finance", "admin", "bank_details_viewer")
OUTSIDERS = ("panel_member", "other_group", "no_role")


def _urls(sent, draft, recording_id) -> dict[str, tuple[str, str]]:
    s, d = f"/reports/{sent.id}", f"/reports/{draft.id}"
    return {
        "reports.start": ("GET", f"/reports/due/{draft.report_due_id}/start"),
        "reports.task_list": ("GET", d),
        "reports.what_happened": ("GET", f"{d}/what-happened"),
        "reports.recording": ("GET", f"{d}/recording/{recording_id}"),
        "reports.remove_recording": ("POST", f"{d}/recording/999999/remove"),
        "reports.spending": ("GET", f"{d}/spending"),
        "reports.outcomes": ("GET", f"{d}/outcomes"),
        "reports.questions": ("GET", f"{d}/questions"),
        "reports.check": ("GET", f"{s}/check"),
        "reports.declaration": ("GET", f"{d}/declaration"),
        "reports.sent": ("GET", f"{s}/sent"),
        "reports.pdf": ("GET", f"{s}/pdf/1"),
    }


# What each kind of person gets, page by page, where it differs from "writers 200, readers
# 200, outsiders 404".
WRITE_ONLY = {"reports.what_happened", "reports.spending", "reports.outcomes",
              "reports.questions", "reports.declaration"}  # fmt: skip
EXPECTED = {
    "reports.start": {"member": 302, "officer": 302, "reader": 403},  # started: to its task list
    "reports.task_list": {"reader": 302},  # readers are shown the report itself
    "reports.remove_recording": {"member": 302, "officer": 302, "reader": 403},
    **{endpoint: {"reader": 403} for endpoint in WRITE_ONLY},
}


def expected_status(endpoint: str, who: str) -> int:
    if who == "anonymous":
        return 302
    if who in OUTSIDERS:
        return 404
    special = EXPECTED.get(endpoint, {})
    return special.get("reader" if who in READERS else who, 200)


@pytest.fixture
def reports():
    w = world()
    sent = fill(w, started(w))
    services.send(w.member, sent, "Sam Member", "Chair", True)
    draft = started(w, ReportKind.FINAL)
    services.save_what_happened(
        w.member, draft, "", recording=FileStorage(io.BytesIO(MP3), "talk.mp3")
    )
    return w, sent, draft, draft.recording().id


def test_every_report_endpoint_is_checked_here():
    class Any:
        id = report_due_id = 1

    assert set(_urls(Any, Any, 1)) == endpoints_report.ENDPOINTS


@pytest.mark.parametrize("who", [*WRITERS, *READERS, *OUTSIDERS, "anonymous"])
def test_who_may_open_each_report_page(client, reports, who):
    w, sent, draft, recording_id = reports
    people = {
        "member": lambda: w.member,
        "officer": lambda: make_user(Role.PROGRAMME_OFFICER),
        "finance": lambda: make_user(Role.FINANCE_OFFICER),
        "admin": lambda: make_user(Role.ADMIN),
        "bank_details_viewer": lambda: make_user(Role.BANK_DETAILS_VIEWER),
        "panel_member": lambda: make_user(Role.PANEL_MEMBER),
        "other_group": lambda: make_group(make_user(), name="Another Group").main_contact,
        "no_role": lambda: make_user(),
    }
    if who != "anonymous":
        sign_in(client, people[who]())
    for endpoint, (method, url) in _urls(sent, draft, recording_id).items():
        response = client.open(url, method=method)
        response.get_data()
        response.close()
        assert response.status_code == expected_status(endpoint, who), (endpoint, who)
        if who == "anonymous":
            assert "/sign-in" in response.headers["Location"]
