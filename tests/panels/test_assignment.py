"""Assigning applications to panel members: balanced or all to all, conflicts with the applying
group recorded instead of assigned, topping up, declines and reassignment, and progress."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.panels import assignment, services
from grants.panels.assignment import AssignmentMode, plan_balanced
from grants.panels.models import (
    Assignment,
    AssignmentStatus,
    Declaration,
    InterestKind,
    ScoreSheet,
)
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round

BALANCED, ALL = AssignmentMode.BALANCED, AssignmentMode.ALL_TO_ALL


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER)
    sign_in(client, user)
    return user


def _with_panel(officer, applications: int, members: int, **settings):
    round_ = scoring_round()
    people = [panel_member() for _ in range(members)]
    panel = make_panel(round_, people, **settings)
    moved = [eligible_application(round_, officer) for _ in range(applications)]
    services.move_all_eligible(officer, panel)
    return panel, moved, people


def _loads(panel) -> dict[int, int]:
    rows = db.session.execute(
        select(Assignment.user_id, func.count())
        .where(Assignment.panel_id == panel.id, Assignment.status == AssignmentStatus.ASSIGNED)
        .group_by(Assignment.user_id)
    )
    return dict(rows.all())


# The plan ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applications", "members", "needed"),
    [(10, 7, 5), (9, 5, 3), (1, 6, 5), (13, 4, 4), (20, 9, 2)],
)
def test_balanced_plan_gives_each_application_its_scorers_with_an_even_load(
    applications, members, needed
):
    plan = plan_balanced(
        range(applications), range(members), min_scorers=needed, active={}, excluded=set(), load={}
    )
    by_application = {a: [m for app, m in plan if app == a] for a in range(applications)}
    assert all(len(set(scorers)) == needed for scorers in by_application.values())
    load = [sum(1 for _, m in plan if m == member) for member in range(members)]
    assert max(load) - min(load) <= 1


def test_balanced_plan_is_deterministic_and_respects_exclusions_and_existing_load():
    kwargs = {
        "min_scorers": 2,
        "active": {1: {10}},
        "excluded": {(2, 10), (1, 11)},
        "load": {10: 3},
    }
    first = plan_balanced([1, 2, 3], [10, 11, 12], **kwargs)
    assert first == plan_balanced([3, 2, 1], [12, 11, 10], **kwargs)
    assert first == [(1, 12), (2, 11), (2, 12), (3, 11), (3, 12)]


def test_there_are_never_more_scorers_than_members_allowed():
    plan = plan_balanced([1], [10, 11], min_scorers=5, active={}, excluded={(1, 11)}, load={})
    assert plan == [(1, 10)]


# Assigning ---------------------------------------------------------------------------------------


def test_balanced_assignment_spreads_load_and_gives_each_the_panels_number(officer, reference_data):
    panel, applications, members = _with_panel(officer, 7, 6, min_scorers=4)
    result = assignment.assign(officer, panel, BALANCED)
    assert result.assigned == 28 and result.short == []
    loads = _loads(panel)
    assert len(loads) == 6 and max(loads.values()) - min(loads.values()) <= 1
    for application in applications:
        assert (
            db.session.scalar(
                select(func.count()).where(Assignment.application_id == application.id)
            )
            == 4
        )


def test_all_to_all_gives_every_member_every_application(officer, reference_data):
    panel, applications, members = _with_panel(officer, 3, 4)
    result = assignment.assign(officer, panel, ALL)
    assert result.assigned == 12


def test_a_member_of_the_applying_group_is_never_assigned_and_the_conflict_is_recorded(
    officer, reference_data
):
    panel, applications, members = _with_panel(officer, 2, 3, min_scorers=3)
    insider = members[0]
    db.session.add(Membership(organisation_id=applications[0].organisation_id, user_id=insider.id))
    db.session.flush()
    result = assignment.assign(officer, panel, ALL)
    assert result.conflicts_recorded == 1
    pairs = set(db.session.execute(select(Assignment.application_id, Assignment.user_id)).tuples())
    assert (applications[0].id, insider.id) not in pairs
    assert (applications[1].id, insider.id) in pairs
    declaration = db.session.scalar(select(Declaration))
    assert (declaration.application_id, declaration.user_id) == (applications[0].id, insider.id)
    assert declaration.kind == InterestKind.GROUP_MEMBER
    assert declaration.description == "Member of the applying group (recorded automatically)"
    assert declaration.recorded_by_id is None
    assert [a.id for a in result.short] == [applications[0].id]
    # Running it again records nothing twice.
    again = assignment.assign(officer, panel, ALL)
    assert (again.assigned, again.conflicts_recorded) == (0, 0)
    assert db.session.scalar(select(func.count(Declaration.id))) == 1


def test_assigning_again_tops_up_new_applications_and_members(officer, reference_data):
    panel, applications, members = _with_panel(officer, 4, 3, min_scorers=2)
    assert assignment.assign(officer, panel, BALANCED).assigned == 8
    newcomer = panel_member()
    services.seat_member(officer, panel, newcomer.id)
    late = eligible_application(panel.round, officer)
    services.move_to_panel(officer, panel, late)
    result = assignment.assign(officer, panel, BALANCED)
    assert result.assigned == 2
    assert db.session.scalar(select(func.count(Assignment.id))) == 10
    # the newcomer, with nothing yet, takes part of the late application's load
    assert _loads(panel)[newcomer.id] >= 1


def test_a_double_submitted_assignment_adds_nothing_the_second_time(
    client, officer, reference_data
):
    panel, applications, members = _with_panel(officer, 3, 3, min_scorers=2)
    for _ in range(2):
        response = client.post(f"/panels/rounds/{panel.round_id}/assign", data={"mode": "balanced"})
        assert response.status_code == 302
    assert db.session.scalar(select(func.count(Assignment.id))) == 6


def test_an_unknown_assignment_mode_is_an_error_not_a_crash(client, officer, reference_data):
    panel, _, _ = _with_panel(officer, 1, 1)
    response = client.post(f"/panels/rounds/{panel.round_id}/assign", data={"mode": "random"})
    assert error_messages(response) == ["Select how applications should be shared out"]
    response = client.post(f"/panels/rounds/{panel.round_id}/assign", data={})
    assert error_messages(response) == ["Select how applications should be shared out"]
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


# Declining and reassigning -----------------------------------------------------------------------


def test_a_member_declines_with_a_reason_and_the_officer_sees_the_gap(
    client, officer, reference_data
):
    panel, applications, members = _with_panel(officer, 1, 3, min_scorers=2)
    assignment.assign(officer, panel, BALANCED)
    chosen = db.session.scalar(select(Assignment).order_by(Assignment.id))
    member = db.session.get(type(officer), chosen.user_id)
    with pytest.raises(DomainError, match="Enter why"):
        services.decline_assignment(member, chosen, "  ")
    with pytest.raises(NotAllowed):
        services.decline_assignment(officer, chosen, "Not mine")
    services.decline_assignment(member, chosen, "I know the family")
    services.decline_assignment(member, chosen, "I know the family")  # double click
    assert chosen.status == AssignmentStatus.DECLINED
    gaps = assignment.progress(panel).gaps
    assert [g.application.id for g in gaps] == [applications[0].id]
    assert gaps[0].declined == 1
    page = client.get(f"/panels/rounds/{panel.round_id}/applications")
    assert "Add a scorer" in page.get_data(as_text=True)
    reassign_page = client.get(
        f"/panels/rounds/{panel.round_id}/applications/{applications[0].id}/reassign"
    )
    options = [o["value"] for o in soup_of(reassign_page).select("select[name=member] option")]
    spare = next(
        m
        for m in members
        if m.id not in (a.user_id for a in db.session.scalars(select(Assignment)))
    )
    assert options == ["", str(spare.id)]
    response = client.post(
        f"/panels/rounds/{panel.round_id}/applications/{applications[0].id}/reassign",
        data={"member": str(spare.id)},
    )
    assert response.status_code == 302, error_messages(response)
    assert assignment.progress(panel).gaps == []


def test_a_member_cannot_decline_after_sending_scores(officer, reference_data):
    panel, applications, members = _with_panel(officer, 1, 1, min_scorers=1)
    assignment.assign(officer, panel, BALANCED)
    chosen = db.session.scalar(select(Assignment))
    db.session.add(
        ScoreSheet(
            application_id=chosen.application_id, user_id=chosen.user_id, submitted_at=utcnow()
        )
    )
    db.session.flush()
    with pytest.raises(DomainError, match="sent your scores"):
        services.decline_assignment(members[0], chosen, "Changed my mind")


def test_reassigning_refuses_conflicts_repeats_and_people_off_the_panel(
    client, officer, reference_data
):
    panel, applications, members = _with_panel(officer, 1, 2, min_scorers=1)
    assignment.assign(officer, panel, BALANCED)
    assigned = db.session.scalar(select(Assignment))
    other = next(m for m in members if m.id != assigned.user_id)
    db.session.add(
        Declaration(
            application_id=applications[0].id,
            user_id=other.id,
            kind=InterestKind.FINANCIAL,
            description="My employer",
        )
    )
    outsider = panel_member()
    url = f"/panels/rounds/{panel.round_id}/applications/{applications[0].id}/reassign"
    for member, message in [
        (assigned.user_id, "That member has already been asked to score this application"),
        (other.id, "That member has a conflict of interest with this application"),
        (outsider.id, "Select a member of this panel"),
        ("abc", "Select a member of this panel"),
    ]:
        response = client.post(url, data={"member": str(member)})
        assert error_messages(response) == [message]
    assert db.session.scalar(select(func.count(Assignment.id))) == 1


def test_reassigning_another_rounds_application_is_not_found(client, officer, reference_data):
    panel, _, _ = _with_panel(officer, 1, 1)
    _, elsewhere, _ = _with_panel(officer, 1, 1)
    url = f"/panels/rounds/{panel.round_id}/applications/{elsewhere[0].id}/reassign"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"member": "1"}).status_code == 404


# Progress ----------------------------------------------------------------------------------------


def test_progress_counts_submitted_sheets_of_active_scorers(officer, reference_data):
    panel, applications, members = _with_panel(officer, 2, 3, min_scorers=3)
    assignment.assign(officer, panel, BALANCED)
    first, second = applications
    a, b, c = members
    db.session.add_all(
        [
            ScoreSheet(application_id=first.id, user_id=a.id, submitted_at=utcnow()),
            ScoreSheet(application_id=first.id, user_id=b.id, submitted_at=utcnow()),
            ScoreSheet(application_id=second.id, user_id=a.id),  # a draft does not count
        ]
    )
    db.session.add(
        Declaration(
            application_id=first.id, user_id=c.id, kind=InterestKind.OTHER, description="Friend"
        )
    )
    db.session.flush()
    progress = assignment.progress(panel)
    rows = {row.application.id: row for row in progress.applications}
    assert rows[first.id].label == "2 of 2" and rows[first.id].conflicted == 1
    assert rows[second.id].label == "0 of 3"
    assert progress.members[a.id].label == "1 of 2 scored"
    assert progress.members[c.id].label == "0 of 1 scored"
    assert [g.application.id for g in progress.gaps] == [first.id]


def test_progress_takes_the_same_number_of_queries_however_big_the_panel(
    officer, reference_data, count_queries
):
    def queries(applications: int, members: int) -> int:
        panel, _, _ = _with_panel(officer, applications, members, min_scorers=2)
        assignment.assign(officer, panel, BALANCED)
        transaction.commit()
        return count_queries(lambda: assignment.progress(panel))

    assert queries(1, 2) == queries(6, 5)


def test_the_pages_take_the_same_number_of_queries_however_big_the_panel(
    client, officer, reference_data, count_queries
):
    def queries(applications: int, members: int) -> tuple[int, int]:
        panel, _, _ = _with_panel(officer, applications, members, min_scorers=2)
        assignment.assign(officer, panel, BALANCED)
        return tuple(
            count_queries(lambda path=path: client.get(path))
            for path in (
                f"/panels/rounds/{panel.round_id}",
                f"/panels/rounds/{panel.round_id}/applications",
            )
        )

    assert queries(1, 2) == queries(5, 4)


def test_application_ids_are_not_reused_across_panels(officer, reference_data):
    """The balanced plan only ever touches the panel's own applications and members."""
    panel, applications, members = _with_panel(officer, 2, 2, min_scorers=1)
    other, others, other_members = _with_panel(officer, 2, 2, min_scorers=1)
    assignment.assign(officer, panel, BALANCED)
    rows = list(db.session.scalars(select(Assignment)))
    assert {r.application_id for r in rows} <= {a.id for a in applications}
    assert {r.user_id for r in rows} <= {m.id for m in members}
    assert other.id != panel.id and others and other_members


