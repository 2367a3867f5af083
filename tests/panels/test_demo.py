"""`seed-demo` shows panels at work: the closed round's panel has scored, met and decided, with
its decisions released to the groups; the open round's panel is part-way through scoring."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import DECIDED, PANEL_STARTED
from grants.applications.states import ApplicationStatus as S
from grants.audit import AuditEvent
from grants.clock import as_aware, utcnow
from grants.extensions import db
from grants.funds.models import Round
from grants.organisations.models import Membership
from grants.panels import addenda, declarations, meetings, scoring
from grants.panels import services as panels
from grants.panels.meeting_models import Decision, DecisionOutcome
from grants.panels.models import Declaration, PanelProfile, PanelSeat, ScoreSheet
from tests.checks import soup_of
from tests.factories import sign_in


@pytest.fixture
def seeded(runner, reference_data):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _round(slug: str) -> Round:
    return db.session.scalar(select(Round).where(Round.slug == slug))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _decisions(round_: Round) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .join(Application, Application.id == Decision.application_id)
            .where(Application.round_id == round_.id)
        )
    )


def _check_composition(panel) -> None:
    seated = list(
        db.session.scalars(select(PanelSeat.user_id).where(PanelSeat.panel_id == panel.id))
    )
    assert len(seated) == 6
    profiles = list(
        db.session.scalars(select(PanelProfile).where(PanelProfile.user_id.in_(seated)))
    )
    assert len(profiles) == 6
    assert len({p.representation for p in profiles}) >= 4
    assert all(p.home_neighbourhood_id for p in profiles)
    assert sum(p.representation.is_community for p in profiles) > 3
    # Someone without a computer had their profile recorded by the officer.
    assert any(p.recorded_by_id is not None for p in profiles)


def _check_interests_and_scores(round_, panel) -> None:
    register = declarations.register_of_interests(round_)
    conflicts = [d for d in register if d.is_conflict]
    assert len(conflicts) >= 2
    assert any(d.kind.value == "group_member" for d in conflicts)  # found by assignment
    assert any(d.waived_at and d.waiver_reason for d in register)
    # A conflicted member's scores never count; everyone else's are submitted.
    for declaration in conflicts:
        sheet = db.session.scalar(
            select(ScoreSheet).where(
                ScoreSheet.application_id == declaration.application_id,
                ScoreSheet.user_id == declaration.user_id,
            )
        )
        assert sheet is None
    ranking = meetings.ranked_list(panel)
    assert ranking.rows and all(row.aggregate.n >= panel.min_scorers for row in ranking.rows)
    assert len(ranking.flagged) >= 1
    assert all(row.aggregate.disagreement for row in ranking.flagged)
    sheets = list(
        db.session.scalars(
            select(ScoreSheet)
            .join(Application, Application.id == ScoreSheet.application_id)
            .where(Application.round_id == round_.id)
        )
    )
    assert all(sheet.is_submitted for sheet in sheets)
    assert any(sheet.entered_by_id != sheet.user_id for sheet in sheets)  # paper scores


def _check_meeting_and_decisions(round_, panel) -> None:
    meeting = meetings.meeting_of(panel)
    assert meeting is not None and not meeting.is_open
    assert meetings.quorum(meeting).met and meeting.quorum_overridden_at is None
    decided = _decisions(round_)
    assert {d.outcome for d in decided} == set(DecisionOutcome)
    reduced = next(d for d in decided if d.outcome == DecisionOutcome.FUND_REDUCED)
    assert 0 < reduced.amount_pence < reduced.application.amount_requested_pence
    assert reduced.reduced_reason
    departures = [d for d in decided if d.departs_from_ranking]
    assert departures and all(d.departure_rationale for d in departures)
    funding = sum(d.amount_pence for d in decided if d.outcome.is_funding)
    assert funding <= round_.budget_pence
    assert all(d.is_released and d.feedback and d.rationale for d in decided)
    # Each decided status comes from a decision, released through the life cycle.
    for decision in decided:
        assert decision.application.status == decision.outcome.moves_to
    applications = list(
        db.session.scalars(
            select(Application).where(
                Application.round_id == round_.id, Application.status.in_(PANEL_STARTED)
            )
        )
    )
    assert {a.status for a in applications} == set(DECIDED)
    assert {a.id for a in applications} == {d.application_id for d in decided}
    released = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "decision.released")
    )
    assert released == len(decided)


def test_the_closed_rounds_panel_scored_met_and_decided_everything(seeded):
    """Six people representing the community differently; interests declared (a conflict found
    from group membership, one waived); independent scores, some far apart; a quorate meeting
    whose decisions, of every kind, were released and set the applications' statuses."""
    round_ = _round("community-projects-2026")
    panel = panels.panel_for(round_)
    assert panel.indicative_allocations
    _check_composition(panel)
    _check_interests_and_scores(round_, panel)
    _check_meeting_and_decisions(round_, panel)
    decided = db.session.scalars(select(Application).where(Application.status.in_(DECIDED)))
    with_decision = set(db.session.scalars(select(Decision.application_id)))
    assert all(application.id in with_decision for application in decided)
    # Closing the meeting stored its decision record, once, with its SHA-256.
    stored = addenda.stored_record(panel)
    assert stored is not None and hashlib.sha256(addenda.read(stored)).hexdigest() == stored.sha256


