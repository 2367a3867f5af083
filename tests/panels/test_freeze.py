"""What was decided stays decided: the panel's work freezes at release or close, decisions keep
every version, the record is stored once at close with addenda after it, and the group is told
plainly when a decision it heard has changed."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from grants import transaction
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.panels import addenda, declarations, feedback, meetings, record, scoring
from grants.panels.decisions import DecisionInput, decide
from grants.panels.meeting_models import DecisionOutcome, DecisionVersion
from grants.panels.models import Declaration, InterestKind, ScoreSheet
from grants.panels.record_models import RecordDocument, RecordKind
from tests.panels.meeting_setup import quorate_meeting, scored_round
from tests.panels.member_setup import assign

pytestmark = pytest.mark.usefixtures("reference_data")


def _decide(scored, application, outcome, **fields):
    return decide(
        scored.officer,
        scored.panel,
        application,
        DecisionInput(outcome=outcome, rationale=fields.pop("rationale", "Agreed"), **fields),
    )


def _release(scored, text="Thank you for applying."):
    for decision in feedback.round_decisions(scored.panel):
        if not decision.is_released:
            feedback.save_feedback(scored.officer, decision, text)
    return feedback.release(scored.officer, scored.panel, link_for=lambda a: "/applications")


def _sheet(application, member) -> ScoreSheet:
    return db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.application_id == application.id, ScoreSheet.user_id == member.id
        )
    )


def _zeros(application):
    values = scoring.ScoreValues()
    for criterion in scoring.criteria_of(application):
        values.entries[criterion.id] = scoring.Entry(score=0)
    return values


def _mean(scored, application) -> float:
    ranking = meetings.ranked_list(scored.panel)
    return next(r.aggregate.mean for r in ranking.rows if r.application.id == application.id)


# Item 18: the freeze -----------------------------------------------------------------------------


def test_after_release_no_score_can_be_sent_and_the_released_mean_stays():
    scored = scored_round(levels=(3,))
    quorate_meeting(scored)
    application = scored.applications[0]
    member = scored.members[0]
    assign(scored.panel, application, member)
    declarations.declare(member, application, "none")
    scoring.reopen(scored.officer, _sheet(application, member), "Misread the paper form")
    _decide(scored, application, "fund")
    _release(scored)
    before = _mean(scored, application)
    with pytest.raises(NotAllowed, match="released or its meeting has closed"):
        scoring.submit(member, member, application, _zeros(application))
    with pytest.raises(NotAllowed):
        scoring.save_draft(scored.officer, member, application, _zeros(application))
    assert _mean(scored, application) == before == pytest.approx(60.0)
    assert not _sheet(application, member).is_submitted


def test_after_release_no_score_is_reopened_no_declaration_recorded_no_conflict_waived():
    scored = scored_round(levels=(3,))
    quorate_meeting(scored)
    application = scored.applications[0]
    first, second, third, _ = scored.members
    for member in (first, second, third):
        assign(scored.panel, application, member)
    declarations.declare(second, application, "family_or_friend", "My cousin volunteers there")
    _decide(scored, application, "fund")
    _release(scored)
    with pytest.raises(NotAllowed):
        scoring.reopen(scored.officer, _sheet(application, first), "Typed a 3 for a 5")
    with pytest.raises(NotAllowed):
        declarations.declare(first, application, "none")
    with pytest.raises(NotAllowed):
        declarations.record_for_member(scored.officer, third, application, "none", None)
    declaration = db.session.scalar(select(Declaration).filter_by(user_id=second.id))
    with pytest.raises(NotAllowed):
        declarations.waive(scored.officer, declaration, "Only a distant relation")
    assert declaration.waived_at is None and declaration.kind == InterestKind.FAMILY_OR_FRIEND
    assert _sheet(application, first).is_submitted


def test_closing_the_meeting_freezes_applications_not_yet_released():
    scored = scored_round(levels=(4, 3))
    meeting = quorate_meeting(scored)
    decided, undecided = scored.applications
    _decide(scored, decided, "fund")
    meetings.close_meeting(scored.officer, meeting)
    for application in (decided, undecided):
        with pytest.raises(NotAllowed):
            scoring.reopen(scored.officer, _sheet(application, scored.members[0]), "Late change")


def test_before_the_freeze_scores_can_still_be_reopened():
    scored = scored_round(levels=(4,))
    quorate_meeting(scored)
    application = scored.applications[0]
    _decide(scored, application, "fund")  # decided, not released, meeting open
    sheet = scoring.reopen(scored.officer, _sheet(application, scored.members[0]), "Misread")
    assert not sheet.is_submitted


def test_the_record_is_stored_once_at_close_and_downloads_return_that_file(client, app):
    from tests.factories import sign_in

    scored = scored_round(levels=(5, 3))
    meeting = quorate_meeting(scored)
    _decide(scored, scored.applications[0], "fund")
    _release(scored)
    meetings.close_meeting(scored.officer, meeting)
    stored = addenda.stored_record(scored.panel)
    assert stored is not None and stored.number == 0 and stored.kind == RecordKind.RECORD
    content = addenda.read(stored)
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == stored.sha256
    scored.applications[0].organisation.name = "Renamed After The Meeting"
    transaction.commit()
    sign_in(client, scored.officer)
    url = f"/panels/meetings/rounds/{scored.round.id}/decision-record.pdf"
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first.data == content and second.data == content
    assert db.session.query(RecordDocument).count() == 1


# Item 19: versions, reasons, feedback review and plain telling -----------------------------------


def test_changing_a_decision_needs_a_reason_and_keeps_every_version():
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    application = scored.applications[0]
    _decide(scored, application, "reserve")
    with pytest.raises(InvalidInput) as raised:
        _decide(scored, application, "fund")
    assert raised.value.errors["change_reason"] == "Enter why the decision is changing"
    with pytest.raises(InvalidInput) as raised:
        _decide(scored, application, "fund", change_reason="   ")
    assert "change_reason" in raised.value.errors
    decision = _decide(scored, application, "fund", change_reason="Money was found")
    versions = db.session.scalars(select(DecisionVersion).order_by(DecisionVersion.version)).all()
    assert [(v.version, v.outcome, v.change_reason) for v in versions] == [
        (1, DecisionOutcome.RESERVE, None),
        (2, DecisionOutcome.FUND, "Money was found"),
    ]
    assert decision.version == 2 and versions[1].changed_by_id == scored.officer.id


def test_a_released_reserve_funded_later_stays_in_the_record_with_an_addendum(outbox):
    scored = scored_round(levels=(5, 4))
    meeting = quorate_meeting(scored)
    top, second = scored.applications
    _decide(scored, top, "fund")
    _decide(scored, second, "reserve", rationale="Strong, but the budget was spent")
    _release(scored, "Reserve feedback: you are next in line.")
    meetings.close_meeting(scored.officer, meeting)
    original = addenda.read(addenda.stored_record(scored.panel))
    transaction.commit()
    outbox.clear()

    decision = _decide(scored, second, "fund", change_reason="An underspend was returned")
    documents = addenda.documents_of(scored.panel)
    assert [(d.number, d.kind) for d in documents] == [
        (0, RecordKind.RECORD),
        (1, RecordKind.DECISION_CHANGED),
    ]
    assert "from Reserve list to Fund in full" in documents[1].summary
    assert "An underspend was returned" in documents[1].summary
    assert addenda.read(documents[0]) == original
    assert hashlib.sha256(addenda.read(documents[1])).hexdigest() == documents[1].sha256
    html = record.decision_record_html(scored.panel)
    assert "Every version of this decision" in html and "Reserve list" in html
    assert "An underspend was returned" in html

    # The reserve feedback was written for the reserve decision: it must be confirmed first.
    assert decision.feedback_needs_review
    with pytest.raises(Exception, match="changed after their feedback was written"):
        feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    feedback.save_feedback(scored.officer, decision, "Funded from the returned underspend.")
    feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    transaction.commit()
    [message] = outbox
    assert "has changed" in message.subject
    assert "It was: Reserve list" in message.body
    assert "It is now: Fund in full" in message.body
    assert "Why it changed: An underspend was returned" in message.body
    assert "Funded from the returned underspend." in message.body
    assert "Reserve feedback" not in message.body


def test_a_first_release_after_changes_before_release_is_an_ordinary_decision(outbox):
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    application = scored.applications[0]
    _decide(scored, application, "decline", decline_detail="Below the line")
    decision = _decide(scored, application, "fund", change_reason="Clicked the wrong outcome")
    assert addenda.documents_of(scored.panel) == []  # not frozen yet: a version, no addendum
    transaction.commit()
    outbox.clear()
    feedback.save_feedback(scored.officer, decision, "Well planned.")
    feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    transaction.commit()
    [message] = outbox
    assert "has changed" not in message.subject and "It was:" not in message.body


def test_add_addendum_records_a_conflict_found_after_the_freeze():
    scored = scored_round(levels=(5,))
    meeting = quorate_meeting(scored)
    _decide(scored, scored.applications[0], "fund")
    meetings.close_meeting(scored.officer, meeting)
    document = record.add_addendum(
        scored.round, "conflict_found", "A member rejoined the group after scoring.", None
    )
    assert (document.number, document.kind, document.created_by_id) == (
        1,
        RecordKind.CONFLICT_FOUND,
        None,
    )
    assert hashlib.sha256(addenda.read(document)).hexdigest() == document.sha256
    second = record.add_addendum(meeting, RecordKind.CONFLICT_FOUND, "Another one.", None)
    assert second.number == 2
    with pytest.raises(ValueError):
        record.add_addendum(scored.round, "record", "Not an addendum", None)
    with pytest.raises(ValueError):
        record.add_addendum(scored.round, "conflict_found", "   ", None)


# Item 20: release and close are confirmed ---------------------------------------------------------


def _signed_in(client, scored):
    from tests.factories import sign_in

    transaction.commit()
    sign_in(client, scored.officer)
    return f"/panels/meetings/rounds/{scored.round.id}"


def test_release_says_who_will_be_told_and_only_a_confirming_post_releases(client, outbox):
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    for application in scored.applications:
        decision = _decide(scored, application, "fund")
        feedback.save_feedback(scored.officer, decision, "Well planned.")
    base = _signed_in(client, scored)
    outbox.clear()
    page = client.get(f"{base}/release").get_data(as_text=True)
    assert "2 groups will be emailed" in page and "This cannot be undone" in page
    for forged in ({}, {"confirm": "no"}, {"confirm": ""}):  # the old one-click form, or forged
        response = client.post(f"{base}/release", data=forged)
        assert response.status_code == 200 and "This cannot be undone" in response.text
    assert not any(d.is_released for d in feedback.round_decisions(scored.panel))
    assert outbox == []
    client.post(f"{base}/release", data={"confirm": "yes"})
    again = client.post(f"{base}/release", data={"confirm": "yes"}, follow_redirects=True)
    assert "Every decision has already been released" in again.text
    assert len(outbox) == 2  # a double submit tells nobody twice
    assert client.get(f"{base}/release").status_code == 302  # nothing left to confirm


def test_release_page_names_what_blocks_it_and_offers_no_button(client):
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    _decide(scored, scored.applications[0], "fund")
    base = _signed_in(client, scored)
    page = client.get(f"{base}/release").get_data(as_text=True)
    assert "Write feedback for every decision" in page and 'name="confirm"' not in page


def test_close_says_what_it_fixes_and_only_a_confirming_post_closes(client):
    scored = scored_round(levels=(5, 4, 3))
    meeting = quorate_meeting(scored)
    _decide(scored, scored.applications[0], "fund")
    base = _signed_in(client, scored)
    page = client.get(f"{base}/close").get_data(as_text=True)
    assert "2 applications will be left without a decision" in page
    assert "This cannot be undone" in page and "SHA-256" in page
    response = client.post(f"{base}/close", data={})
    assert response.status_code == 200 and "This cannot be undone" in response.text
    db.session.refresh(meeting)
    assert meeting.is_open and addenda.stored_record(scored.panel) is None
    client.post(f"{base}/close", data={"confirm": "yes"})
    client.post(f"{base}/close", data={"confirm": "yes"})  # a double submit
    db.session.expire_all()
    assert not meetings.meeting_of(scored.panel).is_open
    assert db.session.query(RecordDocument).count() == 1


def test_an_addendum_that_does_not_exist_is_not_found(client):
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    base = _signed_in(client, scored)
    for number in ("0", "1", "99999999999999999999"):
        response = client.get(f"{base}/decision-record/addenda/{number}.pdf")
        assert response.status_code == 404


def test_frozen_pages_offer_no_scoring_reopening_declaring_or_waiving(client):
    from tests.factories import sign_in

    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    application = scored.applications[0]
    first, second, third, _ = scored.members
    for member in (first, second, third):
        assign(scored.panel, application, member)
    declarations.declare(first, application, "none")
    declarations.declare(second, application, "family_or_friend", "My cousin volunteers there")
    _decide(scored, application, "fund")
    _release(scored)
    transaction.commit()
    sign_in(client, scored.officer)
    paper = client.get(f"/scoring/{application.id}/members/{first.id}/paper").text
    assert "Reopen scores" not in paper and "these scores are final" in paper
    register = client.get(f"/scoring/rounds/{scored.round.id}/interests").text
    assert "Why this is not a conflict" not in register
    sign_in(client, third)  # the session now holds the member instead
    assert client.get(f"/scoring/{application.id}/declare").status_code == 403
