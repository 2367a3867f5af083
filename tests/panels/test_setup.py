"""Officers set up a round's panel: its rules, members, whom members represent, composition
against targets, rotation across rounds, and moving eligible applications to the panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from grants.applications.states import ApplicationStatus
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.extensions import db
from grants.panels import composition, services
from grants.panels.models import Panel, PanelProfile, PanelSeat, Representation
from grants.permissions import Role
from grants.reference.models import Neighbourhood
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.panels.factories import (
    eligible_application,
    make_panel,
    panel_member,
    scoring_round,
)

R = Representation


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    sign_in(client, user)
    return user


def _settings(**overrides) -> dict:
    values = {
        "min_scorers": "3",
        "community_majority": "y",
        "min_young_people": "2",
        "min_faith_members": "1",
        "rotation_after": "2",
        "disagreement_sd": "12",
        "disagreement_range": "25",
        "closes_on": ["15", "1", "2027"],
        "closes_at_time": "17:00",
        "indicative_allocations": "y",
    }
    values.update(overrides)
    return values


# The panel and its rules -----------------------------------------------------------------------


def test_the_officer_sets_up_the_panel_once_even_when_the_button_is_pressed_twice(client, officer):
    round_ = scoring_round()
    page = client.get(f"/panels/rounds/{round_.id}")
    assert "Set up the panel" in page.get_data(as_text=True)
    for _ in range(2):
        response = client.post(f"/panels/rounds/{round_.id}/open")
        assert response.status_code == 302
    assert db.session.scalar(select(func.count(Panel.id))) == 1
    page = client.get(f"/panels/rounds/{round_.id}")
    assert "Scorers for each application" in page.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "panel.opened")
        )
        == 1
    )


def test_settings_are_saved_in_uk_time_and_audited(client, officer):
    panel = make_panel(scoring_round())
    response = client.post(f"/panels/rounds/{panel.round_id}/settings", data=_settings())
    assert response.status_code == 302, error_messages(response)
    db.session.refresh(panel)
    assert (panel.min_scorers, panel.min_young_people, panel.rotation_after) == (3, 2, 2)
    assert (panel.disagreement_sd, panel.disagreement_range) == (12, 25)
    assert panel.indicative_allocations
    assert panel.scoring_closes_at.replace(tzinfo=UTC) == datetime(2027, 1, 15, 17, tzinfo=UTC)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "panel.settings_changed")
    )
    assert event.before["min_scorers"] == 5 and event.after["min_scorers"] == 3
    page = client.get(f"/panels/rounds/{panel.round_id}/settings")
    soup = soup_of(page)
    assert soup.find("input", {"name": "closes_at_time"})["value"] == "17:00"
    assert soup.find("input", {"name": "indicative_allocations"}).has_attr("checked")


def test_every_settings_error_is_shown_at_once_and_input_kept(client, officer):
    panel = make_panel(scoring_round())
    response = client.post(
        f"/panels/rounds/{panel.round_id}/settings",
        data=_settings(
            min_scorers="0",
            min_young_people="lots",
            rotation_after="",
            disagreement_sd="-1",
            closes_on=["31", "2", "2027"],
            closes_at_time="25:00",
        ),
    )
    assert response.status_code == 200
    messages = error_messages(response)
    assert "Enter the number of scorers for each application as a whole number from 1 to 100" in (
        messages
    )
    assert "Enter the number of young people as a whole number, like 5" in messages
    assert "Enter the number of panels in a row" in messages
    assert "Enter the standard deviation as a whole number from 0 to 100" in messages
    assert any("real date" in message for message in messages)
    assert soup_of(response).find("input", {"name": "min_young_people"})["value"] == "lots"
    db.session.refresh(panel)
    assert panel.min_scorers == 5


def test_a_time_without_a_date_is_refused(client, officer):
    panel = make_panel(scoring_round())
    response = client.post(
        f"/panels/rounds/{panel.round_id}/settings",
        data=_settings(closes_on=["", "", ""], closes_at_time="17:00"),
    )
    assert error_messages(response) == ["Enter the date scoring closes, or clear the time"]


# Members -----------------------------------------------------------------------------------------


def test_the_officer_adds_a_panel_member_once_and_removes_them(client, officer):
    panel = make_panel(scoring_round())
    member = panel_member(name="Ada Resident")
    make_user(Role.PROGRAMME_OFFICER, name="Not A Member")
    page = client.get(f"/panels/rounds/{panel.round_id}/members/add")
    options = [o.get_text() for o in soup_of(page).select("select[name=member] option")]
    assert any("Ada Resident" in o for o in options)
    assert not any("Not A Member" in o for o in options)
    for _ in range(2):  # a double submit
        response = client.post(
            f"/panels/rounds/{panel.round_id}/members/add", data={"member": str(member.id)}
        )
        assert response.status_code == 302
    assert db.session.scalar(select(func.count(PanelSeat.id))) == 1
    page = client.get(f"/panels/rounds/{panel.round_id}/members/add")
    assert not soup_of(page).select("select[name=member]")  # nobody else to add
    seat = db.session.scalar(select(PanelSeat))
    response = client.post(f"/panels/rounds/{panel.round_id}/members/{seat.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(PanelSeat.id))) == 0


def test_only_people_holding_the_panel_member_role_can_be_added(client, officer):
    panel = make_panel(scoring_round())
    outsider = make_user(name="Someone Else")
    response = client.post(
        f"/panels/rounds/{panel.round_id}/members/add", data={"member": str(outsider.id)}
    )
    assert error_messages(response) == ["Select a person who holds the panel member role"]
    response = client.post(f"/panels/rounds/{panel.round_id}/members/add", data={"member": "x"})
    assert error_messages(response) == ["Select a person who holds the panel member role"]
    assert db.session.scalar(select(func.count(PanelSeat.id))) == 0


def test_the_member_list_is_searchable_and_paginated(client, officer):
    panel = make_panel(scoring_round())
    for number in range(55):
        panel_member(name=f"Member {number:02d}")
    panel_member(name="Zainab Unusual")
    page = client.get(f"/panels/rounds/{panel.round_id}/members/add")
    assert len(soup_of(page).select("select[name=member] option")) == 51  # 50 and the prompt
    assert "page 1 of 2" in page.get_data(as_text=True)
    page = client.get(f"/panels/rounds/{panel.round_id}/members/add?search=zainab")
    options = soup_of(page).select("select[name=member] option")
    assert [o.get_text() for o in options[1:]] == [
        next(o.get_text() for o in options if "Zainab" in o.get_text())
    ]


def test_a_member_who_started_scoring_stays_on_the_panel(client, officer, reference_data):
    from tests.panels.factories import record_score

    round_ = scoring_round()
    member = panel_member()
    panel = make_panel(round_, [member])
    application = eligible_application(round_)
    services.move_to_panel(officer, panel, application)
    from grants.panels import assignment

    assignment.assign(officer, panel, assignment.AssignmentMode.ALL_TO_ALL)
    record_score(application, round_.criteria[0], member, score=3)
    seat = db.session.scalar(select(PanelSeat))
    response = client.post(f"/panels/rounds/{panel.round_id}/members/{seat.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(PanelSeat.id))) == 1


# Profiles and composition ------------------------------------------------------------------------


def test_a_member_records_whom_they_represent(client, reference_data):
    member = make_user(Role.PANEL_MEMBER)
    sign_in(client, member)
    ward = db.session.scalar(select(Neighbourhood).order_by(Neighbourhood.name))
    response = client.post(
        "/panels/profile",
        data={"representation": "faith", "organisation": "St Mary's", "neighbourhood": ward.id},
    )
    assert response.status_code == 302, error_messages(response)
    profile = db.session.get(PanelProfile, member.id)
    assert profile.representation == R.FAITH
    assert profile.home_neighbourhood_id == ward.id and profile.recorded_by_id is None


def test_a_profile_needs_a_representation_and_a_real_neighbourhood(client, reference_data):
    member = make_user(Role.PANEL_MEMBER)
    sign_in(client, member)
    response = client.post("/panels/profile", data={"representation": "", "neighbourhood": ""})
    assert error_messages(response) == ["Select whom the member represents"]
    response = client.post(
        "/panels/profile", data={"representation": "mayor", "neighbourhood": "999999"}
    )
    assert set(error_messages(response)) == {
        "Select whom the member represents",
        "Select a neighbourhood from the list",
    }
    assert db.session.get(PanelProfile, member.id) is None


def test_an_officer_records_a_profile_for_a_member_without_a_computer(client, officer):
    member = make_user(Role.PANEL_MEMBER, name="Paper Person")
    panel = make_panel(scoring_round(), [member])
    seat = db.session.scalar(select(PanelSeat))
    response = client.post(
        f"/panels/rounds/{panel.round_id}/members/{seat.id}/profile",
        data={"representation": "young_person"},
    )
    assert response.status_code == 302, error_messages(response)
    profile = db.session.get(PanelProfile, member.id)
    assert profile.representation == R.YOUNG_PERSON and profile.recorded_by_id == officer.id
    page = client.get(f"/panels/rounds/{panel.round_id}")
    assert "entered by an officer" in page.get_data(as_text=True)


def test_an_officer_cannot_edit_the_profile_through_another_rounds_panel(client, officer):
    member = panel_member()
    make_panel(scoring_round(), [member])
    other = make_panel(scoring_round())
    seat = db.session.scalar(select(PanelSeat))
    response = client.post(
        f"/panels/rounds/{other.round_id}/members/{seat.id}/profile",
        data={"representation": "partner"},
    )
    assert response.status_code == 404
    assert db.session.get(PanelProfile, member.id).representation == R.RESIDENT


def test_composition_warns_about_each_missed_target(client, officer):
    members = [panel_member(R.COUNCIL_OFFICER), panel_member(R.PARTNER), panel_member(R.RESIDENT)]
    panel = make_panel(scoring_round(), members)
    page = client.get(f"/panels/rounds/{panel.round_id}")
    warnings = [w.get_text(" ", strip=True) for w in soup_of(page).select(".govuk-warning-text")]
    assert any("Community members should be a majority: 1 of 3" in w for w in warnings)
    assert any("at least 1 young person (under 25): it has 0" in w for w in warnings)
    assert any("at least 1 faith community member: it has 0" in w for w in warnings)


def test_a_balanced_panel_meets_its_targets():
    members = [panel_member(R.YOUNG_PERSON), panel_member(R.FAITH), panel_member(R.PARTNER)]
    panel = make_panel(scoring_round(), members)
    result = composition.composition(panel, composition.members_of(panel))
    assert result.warnings == []
    assert result.community == 2


# Rotation ----------------------------------------------------------------------------------------


def test_a_member_on_each_of_the_last_panels_is_flagged_for_rotation():
    regular, newcomer, returner = panel_member(), panel_member(), panel_member()
    now = utcnow()
    rounds = [scoring_round(opens_at=now - timedelta(days=400 - 100 * n)) for n in range(4)]
    make_panel(rounds[0], [returner])
    make_panel(rounds[1], [regular])
    make_panel(rounds[2], [regular, returner])
    current = make_panel(rounds[3], [regular, newcomer, returner], rotation_after=2)
    members = {m.user.id: m for m in composition.members_of(current)}
    assert members[regular.id].due_for_rotation
    assert [r.id for r in members[regular.id].earlier_rounds] == [rounds[2].id, rounds[1].id]
    assert not members[returner.id].due_for_rotation  # missed the round before last
    assert not members[newcomer.id].due_for_rotation
    assert members[newcomer.id].earlier_rounds == []


def test_nobody_is_flagged_before_there_have_been_enough_panels(client, officer):
    member = panel_member()
    now = utcnow()
    make_panel(scoring_round(opens_at=now - timedelta(days=100)), [member])
    current = make_panel(scoring_round(), [member], rotation_after=2)
    assert not composition.members_of(current)[0].due_for_rotation
    current.rotation_after = 1
    page = client.get(f"/panels/rounds/{current.round_id}")
    assert "Due for rotation" in page.get_data(as_text=True)


# Moving applications to the panel --------------------------------------------------------------


def test_the_officer_moves_one_application_then_all_eligible(client, officer, reference_data):
    round_ = scoring_round()
    panel = make_panel(round_)
    first, second, third = (eligible_application(round_) for _ in range(3))
    response = client.post(f"/panels/rounds/{round_.id}/applications/{first.id}/move")
    assert response.status_code == 302
    assert first.status == ApplicationStatus.IN_PANEL_REVIEW
    assert second.status == ApplicationStatus.ELIGIBLE
    response = client.post(f"/panels/rounds/{round_.id}/applications/move")
    assert response.status_code == 302
    db.session.expire_all()
    assert {a.status for a in (first, second, third)} == {ApplicationStatus.IN_PANEL_REVIEW}
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "application.in_panel_review"
            )
        )
        == 3
    )
    page = client.get(f"/panels/rounds/{round_.id}/applications")
    assert first.reference in page.get_data(as_text=True)
    assert panel.id


def test_a_double_submitted_move_changes_nothing_more(client, officer, reference_data):
    round_ = scoring_round()
    make_panel(round_)
    application = eligible_application(round_)
    for _ in range(2):
        assert (
            client.post(f"/panels/rounds/{round_.id}/applications/{application.id}/move")
        ).status_code == 302
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "application.in_panel_review"
            )
        )
        == 1
    )


def test_another_rounds_application_or_one_not_eligible_cannot_be_moved(
    client, officer, reference_data
):
    from tests.applications.factories import submitted_application

    round_, other_round = scoring_round(), scoring_round()
    make_panel(round_)
    make_panel(other_round)
    elsewhere = eligible_application(other_round)
    unscreened = submitted_application(round_)
    response = client.post(f"/panels/rounds/{round_.id}/applications/{elsewhere.id}/move")
    assert response.status_code == 404
    response = client.post(
        f"/panels/rounds/{round_.id}/applications/{unscreened.id}/move", follow_redirects=True
    )
    assert "Only an application found eligible can go to the panel" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert elsewhere.status == ApplicationStatus.ELIGIBLE
    assert unscreened.status == ApplicationStatus.SUBMITTED


# Access ------------------------------------------------------------------------------------------

OFFICER_PAGES = [
    ("get", "/panels/rounds/{round}"),
    ("post", "/panels/rounds/{round}/open"),
    ("get", "/panels/rounds/{round}/settings"),
    ("post", "/panels/rounds/{round}/settings"),
    ("get", "/panels/rounds/{round}/members/add"),
    ("post", "/panels/rounds/{round}/members/add"),
    ("post", "/panels/rounds/{round}/members/{seat}/remove"),
    ("get", "/panels/rounds/{round}/members/{seat}/profile"),
    ("post", "/panels/rounds/{round}/members/{seat}/profile"),
    ("get", "/panels/rounds/{round}/applications"),
    ("post", "/panels/rounds/{round}/applications/{application}/move"),
    ("post", "/panels/rounds/{round}/applications/move"),
    ("post", "/panels/rounds/{round}/assign"),
    ("get", "/panels/rounds/{round}/applications/{application}/reassign"),
    ("post", "/panels/rounds/{round}/applications/{application}/reassign"),
]


@pytest.mark.parametrize("role", [None, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_only_programme_officers_reach_the_panel_pages(client, role, reference_data):
    round_ = scoring_round()
    member = panel_member()
    panel = make_panel(round_, [member])
    application = eligible_application(round_)
    seat = db.session.scalar(select(PanelSeat))
    sign_in(client, make_user(role))
    for method, pattern in OFFICER_PAGES:
        path = pattern.format(round=round_.id, seat=seat.id, application=application.id)
        response = getattr(client, method)(path, data={"member": str(member.id)})
        assert response.status_code == 403, (method, path)
    assert db.session.get(Panel, panel.id).min_scorers == 5
    assert application.status == ApplicationStatus.ELIGIBLE


def test_the_own_profile_page_is_for_panel_members(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    assert client.get("/panels/profile").status_code == 403
