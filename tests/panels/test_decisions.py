"""Decisions: each outcome's rules, the budget, departures from the ranking, quorum, and abuse."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from grants import transaction
from grants.applications.states import ApplicationStatus
from grants.audit import AuditEvent
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.panels import decisions, feedback, meetings
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_models import Decision, DecisionOutcome
from grants.permissions import Role
from tests.panels.factories import eligible_application
from tests.panels.meeting_setup import decline_reason, quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")


def _decide(scored, application, outcome, **fields):
    return decisions.decide(
        scored.officer,
        scored.panel,
        application,
        DecisionInput(outcome=outcome, rationale=fields.pop("rationale", "Strong bid"), **fields),
    )


def _errors(raised) -> dict:
    return raised.value.errors if isinstance(raised.value, InvalidInput) else {}


def _release(scored):
    for decision in feedback.round_decisions(scored.panel):
        if not decision.is_released:
            feedback.save_feedback(scored.officer, decision, "Thank you for applying.")
    return feedback.release(scored.officer, scored.panel, link_for=lambda a: "/applications")


def test_funding_in_full_awards_the_amount_asked_for_and_moves_the_application_on_release():
    scored = scored_round()
    quorate_meeting(scored)
    top = scored.applications[0]
    decision = _decide(scored, top, "fund", amount_pence=1)  # a forged amount is ignored
    assert decision.amount_pence == top.amount_requested_pence
    assert top.status == ApplicationStatus.IN_PANEL_REVIEW  # nobody is told before release
    _release(scored)
    assert top.status == ApplicationStatus.FUNDED
    assert decision.rank_at_decision == 1
    assert not decision.departs_from_ranking
    assert db.session.query(AuditEvent).filter_by(action="decision.recorded").count() == 1


def test_each_outcome_moves_the_application_through_its_life_cycle():
    scored = scored_round(levels=(5, 4, 3, 2))
    quorate_meeting(scored)
    reason = decline_reason()
    first, second, third, fourth = scored.applications
    with_conditions = _decide(
        scored, first, "fund_with_conditions", conditions="Share a safeguarding policy\n\n"
    )
    _decide(scored, second, "fund_reduced", amount_pence=100_000, reduced_reason="Venue costs")
    _decide(scored, third, "reserve")
    _decide(scored, fourth, "decline", decline_reason_id=reason.id)
    _release(scored)
    assert [a.status for a in scored.applications] == [
        ApplicationStatus.FUNDED_WITH_CONDITIONS,
        ApplicationStatus.FUNDED,
        ApplicationStatus.RESERVE,
        ApplicationStatus.DECLINED,
    ]
    assert with_conditions.conditions == ["Share a safeguarding policy"]
    assert decisions.committed_pence(scored.round.id) == 150_000 + 100_000


def test_a_reduced_award_needs_a_smaller_amount_and_a_reason():
    scored = scored_round()
    quorate_meeting(scored)
    top = scored.applications[0]
    for forged in (None, -500, 0, True, 150_000, 10**15):
        with pytest.raises(InvalidInput) as raised:
            _decide(scored, top, "fund_reduced", amount_pence=forged)
        assert "amount" in _errors(raised)
        assert "reduced_reason" in _errors(raised)
    assert top.status == ApplicationStatus.IN_PANEL_REVIEW


def test_conditions_a_rationale_and_a_decline_reason_are_required():
    scored = scored_round()
    quorate_meeting(scored)
    top = scored.applications[0]
    with pytest.raises(InvalidInput) as raised:
        _decide(scored, top, "fund_with_conditions", conditions="  \n ", rationale=" ")
    assert set(_errors(raised)) == {"conditions", "rationale"}
    with pytest.raises(InvalidInput) as raised:
        _decide(scored, top, "decline")
    assert set(_errors(raised)) == {"decline_reason"}
    with pytest.raises(InvalidInput) as raised:
        _decide(scored, top, "award everything")
    assert set(_errors(raised)) == {"outcome"}


def test_a_decline_may_use_free_text_and_retired_reasons_cannot_be_chosen():
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    retired = decline_reason("Old reason")
    decisions.set_reason_active(scored.officer, retired, False)
    with pytest.raises(InvalidInput):
        _decide(scored, scored.applications[1], "decline", decline_reason_id=retired.id)
    _decide(scored, scored.applications[1], "decline", decline_detail="Duplicates another project")
    assert decisions.reason_usage(scored.round.id) == [("Other (described in the decision)", 1)]


def test_the_round_shows_how_often_each_decline_reason_was_used():
    scored = scored_round(levels=(5, 4, 3))
    quorate_meeting(scored)
    common, rare = decline_reason("Below the line"), decline_reason("Not local")
    _decide(scored, scored.applications[0], "decline", decline_reason_id=common.id)
    _decide(scored, scored.applications[1], "decline", decline_reason_id=rare.id)
    _decide(scored, scored.applications[2], "decline", decline_reason_id=common.id)
    assert decisions.reason_usage(scored.round.id) == [("Below the line", 2), ("Not local", 1)]


def test_funding_decisions_never_exceed_the_round_budget():
    scored = scored_round(budget_pence=250_000)
    quorate_meeting(scored)
    first, second, third = scored.applications
    _decide(scored, first, "fund")
    with pytest.raises(DomainError, match="over its budget: £1,000 is left"):
        _decide(scored, second, "fund")
    assert second.status == ApplicationStatus.IN_PANEL_REVIEW
    _decide(scored, second, "fund_reduced", amount_pence=100_000, reduced_reason="What is left")
    with pytest.raises(DomainError, match="over its budget"):
        _decide(scored, third, "fund_with_conditions", conditions="One")
    assert decisions.committed_pence(scored.round.id) == 250_000


def test_funding_below_a_declined_application_departs_from_the_ranking_and_needs_a_rationale():
    scored = scored_round()
    quorate_meeting(scored)
    reason = decline_reason()
    first, second, _third = scored.applications
    _decide(scored, first, "decline", decline_reason_id=reason.id)
    with pytest.raises(InvalidInput) as raised:
        _decide(scored, second, "fund")
    assert set(_errors(raised)) == {"departure_rationale"}
    decision = _decide(
        scored, second, "fund", departure_rationale="The top bid is funded by the NHS already"
    )
    assert decision.departs_from_ranking
    assert decision.departure_rationale.startswith("The top bid")


def test_declining_above_a_funded_application_departs_from_the_ranking():
    scored = scored_round()
    quorate_meeting(scored)
    reason = decline_reason()
    first, second, _third = scored.applications
    assert not _decide(scored, second, "fund").departs_from_ranking
    with pytest.raises(InvalidInput):
        _decide(scored, first, "decline", decline_reason_id=reason.id)
    decision = _decide(
        scored, first, "decline", decline_reason_id=reason.id, departure_rationale="Not deliverable"
    )
    assert decision.departs_from_ranking


def test_decisions_need_an_open_quorate_meeting_unless_the_officer_records_why():
    scored = scored_round()
    top = scored.applications[0]
    with pytest.raises(DomainError, match="Open the meeting"):
        _decide(scored, top, "fund")
    meeting = meetings.open_meeting(scored.officer, scored.panel, min_members=3)
    meetings.record_attendance(
        scored.officer, meeting, [m.id for m in scored.members[:2]], min_members=3
    )
    with pytest.raises(DomainError, match="not quorate"):
        _decide(scored, top, "fund")
    with pytest.raises(DomainError):
        meetings.override_quorum(scored.officer, meeting, "  ")
    meetings.override_quorum(scored.officer, meeting, "Snow: two members joined by phone")
    assert _decide(scored, top, "fund").outcome == DecisionOutcome.FUND
    meetings.close_meeting(scored.officer, meeting)
    with pytest.raises(DomainError, match="closed"):
        _decide(scored, scored.applications[1], "fund")


def test_a_decision_may_change_until_released_and_then_never():
    scored = scored_round()
    quorate_meeting(scored)
    top = scored.applications[0]
    _decide(scored, top, "fund")
    changed = _decide(
        scored, top, "reserve", rationale="Wrong outcome", change_reason="Clicked the wrong one"
    )
    assert changed.outcome == DecisionOutcome.RESERVE
    assert db.session.query(Decision).count() == 1
    audited = db.session.query(AuditEvent).filter_by(action="decision.recorded").all()
    assert [e.before and e.before["outcome"] for e in audited] == [None, "fund"]
    _decide(scored, top, "fund", change_reason="Back to what was agreed")
    _release(scored)
    with pytest.raises(DomainError, match="already been decided"):
        _decide(scored, top, "decline", decline_detail="Changed", change_reason="Changed")
    assert top.status == ApplicationStatus.FUNDED


def test_only_applications_with_this_panel_can_be_decided():
    scored = scored_round()
    quorate_meeting(scored)
    not_yet = eligible_application(scored.round, scored.officer)
    with pytest.raises(DomainError, match="Only an application with the panel"):
        _decide(scored, not_yet, "fund")
    elsewhere = scored_round()
    with pytest.raises(NotFound):
        _decide(scored, elsewhere.applications[0], "fund")


def test_a_reserve_decision_can_later_be_funded_after_the_meeting_closed():
    scored = scored_round()
    meeting = quorate_meeting(scored)
    third = scored.applications[2]
    _decide(scored, third, "reserve")
    _release(scored)
    meetings.close_meeting(scored.officer, meeting)
    assert third.status == ApplicationStatus.RESERVE
    with pytest.raises(DomainError, match="closed"):
        _decide(scored, scored.applications[0], "fund")
    decision = _decide(scored, third, "fund", change_reason="Money was found")
    assert third.status == ApplicationStatus.RESERVE
    _release(scored)
    assert third.status == ApplicationStatus.FUNDED
    assert decision.amount_pence == third.amount_requested_pence
    assert db.session.query(Decision).count() == 1


def test_only_programme_officers_decide_and_never_for_their_own_group():
    scored = scored_round()
    quorate_meeting(scored)
    top = scored.applications[0]
    with pytest.raises(NotAllowed):
        decisions.decide(
            scored.members[0], scored.panel, top, DecisionInput(outcome="fund", rationale="Yes")
        )
    top.organisation.memberships[0].user.roles = [Role.PROGRAMME_OFFICER]
    insider = top.organisation.memberships[0].user
    with pytest.raises(NotAllowed):
        decisions.decide(insider, scored.panel, top, DecisionInput(outcome="fund", rationale="Y"))


def test_the_database_refuses_a_negative_or_misplaced_amount():
    scored = scored_round()
    quorate_meeting(scored)
    decision = _decide(scored, scored.applications[0], "fund")
    transaction.commit()
    for bad in ({"amount_pence": -1}, {"outcome": DecisionOutcome.RESERVE}):
        for name, value in bad.items():
            setattr(decision, name, value)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    duplicate = Decision(
        meeting_id=decision.meeting_id,
        application_id=decision.application_id,
        outcome=DecisionOutcome.RESERVE,
        rationale="Again",
        ranking_method=decision.ranking_method,
        decided_by_id=decision.decided_by_id,
    )
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_group_that_withdraws_before_release_gives_its_money_back():
    scored = scored_round(budget_pence=300_000)
    quorate_meeting(scored)
    first, second, _third = scored.applications
    _decide(scored, first, "fund")
    _decide(scored, second, "fund")
    with pytest.raises(DomainError, match="over its budget"):
        _decide(scored, scored.applications[2], "fund")
    first.status = ApplicationStatus.WITHDRAWN
    db.session.flush()
    assert decisions.committed_pence(scored.round.id) == 150_000
    assert _decide(scored, scored.applications[2], "fund").amount_pence == 150_000


def test_live_budget_counts_decisions_and_proposes_the_rest_in_rank_order():
    scored = scored_round(levels=(5, 4, 3), budget_pence=400_000)
    quorate_meeting(scored)
    first, second, third = scored.applications
    _decide(scored, second, "fund_reduced", amount_pence=120_000, reduced_reason="Fewer sessions")
    ranking = meetings.ranked_list(scored.panel)
    budget, within = decisions.live_budget(scored.round, ranking)
    assert budget.funded == 120_000
    assert within == {first.id}  # 150,000 fits in 280,000; then 130,000 left is too little
    assert budget.proposed == 150_000
    assert budget.after_proposed == 130_000
    assert third.id not in within