def test_each_demo_applicant_sees_a_released_decision_with_its_feedback(client, seeded, outbox):
    for email in ("applicant@example.org", "applicant2@example.org"):
        _check_applicant_sees_decision(client, outbox, email)


def _check_applicant_sees_decision(client, outbox, email: str) -> None:
    applicant = _user(email)
    decision = db.session.scalar(
        select(Decision)
        .join(Application, Application.id == Decision.application_id)
        .join(Membership, Membership.organisation_id == Application.organisation_id)
        .where(Membership.user_id == applicant.id)
    )
    assert decision is not None and decision.is_released and decision.feedback
    application_id = decision.application_id
    first_line = decision.feedback.splitlines()[0]
    panellists = [
        user.full_name
        for user in db.session.scalars(
            select(User).join(PanelSeat, PanelSeat.user_id == User.id).distinct()
        )
    ]
    sign_in(client, applicant)
    page = soup_of(client.get(f"/applications/{application_id}/view"))
    text = page.get_text(" ", strip=True)
    assert "The panel's decision" in text
    assert first_line in text
    assert not any(name in text for name in panellists)
    assert any(
        email in message.to and message.subject.startswith("Decision on your application")
        for message in outbox
    )


def test_panel1_is_part_way_through_scoring_the_open_round(client, seeded):
    round_ = _round("small-grants-2026")
    panel = panels.panel_for(round_)
    assert as_aware(panel.scoring_closes_at) > utcnow()  # Pat can carry on
    pat = _user("panel1@example.org")
    rows = [row for row in scoring.progress_of(pat).rows if row.application.round_id == round_.id]
    states = [row.state for row in rows]
    assert "Submitted" in states
    assert "Draft" in states
    assert {"Not started", "Declare interests first"} & set(states)
    assert 0 < scoring.progress_of(pat).scored < scoring.progress_of(pat).to_score
    register = declarations.register_of_interests(round_)
    assert any(d.is_conflict for d in register)
    # One eligible application waits for the officer to send it to the panel.
    assert db.session.scalar(
        select(func.count(Application.id)).where(
            Application.round_id == round_.id, Application.status == S.ELIGIBLE
        )
    )
    # Pat's scoring list shows how far they have got.
    progress = scoring.progress_of(pat)
    sign_in(client, pat)
    text = soup_of(client.get("/scoring/")).get_text(" ", strip=True)
    assert f"{progress.scored} of {progress.to_score}" in text


def test_seeding_again_changes_nothing(runner, seeded):
    def counts():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (PanelSeat, Declaration, ScoreSheet, Decision, Application, AuditEvent)
        )

    before = counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Panel for Community projects 2026: already there" in result.output
    assert counts() == before
