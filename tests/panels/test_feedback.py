"""Feedback to groups and the release of decisions: drafted from the panel's comments without
names, required before release, and each group told its own decision, once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.applications import services as applications
from grants.applications.states import Actor, ApplicationStatus
from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.panels import decisions, feedback
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_models import Decision
from grants.panels.models import Declaration, InterestKind, Score, ScoreSheet
from tests.factories import sign_in
from tests.panels.meeting_setup import decline_reason, quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")
S = ApplicationStatus


def _link(application) -> str:
    return f"https://grants.example/applications/{application.id}"


def _quiet(outbox) -> None:
    """Forget the emails the set-up sent (application received, found eligible)."""
    transaction.commit()
    outbox.clear()


def _decide(scored, application, outcome, **fields):
    return decisions.decide(
        scored.officer,
        scored.panel,
        application,
        DecisionInput(outcome=outcome, rationale=fields.pop("rationale", "Agreed"), **fields),
    )


def _comment(application, member, criterion_position: int, text: str) -> None:
    score = db.session.scalar(
        select(Score)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .where(ScoreSheet.application_id == application.id, ScoreSheet.user_id == member.id)
        .order_by(Score.criterion_id)
        .offset(criterion_position)
    )
    score.comment = text
    db.session.flush()


# Drafting and saving feedback ------------------------------------------------------------------


def test_draft_feedback_gathers_counting_comments_by_criterion_without_names():
    scored = scored_round(levels=(4,))
    application = scored.applications[0]
    first, second, conflicted, drafting = scored.members
    for member in scored.members:
        member.full_name = f"Panellist {member.id} Surname"
    _comment(application, first, 0, "Clear local need, backed by a survey.")
    _comment(application, second, 0, "  Strong evidence from residents.  ")
    _comment(application, first, 1, "Reaches older people who are isolated.")
    _comment(application, second, 2, "   ")
    _comment(application, conflicted, 0, "CONFLICTED comment")
    _comment(application, drafting, 0, "DRAFT comment")
    db.session.add(
        Declaration(
            application_id=application.id,
            user_id=conflicted.id,
            kind=InterestKind.FAMILY_OR_FRIEND,
            description="My sister runs it",
        )
    )
    db.session.scalar(
        select(ScoreSheet).where(ScoreSheet.user_id == drafting.id)
    ).submitted_at = None
    db.session.flush()
    draft = feedback.draft_feedback(application)
    assert draft == (
        "Meets a local need:\n"
        "- Clear local need, backed by a survey.\n"
        "- Strong evidence from residents.\n\n"
        "Reaches people:\n"
        "- Reaches older people who are isolated."
    )
    for member in scored.members:
        assert member.full_name not in draft
        assert member.email not in draft


def test_draft_feedback_is_empty_when_nobody_commented():
    scored = scored_round(levels=(4,))
    assert feedback.draft_feedback(scored.applications[0]) == ""


def test_feedback_is_required_saved_and_audited():
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    decision = _decide(scored, scored.applications[0], "fund")
    for blank in (None, "", "  \n "):
        with pytest.raises(DomainError) as raised:
            feedback.save_feedback(scored.officer, decision, blank)
        assert raised.value.field == "feedback"
    with pytest.raises(NotAllowed):
        feedback.save_feedback(scored.members[0], decision, "Nice")
    feedback.save_feedback(scored.officer, decision, "  A strong, well-costed plan.  ")
    assert decision.feedback == "A strong, well-costed plan."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.feedback"))
    assert event.after == {"feedback": "A strong, well-costed plan.", "for_version": 1}


# Release ---------------------------------------------------------------------------------------


def test_release_needs_feedback_for_every_decision_and_until_then_changes_nothing(outbox):
    scored = scored_round(levels=(5, 4, 3))
    quorate_meeting(scored)
    _quiet(outbox)
    first, second, third = scored.applications
    written = _decide(scored, first, "fund")
    _decide(scored, second, "reserve")
    _decide(
        scored, third, "decline", decline_reason_id=decline_reason("Not enough local support").id
    )
    feedback.save_feedback(scored.officer, written, "Well done")
    with pytest.raises(DomainError) as raised:
        feedback.release(scored.officer, scored.panel, link_for=_link)
    message = raised.value.message
    assert second.reference in message and third.reference in message
    assert first.reference not in message
    transaction.commit()
    assert outbox == []
    assert {a.status for a in scored.applications} == {S.IN_PANEL_REVIEW}
    assert not any(d.is_released for d in feedback.round_decisions(scored.panel))


def test_only_programme_officers_release():
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    decision = _decide(scored, scored.applications[0], "fund")
    feedback.save_feedback(scored.officer, decision, "Well done")
    with pytest.raises(NotAllowed):
        feedback.release(scored.members[0], scored.panel, link_for=_link)
    assert not decision.is_released


def test_release_tells_each_of_thirty_groups_its_own_decision_once(outbox):
    count = 30
    levels = [5 - (5 * i) // count for i in range(count)]  # best first, ties in id order
    scored = scored_round(levels, budget_pence=30 * 150_000, members=3)
    quorate_meeting(scored)
    _quiet(outbox)
    reason = decline_reason("Others met the need better")
    plan = (
        ["fund"] * 10 + ["fund_with_conditions"] * 6 + ["fund_reduced"] * 4 + ["reserve"] * 4
    ) + ["decline"] * 6
    expected = {}
    for number, (application, outcome) in enumerate(zip(scored.applications, plan, strict=True)):
        fields = {
            "fund_with_conditions": {"conditions": f"Condition for group {number}"},
            "fund_reduced": {
                "amount_pence": 100_000 + number,
                "reduced_reason": f"Reduced for group {number}",
            },
            "decline": {"decline_reason_id": reason.id},
        }.get(outcome, {})
        decision = _decide(scored, application, outcome, **fields)
        assert not decision.departs_from_ranking
        feedback.save_feedback(scored.officer, decision, f"Feedback token FB{number:03d}X")
        expected[application.id] = (number, application, decision)
    released = feedback.release(scored.officer, scored.panel, link_for=_link)
    assert len(released) == count
    transaction.commit()
    assert len(outbox) == count

    outcome_status = {
        "fund": S.FUNDED,
        "fund_reduced": S.FUNDED,
        "fund_with_conditions": S.FUNDED_WITH_CONDITIONS,
        "reserve": S.RESERVE,
        "decline": S.DECLINED,
    }
    references = {a.reference for a in scored.applications}
    seen = set()
    for message in outbox:
        application_id = _link_id(message)
        number, application, decision = expected[application_id]
        body = message.body
        assert message.to == [application.organisation.contact_email_address]
        assert application.reference in message.subject
        assert f"Decision: {outcome_status[plan[number]].label}" in body
        assert f"FB{number:03d}X" in body
        assert set(re.findall(r"FB\d{3}X", body)) == {f"FB{number:03d}X"}
        assert {ref for ref in references if ref in body} == {application.reference}
        assert set(re.findall(r"group \d+", body)) <= {f"group {number}"}
        if plan[number] == "fund_reduced":
            assert f"Reduced for group {number}" in body
        if plan[number] == "fund_with_conditions":
            assert f"- Condition for group {number}" in body
        for member in scored.members:
            assert member.full_name not in body
        seen.add(application_id)
    assert seen == set(expected)
    for application, outcome in zip(scored.applications, plan, strict=True):
        assert application.status == outcome_status[outcome]

    with pytest.raises(DomainError, match="already been released"):
        feedback.release(scored.officer, scored.panel, link_for=_link)
    transaction.commit()
    assert len(outbox) == count
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "decision.released")
        )
        == count
    )


def _link_id(message) -> int:
    return int(re.search(r"https://grants\.example/applications/(\d+)", message.body).group(1))


def test_released_feedback_cannot_be_changed():
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    decision = _decide(scored, scored.applications[0], "fund")
    feedback.save_feedback(scored.officer, decision, "Well done")
    feedback.release(scored.officer, scored.panel, link_for=_link)
    with pytest.raises(DomainError, match="released"):
        feedback.save_feedback(scored.officer, decision, "Changed after the event")
    assert decision.feedback == "Well done"


def test_a_later_decision_is_released_on_its_own_and_earlier_groups_hear_nothing_more(outbox):
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    _quiet(outbox)
    first, second = scored.applications
    feedback.save_feedback(scored.officer, _decide(scored, first, "fund"), "First group")
    feedback.release(scored.officer, scored.panel, link_for=_link)
    transaction.commit()
    feedback.save_feedback(scored.officer, _decide(scored, second, "reserve"), "Second group")
    released = feedback.release(scored.officer, scored.panel, link_for=_link)
    transaction.commit()
    assert [d.application_id for d in released] == [second.id]
    assert [m.to for m in outbox] == [
        [first.organisation.contact_email_address],
        [second.organisation.contact_email_address],
    ]


def test_a_group_that_withdrew_is_not_told_and_the_others_still_are(outbox):
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    _quiet(outbox)
    first, second = scored.applications
    feedback.save_feedback(scored.officer, _decide(scored, first, "fund"), "First group")
    decision = _decide(scored, second, "reserve")
    applications.move(second.organisation.main_contact, second, S.WITHDRAWN, Actor.APPLICANT)
    released = feedback.release(scored.officer, scored.panel, link_for=_link)
    transaction.commit()
    assert [d.application_id for d in released] == [first.id]
    assert not decision.is_released and second.status == S.WITHDRAWN
    assert len(outbox) == 1


def _offline(application) -> None:
    organisation = application.organisation
    organisation.main_contact_id = None
    organisation.contact_name = "Joan Offline"
    organisation.contact_phone = "01942 000 000"
    organisation.contact_email = None
    db.session.flush()
    db.session.expire(organisation)


def test_groups_without_email_are_sent_a_letter_instead(outbox):
    scored = scored_round(levels=(5, 4, 3))
    quorate_meeting(scored)
    _quiet(outbox)
    first, second, third = scored.applications
    _offline(second)
    for application in scored.applications:
        decision = _decide(scored, application, "fund")
        feedback.save_feedback(scored.officer, decision, f"For {application.reference}")
    assert feedback.letters_to_print(scored.panel) == []  # nothing to print before release
    feedback.release(scored.officer, scored.panel, link_for=_link)
    transaction.commit()
    assert sorted(m.to[0] for m in outbox) == sorted(
        a.organisation.contact_email_address for a in (first, third)
    )
    assert [d.application_id for d in feedback.letters_to_print(scored.panel)] == [second.id]
    assert second.status == S.FUNDED


# What the group sees ---------------------------------------------------------------------------


def test_the_group_sees_the_outcome_and_feedback_only_after_release_and_never_scores(client):
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    top = scored.applications[0]
    for member in scored.members:
        member.full_name = f"Panellist{member.id} Hidden"
    decision = _decide(scored, top, "fund_with_conditions", conditions="Send a safeguarding policy")
    feedback.save_feedback(scored.officer, decision, "Your plan to reach carers impressed us.")
    applicant = top.organisation.main_contact
    sign_in(client, applicant)

    before = client.get(f"/applications/{top.id}/view").get_data(as_text=True)
    assert "The panel&#39;s decision" not in before and "The panel's decision" not in before
    assert "impressed us" not in before
    assert "safeguarding policy" not in before

    feedback.release(scored.officer, scored.panel, link_for=_link)
    transaction.commit()
    after = client.get(f"/applications/{top.id}/view").get_data(as_text=True)
    assert "Funded with conditions" in after
    assert "Your plan to reach carers impressed us." in after
    assert "Send a safeguarding policy" in after
    assert "£1,500" in after
    for page in (before, after):
        for member in scored.members:
            assert f"Panellist{member.id}" not in page
        assert "Mean" not in page and "Moderated" not in page and "Rank" not in page
        assert "rationale" not in page.lower() and "Agreed" not in page
    other_group = client.get(f"/applications/{scored.applications[1].id}/view")
    assert other_group.status_code in (403, 404)


def test_only_the_released_decision_is_shown_to_the_group():
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    top = scored.applications[0]
    applicant = top.organisation.main_contact
    decision = _decide(scored, top, "fund")
    assert feedback.released_decision(applicant, top) is None
    feedback.save_feedback(scored.officer, decision, "Well done")
    feedback.release(scored.officer, scored.panel, link_for=_link)
    assert feedback.released_decision(applicant, top) == decision
    assert feedback.released_decision(scored.members[0], top) is None
    assert db.session.get(Decision, decision.id).released_by_id == scored.officer.id