def test_the_applications_with_the_panel_paginate_with_the_gaps_first(
    app, client, officer, reference_data, monkeypatch
):
    panel, moved, people = _with_panel(officer, 5, 2, min_scorers=2)
    assignment.assign(officer, panel, BALANCED)
    short = max(moved, key=lambda a: a.reference)
    chosen = db.session.scalar(
        select(Assignment).where(
            Assignment.application_id == short.id, Assignment.user_id == people[0].id
        )
    )
    services.decline_assignment(people[0], chosen, "I know them")
    transaction.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    sign_in(client, officer)

    def references(page: int) -> list[str]:
        soup = soup_of(client.get(f"/panels/rounds/{panel.round_id}/applications?page={page}"))
        table = soup.find("caption", string="Applications with the panel").parent
        return [row.find("td").get_text(strip=True) for row in table.select("tbody tr")]

    pages = [references(n) for n in (1, 2, 3)]
    assert pages[0][0] == short.reference  # below its number of scorers, so first
    assert sorted(sum(pages, [])) == sorted(a.reference for a in moved)
    assert [len(p) for p in pages] == [2, 2, 1]


def test_eligible_applications_link_to_their_screening_page(client, officer, reference_data):
    round_ = scoring_round()
    panel = make_panel(round_, [panel_member()])
    waiting = eligible_application(round_, officer)
    transaction.commit()
    sign_in(client, officer)
    soup = soup_of(client.get(f"/panels/rounds/{panel.round_id}/applications"))
    table = soup.find("caption", string="Eligible applications").parent
    assert table.find("a", href=f"/screening/{waiting.id}").get_text() == waiting.reference
    assert "<a" not in table.get_text()  # never shown as text
    assert "Send it to the panel" in soup.get_text()


@pytest.mark.parametrize(("members", "scorers"), [(6, 3), (4, 2)])
def test_balanced_assignment_links_every_member_when_members_are_a_multiple_of_scorers(
    client, officer, reference_data, members, scorers
):
    """Six members, three scorers: the old design gave odd applications to members 1-3 and even
    ones to 4-6, so normalising could not compare the halves."""
    panel, applications, people = _with_panel(officer, 6, members, min_scorers=scorers)
    assignment.assign(officer, panel, BALANCED)
    progress = assignment.progress(panel)
    assert progress.coverage.connected and progress.coverage.groups == 1
    assert progress.coverage.spread <= 1
    page = soup_of(client.get(f"/panels/rounds/{panel.round_id}/applications"))
    assert "shares applications with the others" in page.select_one("#workload").text


def test_the_panel_page_says_when_one_scorer_each_cannot_be_compared(
    client, officer, reference_data
):
    panel, _applications, _people = _with_panel(officer, 4, 3, min_scorers=1)
    assignment.assign(officer, panel, BALANCED)
    for url in (
        f"/panels/rounds/{panel.round_id}",
        f"/panels/rounds/{panel.round_id}/applications",
    ):
        text = soup_of(client.get(url)).text
        assert "Each application has one scorer" in text
