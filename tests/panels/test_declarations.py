"""Declarations of interest: before any detail, what a conflict does, officers recording and
waiving interests, and the round's register (page and CSV)."""

from __future__ import annotations

import csv
import io

import pytest

from grants import transaction
from grants.audit import AuditEvent
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.panels import declarations, scoring
from grants.panels.models import AssignmentStatus, InterestKind
from tests.checks import error_messages, soup_of
from tests.factories import sign_in
from tests.panels.member_setup import assigned, scores

pytestmark = pytest.mark.usefixtures("reference_data")


def test_an_interest_needs_a_description_and_a_known_kind():
    setting = assigned(declared=False)
    with pytest.raises(InvalidInput) as raised:
        declarations.declare(setting.member, setting.application, "financial", "  ")
    assert raised.value.errors == {"description": "Describe your interest in this application"}
    with pytest.raises(InvalidInput) as raised:
        declarations.declare(setting.member, setting.application, "bribery", "x")
    assert "kind" in raised.value.errors
    with pytest.raises(InvalidInput):
        declarations.declare(setting.member, setting.application, "other", "x" * 2001)


def test_the_declaration_page_reports_a_missing_description(client):
    setting = assigned(declared=False)
    sign_in(client, setting.member)
    response = client.post(
        f"/scoring/{setting.application.id}/declare", data={"kind": "family_or_friend"}
    )
    assert error_messages(response) == ["Describe your interest in this application"]


def test_declaring_no_conflict_opens_the_application(client):
    setting = assigned(declared=False)
    sign_in(client, setting.member)
    response = client.post(f"/scoring/{setting.application.id}/declare", data={"kind": "none"})
    assert response.location.endswith(f"/scoring/{setting.application.id}")
    page = client.get(f"/scoring/{setting.application.id}").get_data(as_text=True)
    assert setting.application.title in page


def test_a_member_cannot_turn_their_own_conflict_back_into_no_conflict():
    setting = assigned(declared=False)
    declarations.declare(setting.member, setting.application, "financial", "I sell them paint")
    with pytest.raises(NotAllowed):
        declarations.declare(setting.member, setting.application, "none")


def test_a_conflict_declared_after_scoring_removes_the_score_from_every_figure():
    setting = assigned()
    sheet = scoring.submit(
        setting.member, setting.member, setting.application, scores(setting, 4, 3, 2)
    )
    assert scoring.counted_sheets(setting.application) == [sheet]
    assert scoring.scores_in(setting.application)[0] == 1
    declarations.record_for_member(
        setting.officer, setting.member, setting.application, "group_member", "Joined last week"
    )
    assert scoring.counted_sheets(setting.application) == []
    assert scoring.scores_in(setting.application)[0] == 0
    db.session.refresh(sheet)
    assert sheet.is_submitted and len(sheet.scores) == 3  # kept for the audit trail


def test_an_officer_records_for_a_member_and_waives_with_a_reason():
    setting = assigned(declared=False)
    declaration = declarations.record_for_member(
        setting.officer, setting.member, setting.application, "other", "Told me by phone"
    )
    assert declaration.recorded_by_id == setting.officer.id and declaration.is_conflict
    with pytest.raises(InvalidInput):
        declarations.waive(setting.officer, declaration, " ")
    with pytest.raises(NotAllowed):
        declarations.waive(setting.member, declaration, "I say so")
    declarations.waive(setting.officer, declaration, "Not a conflict")
    assert not declaration.is_conflict
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "panel.interest_declared" in actions and "panel.interest_waived" in actions


def test_a_member_declines_with_a_reason(client):
    setting = assigned(declared=False)
    sign_in(client, setting.member)
    refused = client.post(f"/scoring/{setting.application.id}/decline", data={"decline-reason": ""})
    assert error_messages(refused) == ["Enter a reason"]
    client.post(f"/scoring/{setting.application.id}/decline", data={"decline-reason": "Away"})
    db.session.expire_all()
    row = scoring.progress_of(setting.member).rows[0]
    assert row.assignment.status == AssignmentStatus.DECLINED and row.state == "Declined"


def test_the_register_page_and_csv_list_every_declaration(client):
    setting = assigned(declared=False, group_name="Hartley Trust")
    declarations.declare(setting.member, setting.application, "financial", "=HYPERLINK(evil)")
    sign_in(client, setting.officer)
    page = soup_of(client.get(f"/scoring/rounds/{setting.round.id}/interests")).get_text()
    assert "Maya Member" in page and "Conflict: not taking part" in page
    response = client.get(f"/scoring/rounds/{setting.round.id}/interests.csv")
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == declarations.CSV_HEADER
    assert rows[1][2:7] == [
        "Hartley Trust",
        "Maya Member",
        InterestKind.FINANCIAL.label,
        "'=HYPERLINK(evil)",
        "Conflict: not taking part",
    ]


def test_an_officer_waives_and_records_through_the_register_page(client):
    setting = assigned(declared=False)
    declaration = declarations.declare(setting.member, setting.application, "other", "Met once")
    sign_in(client, setting.officer)
    client.post(f"/scoring/declarations/{declaration.id}/waive", data={"waive-reason": "Fine"})
    db.session.expire_all()
    assert declaration.waiver_reason == "Fine"
    response = client.post(
        f"/scoring/rounds/{setting.round.id}/interests",
        data={"member": "x", "application": "", "kind": "none"},
    )
    assert set(error_messages(response)) == {"Choose a panel member", "Choose an application"}
    client.post(
        f"/scoring/rounds/{setting.round.id}/interests",
        data={
            "member": str(setting.member.id),
            "application": str(setting.application.id),
            "kind": "financial",
            "description": "Found out: paid them last year",
        },
    )
    db.session.expire_all()
    assert declaration.kind == InterestKind.FINANCIAL and declaration.is_conflict


def test_members_cannot_reach_the_register(client):
    setting = assigned()
    sign_in(client, setting.member)
    assert client.get(f"/scoring/rounds/{setting.round.id}/interests").status_code == 403
    assert client.get(f"/scoring/rounds/{setting.round.id}/interests.csv").status_code == 403
    transaction.commit()
