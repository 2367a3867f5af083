"""The staff conflict in every panel step, and conflicts found automatically.

An officer who belongs to the applying group, or has belonged to it since it applied, takes no
step on its application: not assigning it, not recording or waiving members' declarations on it,
not entering or reopening paper scores, not moderating, deciding, writing feedback or releasing.
A panel member inside the window has the conflict recorded for them, when the panel is assigned
and when they join (or rejoin) the group, and their sheets stop counting.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.organisations import services as organisations
from grants.organisations.models import Membership
from grants.panels import (
    addenda,
    assignment,
    conflicts,
    decisions,
    declarations,
    feedback,
    meetings,
    scoring,
)
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_models import ModeratedScore
from grants.panels.models import Assignment, Declaration, InterestKind, ScoreSheet
from grants.panels.record_models import RecordKind
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.organisations.test_membership import invite
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round
from tests.panels.meeting_setup import quorate_meeting, scored_round, with_panel
from tests.panels.member_setup import assign, assigned, scores

pytestmark = pytest.mark.usefixtures("reference_data")
OWN_GROUP = "You belong to .*, or have done since this application was made"


def insider_of(application, how: str):
    """A programme officer in the applying group: a member now, or one who left after the
    application was made."""
    officer = make_user(Role.PROGRAMME_OFFICER, name="Olive Insider")
    membership = Membership(organisation_id=application.organisation_id, user_id=officer.id)
    if how == "since":
        membership.joined_at = application.created_at - timedelta(days=30)
        membership.ended_at = application.created_at + timedelta(seconds=1)
    db.session.add(membership)
    db.session.flush()
    return officer


def in_group(member, application, *, ended_before_it_applied: bool = False):
    membership = Membership(organisation_id=application.organisation_id, user_id=member.id)
    if ended_before_it_applied:
        membership.joined_at = application.created_at - timedelta(days=60)
        membership.ended_at = application.created_at - timedelta(days=1)
    db.session.add(membership)
    db.session.flush()
    return membership


def rejoin(member, application):
    """The member is invited back into the applying group and accepts: a new membership row."""
    group = application.organisation
    organisations.accept_group_invitation(member, invite(group.main_contact, group, member.email))


@pytest.mark.parametrize("how", ["now", "since"])
def test_an_officer_in_the_group_takes_no_step_on_its_application(how):
    scored = scored_round(levels=(5, 3))
    quorate_meeting(scored)
    own, other = scored.applications
    insider = insider_of(own, how)
    member = scored.members[0]
    assign(scored.panel, own, member)
    sheet = db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.application_id == own.id, ScoreSheet.user_id == member.id
        )
    )
    declaration = declarations.record_for_member(
        scored.officer, member, own, "financial", "Rents them a hall"
    )
    steps = {
        "assign": lambda: assignment.reassign(insider, scored.panel, own.id, member.id),
        "declare": lambda: declarations.record_for_member(insider, member, own, "none", None),
        "waive": lambda: declarations.waive(insider, declaration, "Not really"),
        "paper": lambda: scoring.save_draft(insider, member, own, scoring.ScoreValues()),
        "reopen": lambda: scoring.reopen(insider, sheet, "Misread"),
        "moderate": lambda: meetings.moderate(insider, own, 99, "Agreed"),
        "decide": lambda: decisions.decide(
            insider, scored.panel, own, DecisionInput(outcome="fund", rationale="Yes")
        ),
    }
    for step, act in steps.items():
        with pytest.raises(NotAllowed, match=OWN_GROUP):
            act()
        assert step  # each step refused in turn
    assert db.session.scalar(select(func.count(ModeratedScore.id))) == 0
    # A colleague decides it; the insider still may not write its feedback.
    decided = decisions.decide(
        scored.officer, scored.panel, own, DecisionInput(outcome="fund", rationale="Strong")
    )
    with pytest.raises(NotAllowed, match="must write the feedback on this application"):
        feedback.save_feedback(insider, decided, "Well done")
    # The insider may still act on another group's application.
    meetings.moderate(insider, other, 70, "Agreed in discussion")


def test_assigning_the_panel_leaves_the_officers_own_groups_application_for_a_colleague():
    round_ = scoring_round()
    officer = make_user(Role.PROGRAMME_OFFICER)
    members = [panel_member() for _ in range(3)]
    panel = make_panel(round_, members, min_scorers=2)
    own, other = (with_panel(eligible_application(round_, officer), officer, panel) for _ in "ab")
    insider = insider_of(own, "since")
    result = assignment.assign(insider, panel, assignment.AssignmentMode.ALL_TO_ALL)
    assert result.left_for_colleague == 1
    assigned_to = set(db.session.scalars(select(Assignment.application_id)))
    assert assigned_to == {other.id}
    assignment.assign(officer, panel, assignment.AssignmentMode.ALL_TO_ALL)
    assert set(db.session.scalars(select(Assignment.application_id))) == {own.id, other.id}


def test_release_leaves_the_officers_own_groups_decision_for_a_colleague():
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    own, other = scored.applications
    for application in (own, other):
        decision = decisions.decide(
            scored.officer, scored.panel, application, DecisionInput(outcome="fund", rationale="Y")
        )
        feedback.save_feedback(scored.officer, decision, "Well done")
    insider = insider_of(own, "now")
    released = feedback.release(insider, scored.panel, link_for=lambda a: "/")
    assert [d.application_id for d in released] == [other.id]
    with pytest.raises(DomainError, match="another programme officer must release them"):
        feedback.release(insider, scored.panel, link_for=lambda a: "/")
    assert [
        d.application_id
        for d in feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    ] == [own.id]


def test_a_moderated_99_from_the_groups_own_officer_is_refused_on_the_page(client):
    scored = scored_round(levels=(5, 1))
    quorate_meeting(scored)
    _, low = scored.applications
    insider = insider_of(low, "since")
    sign_in(client, insider)
    base = f"/panels/meetings/rounds/{scored.round.id}"
    response = client.post(
        f"{base}/applications/{low.id}/moderate", data={"score": "99", "reason": "Agreed"}
    )
    assert response.status_code == 403
    assert "must moderate the score of this application" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ModeratedScore.id))) == 0
    page = client.get(base).get_data(as_text=True)
    assert f'href="{base}/applications/{low.id}"' not in page  # no link to its page
    assert "a colleague decides it" in page


def _counted_by(application) -> set[int]:
    return {sheet.user_id for sheet in scoring.counted_sheets(application)}


def test_a_member_who_rejoins_the_group_after_scoring_no_longer_counts(outbox):
    """Left the group before it applied, so rightly assigned; scored; then rejoined."""
    setting = assigned()
    member, application = setting.member, setting.application
    in_group(member, application, ended_before_it_applied=True)
    scoring.submit(member, member, application, scores(setting, 5, 5, 5))
    assert _counted_by(application) == {member.id}

    rejoin(member, application)

    declaration = db.session.scalar(select(Declaration))
    assert declaration.kind == InterestKind.GROUP_MEMBER
    assert declaration.description == conflicts.FOUND_AUTOMATICALLY
    assert declaration.recorded_by_id is None
    assert _counted_by(application) == set()
    assert scoring.scores_in(application)[0] == 0
    found = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.conflict_found"))
    assert found.actor_id == member.id and found.before["kind"] == "none"
    assert db.session.get(ScoreSheet, db.session.scalar(select(ScoreSheet.id))) is not None
    with pytest.raises(NotAllowed):  # and cannot open or score it again
        scoring.save_draft(member, member, application, scores(setting, 1))


def test_joining_another_group_changes_nothing():
    setting = assigned()
    other_group = eligible_application(setting.round).organisation
    organisations.accept_group_invitation(
        setting.member,
        invite(other_group.main_contact, other_group, setting.member.email),
    )
    assert db.session.scalar(select(Declaration)).kind == InterestKind.NONE


def test_a_member_who_left_after_it_applied_is_not_assigned_and_the_conflict_is_recorded():
    round_ = scoring_round()
    officer = make_user(Role.PROGRAMME_OFFICER)
    member = panel_member()
    panel = make_panel(round_, [member], min_scorers=1)
    application = with_panel(eligible_application(round_, officer), officer, panel)
    membership = in_group(member, application)
    membership.joined_at = application.created_at - timedelta(days=1)
    membership.ended_at = application.created_at + timedelta(seconds=1)
    db.session.flush()
    result = assignment.assign(officer, panel, assignment.AssignmentMode.BALANCED)
    assert result.assigned == 0 and result.conflicts_recorded == 1
    assert db.session.scalar(select(Declaration)).kind == InterestKind.GROUP_MEMBER


def test_assigning_replaces_a_no_conflict_declared_before_the_member_joined():
    setting = assigned()  # declared "no conflict"
    with_panel(setting.application, setting.officer, setting.panel)
    db.session.add(
        Membership(organisation_id=setting.application.organisation_id, user_id=setting.member.id)
    )
    db.session.flush()  # joined without the join hook (say, data put right by hand)
    result = assignment.assign(setting.officer, setting.panel, assignment.AssignmentMode.BALANCED)
    assert result.conflicts_recorded == 1
    assert db.session.scalar(select(Declaration)).kind == InterestKind.GROUP_MEMBER


def test_a_group_members_conflict_cannot_be_waived():
    setting = assigned()
    rejoin(setting.member, setting.application)
    declaration = db.session.scalar(select(Declaration))
    with pytest.raises(NotAllowed, match="cannot be waived"):
        declarations.waive(setting.officer, declaration, "They only help sometimes")
    assert declaration.waived_at is None


def test_a_conflict_found_after_the_decision_is_released_is_an_addendum_not_a_new_count(outbox):
    scored = scored_round(levels=(5,), members=3)
    quorate_meeting(scored)
    [application] = scored.applications
    decision = decisions.decide(
        scored.officer, scored.panel, application, DecisionInput(outcome="fund", rationale="Y")
    )
    feedback.save_feedback(scored.officer, decision, "Well done")
    feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    member = scored.members[0]
    assign(scored.panel, application, member)
    rejoin(member, application)
    assert db.session.scalar(select(Declaration)) is None
    assert member.id in _counted_by(application)  # the released figures stay as they were
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "panel.conflict_found_after_freeze")
    )
    assert event.object_id == str(application.id) and event.after["member_id"] == member.id
    [addendum] = addenda.documents_of(scored.panel)
    assert addendum.kind == RecordKind.CONFLICT_FOUND and addendum.number == 1
    assert member.full_name in addendum.summary and application.reference in addendum.summary


def test_an_unsent_sheet_of_a_rejoining_member_does_not_count_when_sent_by_an_officer():
    setting = assigned()
    member, application = setting.member, setting.application
    in_group(member, application, ended_before_it_applied=True)
    scoring.save_draft(member, member, application, scores(setting, 4, 4))
    rejoin(member, application)
    assert db.session.scalar(select(Declaration)).kind == InterestKind.GROUP_MEMBER
    with pytest.raises(NotAllowed):
        scoring.submit(setting.officer, member, application, scores(setting, 4, 4))
    assert _counted_by(application) == set()


def test_only_the_rejoining_members_sheet_stops_counting():
    scored = scored_round(levels=(4,), members=3)
    [application] = scored.applications
    member = scored.members[0]
    for seated in scored.members:
        assign(scored.panel, application, seated)
    rejoin(member, application)
    assert _counted_by(application) == {m.id for m in scored.members[1:]}


def test_the_register_offers_no_declaration_or_waiver_on_the_officers_own_groups_bid(client):
    setting = assigned()
    declarations.record_for_member(
        setting.officer, setting.member, setting.application, "financial", "Rents them a hall"
    )
    insider = insider_of(setting.application, "since")
    sign_in(client, insider)
    path = f"/scoring/rounds/{setting.round.id}/interests"
    page = soup_of(client.get(path))
    assert not page.select("form[action^='/scoring/declarations/']")  # no Waive button
    options = [o["value"] for o in page.select("select[name=application] option")]
    assert str(setting.application.id) not in options
    posted = client.post(
        path,
        data={
            "member": str(setting.member.id),
            "application": str(setting.application.id),
            "kind": "none",
        },
    )
    assert posted.status_code == 200
    [message] = error_messages(posted)
    assert "another programme officer must record declarations on this application" in message
    assert db.session.scalar(select(Declaration)).kind == InterestKind.FINANCIAL
