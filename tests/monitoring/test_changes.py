"""Challenges and changes: what the group asks for is never a change by itself. Finance answers
each request in writing; more time or a different amount becomes a variation proposal that
another finance officer approves through awards, and a move between budget lines is agreed or
refused with no money moving. A request is answered once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from grants.applications.models import BudgetLine
from grants.awards import variations
from grants.awards.models import Variation, VariationKind, VariationStatus
from grants.email import OutboundEmail
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.monitoring import changes
from grants.monitoring.changes import DECREASE, INCREASE, ChangeDetails, FinanceAnswer
from grants.monitoring.states import ChangeAnswer, ChangeKind, ReportStatus
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.factories import make_user, sign_in
from tests.monitoring.factories import award_in_force, bare_report

pytestmark = pytest.mark.usefixtures("reference_data")
LINK = "https://grants.example/awards/1"


def with_two_lines(ready):
    """The factory's application plans one budget line; a move needs two."""
    db.session.add(
        BudgetLine(
            application_id=ready.award.application_id,
            item="Volunteer travel",
            category="volunteers",
            amount_pence=30_000,
        )
    )
    db.session.flush()
    db.session.expire(ready.award.application, ["budget_lines"])
    return ready


@pytest.fixture
def world():
    ready = with_two_lines(award_in_force())
    return ready, bare_report(ready)


def more_time(report, new_end=date(2028, 3, 31)):
    return ChangeDetails(
        ChangeKind.MORE_TIME, "The hall was closed for repairs", new_end_date=new_end
    )


def move(report, amount=20_000):
    lines = changes.budget_lines(report)
    return ChangeDetails(
        ChangeKind.MOVE_SPEND,
        "Volunteers travelled further than planned",
        amount_pence=amount,
        from_line_id=lines[0].id,
        to_line_id=lines[-1].id,
    )


def sent(ready, report, *details):
    made = [changes.add_request(ready.member, report, d) for d in details]
    report.status = ReportStatus.SUBMITTED  # the send step's own move; it calls mark_sent
    changes.mark_sent(ready.member, report)
    return made


def emails_to(address: str) -> list[OutboundEmail]:
    return list(db.session.scalars(select(OutboundEmail).where(OutboundEmail.recipient == address)))


def award_state(award):
    db.session.refresh(award)
    return (award.audit_view(), award.current_amount_pence, award.end_date)


def payments_state(award):
    return sorted((p.id, p.amount_pence, p.status, p.due_on) for p in award.payments)


def test_more_time_becomes_a_proposal_that_another_officer_approves(world):
    ready, report = world
    award = ready.award
    before = award_state(award)
    [change] = sent(ready, report, more_time(report))
    assert change.requested_at is not None
    assert award_state(award) == before  # asking changed nothing

    proposal = variations.Proposal(
        VariationKind.END_DATE,
        changes.prefilled_proposal_reason(change),
        new_end_date=date(2028, 3, 31),
    )
    changes.answer(
        ready.raiser,
        change,
        FinanceAnswer(ChangeAnswer.VARIATION_PROPOSED, "We will extend it to March", proposal),
        link=LINK,
    )
    assert change.answer == ChangeAnswer.VARIATION_PROPOSED
    variation = db.session.get(Variation, change.variation_id)
    assert (
        variation.status == VariationStatus.PROPOSED and variation.proposed_by_id == ready.raiser.id
    )
    assert "The hall was closed for repairs" in variation.reason
    assert award_state(award) == before  # a proposal is not a change either

    with pytest.raises(NotAllowed):  # the proposer cannot approve their own proposal
        variations.approve(ready.raiser, variation, link=LINK)
    variations.approve(ready.approver, variation, link=LINK)
    assert award_state(award)[2] == date(2028, 3, 31)


def test_a_different_amount_becomes_a_proposal(world):
    ready, report = world
    [change] = sent(
        ready,
        report,
        ChangeDetails(
            ChangeKind.DIFFERENT_AMOUNT, "Fewer sessions", direction=DECREASE, amount_pence=50_000
        ),
    )
    assert "A decrease of £500 " in change.details
    proposal = variations.Proposal(
        VariationKind.AMOUNT, "Fewer sessions", amount_change_pence=-50_000
    )
    changes.answer(
        ready.raiser,
        change,
        FinanceAnswer(ChangeAnswer.VARIATION_PROPOSED, "Agreed", proposal),
        link=LINK,
    )
    amount = ready.award.current_amount_pence
    variations.approve(ready.approver, change.variation, link=LINK)
    assert ready.award.current_amount_pence == amount - 50_000


