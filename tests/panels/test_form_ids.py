"""Ids that arrive in form fields: one that names nothing, or cannot be an id at all ('²', a
number past the 64-bit range, '-1', 'abc', nothing), is a form error or a 404, never a 500."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.panels.meeting_models import Decision, DecisionOutcome, MeetingAttendance
from tests.factories import sign_in
from tests.panels.meeting_setup import decline_reason, quorate_meeting, scored_round
from tests.panels.member_setup import assigned

NOT_IDS = ["²", "99999999999999999999", "9223372036854775808", "-1", "0", "abc", "", "12345678"]


@pytest.fixture
def register(client, reference_data):
    setting = assigned(declared=False)
    sign_in(client, setting.officer)
    return setting


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_interests_form_refuses_a_member_who_is_not_one(client, register, value):
    response = client.post(
        f"/scoring/rounds/{register.round.id}/interests",
        data={
            "member": value,
            "application": str(register.application.id),
            "kind": "none",
        },
    )
    assert response.status_code == 200
    assert "Choose a panel member" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_interests_form_refuses_an_application_that_is_not_one(client, register, value):
    response = client.post(
        f"/scoring/rounds/{register.round.id}/interests",
        data={"member": str(register.member.id), "application": value, "kind": "none"},
    )
    assert response.status_code == 200
    assert "Choose an application" in response.get_data(as_text=True)


def test_the_interests_form_without_a_member_is_a_form_error(client, register):
    response = client.post(
        f"/scoring/rounds/{register.round.id}/interests",
        data={"application": str(register.application.id), "kind": "none"},
    )
    assert response.status_code == 200
    assert "Choose a panel member" in response.get_data(as_text=True)


@pytest.fixture
def meeting(client, reference_data):
    scored = scored_round(levels=(5, 3))
    quorate_meeting(scored)
    db.session.commit()
    sign_in(client, scored.officer)
    return scored


@pytest.mark.parametrize("value", NOT_IDS)
def test_attendance_refuses_someone_who_is_not_a_member(client, meeting, value):
    before = {a.user_id for a in db.session.query(MeetingAttendance)}
    response = client.post(
        f"/panels/meetings/rounds/{meeting.round.id}/attendance",
        data={"attending": [str(meeting.members[0].id), value], "min_members": "1"},
    )
    assert response.status_code == 200
    assert "Choose members of this panel" in response.get_data(as_text=True)
    db.session.expire_all()
    assert {a.user_id for a in db.session.query(MeetingAttendance)} == before


@pytest.mark.parametrize("value", [v for v in NOT_IDS if v])
def test_a_decline_reason_that_is_not_one_is_a_form_error(client, meeting, value):
    decline_reason()
    application = meeting.applications[-1]
    response = client.post(
        f"/panels/meetings/rounds/{meeting.round.id}/applications/{application.id}",
        data={
            "outcome": DecisionOutcome.DECLINE.value,
            "rationale": "Below the line",
            "decline_reason": value,
            "decline_detail": "Another project does this",
        },
    )
    assert response.status_code == 200
    assert "Choose a reason from the list" in response.get_data(as_text=True)
    assert db.session.query(Decision).filter_by(application_id=application.id).count() == 0