@pytest.mark.parametrize("decision", [ChangeAnswer.AGREED, ChangeAnswer.REFUSED])
def test_a_move_between_lines_is_answered_in_writing_and_no_money_moves(world, decision):
    ready, report = world
    before, payments = award_state(ready.award), payments_state(ready.award)
    [change] = sent(ready, report, move(report))
    assert "Move £200 from" in change.details
    changes.answer(
        ready.raiser, change, FinanceAnswer(decision, "Thanks for telling us"), link=LINK
    )
    assert change.answer == decision and change.answer_text == "Thanks for telling us"
    assert change.answered_by_id == ready.raiser.id and change.variation_id is None
    assert award_state(ready.award) == before
    assert payments_state(ready.award) == payments
    assert db.session.scalar(select(func.count(Variation.id))) == 0
    [email] = [
        e
        for e in emails_to(ready.award.organisation.contact_email_address)
        if "answered" in e.subject
    ]
    assert decision.label in email.body and "Thanks for telling us" in email.body


def test_a_move_cannot_be_turned_into_a_variation_nor_time_simply_agreed(world):
    ready, report = world
    moving, timing = sent(ready, report, move(report), more_time(report))
    with pytest.raises(InvalidInput) as refused:
        changes.answer(
            ready.raiser, moving, FinanceAnswer(ChangeAnswer.VARIATION_PROPOSED, "x"), link=LINK
        )
    assert "decision" in refused.value.errors
    with pytest.raises(InvalidInput):
        changes.answer(ready.raiser, timing, FinanceAnswer(ChangeAnswer.AGREED, "x"), link=LINK)
    assert moving.answer is None and timing.answer is None


def test_a_finance_officer_in_the_group_may_not_answer(world):
    ready, report = world
    [change] = sent(ready, report, move(report))
    db.session.add(Membership(organisation_id=ready.award.organisation_id, user_id=ready.raiser.id))
    db.session.flush()
    with pytest.raises(NotAllowed):
        changes.answer(ready.raiser, change, FinanceAnswer(ChangeAnswer.AGREED, "Fine"), link=LINK)
    assert change.answer is None


def test_nobody_but_finance_answers(world):
    ready, report = world
    [change] = sent(ready, report, move(report))
    for person in (ready.member, make_user(Role.PROGRAMME_OFFICER), make_user(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            changes.answer(person, change, FinanceAnswer(ChangeAnswer.AGREED, "Fine"), link=LINK)


def test_answering_twice_has_no_second_effect(world):
    ready, report = world
    [change] = sent(ready, report, more_time(report))
    proposal = variations.Proposal(VariationKind.END_DATE, "Longer", new_end_date=date(2028, 3, 31))
    given = FinanceAnswer(ChangeAnswer.VARIATION_PROPOSED, "Yes", proposal)
    changes.answer(ready.raiser, change, given, link=LINK)
    emails = db.session.scalar(select(func.count(OutboundEmail.id)))
    with pytest.raises(DomainError, match="already been answered"):
        changes.answer(ready.approver, change, given, link=LINK)
    with pytest.raises(DomainError, match="already been answered"):
        changes.answer(ready.approver, change, FinanceAnswer(ChangeAnswer.REFUSED, "No"), link=LINK)
    assert db.session.scalar(select(func.count(Variation.id))) == 1
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == emails
    assert (
        change.answer == ChangeAnswer.VARIATION_PROPOSED
        and change.answered_by_id == ready.raiser.id
    )


def test_sending_tells_finance_officers_free_of_the_group_once(world):
    ready, report = world
    in_group = make_user(Role.FINANCE_OFFICER)
    db.session.add(Membership(organisation_id=ready.award.organisation_id, user_id=in_group.id))
    [change] = sent(ready, report, move(report))
    for officer in (ready.raiser, ready.approver):
        [email] = emails_to(officer.email)
        assert f"/monitoring/changes/{change.id}" in email.body
        assert change.details.splitlines()[0] in email.body
    assert emails_to(in_group.email) == []
    # A resend after changes were requested, with nothing new asked, tells nobody again.
    report.status = ReportStatus.CHANGES_REQUESTED
    assert changes.mark_sent(ready.member, report) == []
    assert len(emails_to(ready.raiser.email)) == 1


def test_the_group_asks_but_never_edits_the_award(world):
    ready, report = world
    before, payments = award_state(ready.award), payments_state(ready.award)
    for details in (
        more_time(report),
        move(report),
        ChangeDetails(
            ChangeKind.DIFFERENT_AMOUNT,
            "More people came",
            direction=INCREASE,
            amount_pence=100_000,
        ),
    ):
        changes.add_request(ready.member, report, details)
    changes.mark_sent(ready.member, report)
    assert award_state(ready.award) == before and payments_state(ready.award) == payments
    assert db.session.scalar(select(func.count(Variation.id))) == 0


def test_what_the_group_asks_is_checked(world):
    ready, report = world
    lines = changes.budget_lines(report)
    cases = [
        (ChangeDetails(ChangeKind.MORE_TIME, "", new_end_date=ready.award.end_date), {"new_end_date", "why"}),
        (ChangeDetails(ChangeKind.DIFFERENT_AMOUNT, "x", direction="sideways", amount_pence=0), {"direction", "amount_pence"}),
        (ChangeDetails(ChangeKind.DIFFERENT_AMOUNT, "x", direction=DECREASE, amount_pence=10**12), {"amount_pence"}),
        (ChangeDetails(ChangeKind.MOVE_SPEND, "x", amount_pence=100, from_line_id=lines[0].id, to_line_id=lines[0].id), {"to_line_id"}),
        (ChangeDetails(ChangeKind.MOVE_SPEND, "x", amount_pence=100, from_line_id=999_999, to_line_id=None), {"from_line_id", "to_line_id"}),
        (ChangeDetails(ChangeKind.MOVE_SPEND, "x" * 5_001, amount_pence=100, from_line_id=lines[0].id, to_line_id=lines[-1].id), {"why"}),
    ]  # fmt: skip
    for details, fields in cases:
        with pytest.raises(InvalidInput) as refused:
            changes.add_request(ready.member, report, details)
        assert set(refused.value.errors) == fields, details
    assert report.change_requests == []


def test_a_sent_request_stays_and_an_unsent_one_may_be_removed(world):
    ready, report = world
    [first] = sent(ready, report, move(report))
    report.status = ReportStatus.CHANGES_REQUESTED
    second = changes.add_request(ready.member, report, more_time(report))
    with pytest.raises(DomainError, match="cannot be taken back"):
        changes.remove_request(ready.member, report, first.id)
    changes.remove_request(ready.member, report, second.id)
    assert [c.id for c in report.change_requests] == [first.id]


def test_requests_are_capped(world):
    ready, report = world
    for amount in range(changes.MAX_REQUESTS):
        changes.add_request(ready.member, report, move(report, amount=100 + amount))
    with pytest.raises(DomainError, match="up to 10 changes"):
        changes.add_request(ready.member, report, move(report, amount=999))


def test_the_same_request_twice_is_asked_for_once(client, world):
    ready, report = world
    sign_in(client, ready.member)
    body = {"new_end_date": ["31", "3", "2028"], "why": "The hall flooded"}
    first = client.post(f"/reports/{report.id}/changes/new/more_time", data=body)
    second = client.post(f"/reports/{report.id}/changes/new/more_time", data=body)
    assert first.status_code == 302 and second.status_code == 200
    assert "You have already asked for this change" in second.get_data(as_text=True)
    db.session.refresh(report)
    assert len(report.change_requests) == 1


def test_challenges_are_saved_and_mark_the_section(world):
    ready, report = world
    changes.save_challenges(ready.member, report, "  Rain, mostly.  ")
    assert report.challenges == "Rain, mostly." and "changes" in report.sections_saved


# The pages


def test_the_group_asks_through_the_pages(client, world):
    ready, report = world
    sign_in(client, ready.member)
    assert client.get(f"/reports/{report.id}/changes").status_code == 200
    for kind in ChangeKind:
        assert client.get(f"/reports/{report.id}/changes/new/{kind.value}").status_code == 200
    assert client.get(f"/reports/{report.id}/changes/new/bogus").status_code == 404
    lines = changes.budget_lines(report)
    response = client.post(
        f"/reports/{report.id}/changes/new/move_spend",
        data={
            "from_line_id": str(lines[0].id),
            "to_line_id": str(lines[-1].id),
            "amount_pence": "£150",
            "why": "Buses",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/reports/{report.id}/changes", data={"challenges": "Buses were late"})
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    db.session.refresh(report)
    [change] = report.change_requests
    assert change.kind == ChangeKind.MOVE_SPEND and "Move £150 from" in change.details
    assert report.challenges == "Buses were late" and "changes" in report.sections_saved


def test_finance_answers_through_the_pages_and_a_replay_changes_nothing(client, world):
    ready, report = world
    [change] = sent(ready, report, more_time(report))
    sign_in(client, ready.raiser)
    listing = client.get("/monitoring/changes").get_data(as_text=True)
    assert f"/monitoring/changes/{change.id}" in listing
    page = client.get(f"/monitoring/changes/{change.id}").get_data(as_text=True)
    assert "The hall was closed for repairs" in page  # the reason comes prefilled
    body = {
        "decision": "variation_proposed",
        "new_end_date": ["31", "3", "2028"],
        "reason": "Hall closed",
        "answer_text": "We have proposed the extension",
    }
    first = client.post(f"/monitoring/changes/{change.id}", data=body)
    assert first.status_code == 302
    replay = client.post(f"/monitoring/changes/{change.id}", data=body)
    assert replay.status_code == 302
    assert db.session.scalar(select(func.count(Variation.id))) == 1
    db.session.refresh(change)
    assert change.answer == ChangeAnswer.VARIATION_PROPOSED
    listing = client.get("/monitoring/changes").get_data(as_text=True)
    assert f"/monitoring/changes/{change.id}" not in listing  # answered: no longer open


def test_the_answer_page_shows_every_error(client, world):
    ready, report = world
    [change] = sent(ready, report, more_time(report))
    sign_in(client, ready.raiser)
    response = client.post(
        f"/monitoring/changes/{change.id}",
        data={
            "decision": "variation_proposed",
            "new_end_date": ["1", "1", "2020"],
            "reason": "",
            "answer_text": "",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Write your answer to the group" in page and "Enter why the award should change" in page
    assert "The new end date must be after" in page
    assert db.session.scalar(select(func.count(Variation.id))) == 0


def test_who_may_open_the_answer_pages(client, world):
    ready, report = world
    [change] = sent(ready, report, move(report))
    unsent_report = bare_report(
        ready, kind=__import__("grants.awards.models", fromlist=["ReportKind"]).ReportKind.FINAL
    )
    unsent = changes.add_request(ready.member, unsent_report, move(unsent_report))
    sign_in(client, ready.member)
    assert client.get("/monitoring/changes").status_code == 403
    assert (
        client.post(
            f"/monitoring/changes/{change.id}", data={"decision": "agreed", "answer_text": "x"}
        ).status_code
        == 403
    )
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    assert client.get(f"/monitoring/changes/{change.id}").status_code == 403
    sign_in(client, ready.raiser)
    assert client.get(f"/monitoring/changes/{unsent.id}").status_code == 404
    assert client.get("/monitoring/changes/99999999999999999999").status_code == 404
    db.session.add(
        Membership(organisation_id=ready.award.organisation_id, user_id=ready.approver.id)
    )
    sign_in(client, ready.approver)
    page = client.get(f"/monitoring/changes/{change.id}").get_data(as_text=True)
    assert "another finance officer must answer" in page
    response = client.post(
        f"/monitoring/changes/{change.id}", data={"decision": "agreed", "answer_text": "x"}
    )
    assert response.status_code == 403
    db.session.refresh(change)
    assert change.answer is None


def test_the_list_of_open_requests_makes_a_constant_number_of_queries(client, count_queries, app):
    officer = make_user(Role.FINANCE_OFFICER)
    sign_in(client, officer)

    def add_one():
        ready = with_two_lines(award_in_force())
        report = bare_report(ready)
        sent(ready, report, move(report), more_time(report))

    add_one()
    few = count_queries(lambda: client.get("/monitoring/changes"))
    for _ in range(3):
        add_one()
    many = count_queries(lambda: client.get("/monitoring/changes"))
    assert many == few
