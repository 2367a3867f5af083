"""Section 5 of the report: what got in the way, the changes the group asks for, and finance's
written answers.

A group's request is never a change by itself: the group never edits the award. A request waits
in the report until it is sent (``mark_sent``, called by the send step), when finance officers
are told. A finance officer free of the group answers each in writing:

- a move between budget lines is agreed or refused, and recorded against the report; no money
  moves;
- more time or a different amount is refused, or becomes a variation *proposal* through
  ``awards.variations`` (another finance officer approves it there, as for any variation) which
  the request names.

The group is emailed the answer. A request is answered once: a second answer (a double click, a
replayed POST, two officers at once) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from grants import audit, transaction
from grants.accounts.models import User
from grants.applications.models import BudgetLine
from grants.applications.services import email_group
from grants.awards import variations
from grants.awards.models import Award, VariationKind
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.formatting import long_date
from grants.money import format_pence
from grants.monitoring import access
from grants.monitoring.models import MonitoringReport, ReportChangeRequest
from grants.monitoring.states import ChangeAnswer, ChangeKind
from grants.monitoring.stories import mark_saved
from grants.permissions import Role

SECTION = "changes"
TEXT_LIMIT = 5_000
MAX_REQUESTS = 10
INCREASE, DECREASE = "increase", "decrease"
# The answers finance may give to each kind of request.
ANSWERS = {
    ChangeKind.MOVE_SPEND: (ChangeAnswer.AGREED, ChangeAnswer.REFUSED),
    ChangeKind.MORE_TIME: (ChangeAnswer.VARIATION_PROPOSED, ChangeAnswer.REFUSED),
    ChangeKind.DIFFERENT_AMOUNT: (ChangeAnswer.VARIATION_PROPOSED, ChangeAnswer.REFUSED),
}
VARIATION_KIND = {
    ChangeKind.MORE_TIME: VariationKind.END_DATE,
    ChangeKind.DIFFERENT_AMOUNT: VariationKind.AMOUNT,
}


def _text_problem(text: str | None, message: str, *, required: bool = True) -> str | None:
    text = (text or "").strip()
    if required and not text:
        return message
    if len(text) > TEXT_LIMIT:
        return f"Your answer must be {TEXT_LIMIT:,} characters or fewer"
    return None


# The group's side


def save_challenges(actor: User, report: MonitoringReport, challenges: str | None) -> None:
    """What got in the way (optional), and the section marked as saved."""
    access.check_may_edit(actor, report)
    problem = _text_problem(challenges, "", required=False)
    if problem:
        raise DomainError(problem, field="challenges")
    before = {"challenges": report.challenges}
    report.challenges = (challenges or "").strip() or None
    mark_saved(report, SECTION)
    db.session.flush()
    audit.record(
        actor,
        "report.challenges_saved",
        report,
        before=before,
        after={"challenges": report.challenges},
    )


@dataclass(frozen=True)
class ChangeDetails:
    """A change the group asks for. Which fields count depends on ``kind``; None is no answer."""

    kind: ChangeKind
    why: str | None
    new_end_date: date | None = None  # more time
    direction: str | None = None  # a different amount: INCREASE or DECREASE
    amount_pence: int | None = None  # a different amount, or how much to move
    from_line_id: int | None = None  # a move between budget lines
    to_line_id: int | None = None


def budget_lines(report: MonitoringReport) -> list[BudgetLine]:
    return list(report.award.application.budget_lines)


def change_problems(report: MonitoringReport, details: ChangeDetails) -> dict[str, str]:
    problems: dict[str, str] = {}
    award = report.award
    if details.kind == ChangeKind.MORE_TIME:
        if details.new_end_date is None:
            problems["new_end_date"] = "Enter the date you would like the project to end"
        elif details.new_end_date <= award.end_date:
            problems["new_end_date"] = (
                f"The new end date must be after {long_date(award.end_date)}, when it ends now"
            )
    elif details.kind == ChangeKind.DIFFERENT_AMOUNT:
        if details.direction not in (INCREASE, DECREASE):
            problems["direction"] = "Choose whether you need more or less money"
        if not details.amount_pence or details.amount_pence <= 0:
            problems["amount_pence"] = "Enter how much more or less you need"
        elif details.direction == DECREASE and details.amount_pence >= award.current_amount_pence:
            problems["amount_pence"] = (
                f"The decrease must be less than the grant of {format_pence(award.current_amount_pence)}"
            )
    else:
        lines = {line.id for line in budget_lines(report)}
        if details.from_line_id not in lines:
            problems["from_line_id"] = "Choose the budget line to move money from"
        if details.to_line_id not in lines:
            problems["to_line_id"] = "Choose the budget line to move money to"
        elif details.to_line_id == details.from_line_id:
            problems["to_line_id"] = "Choose a different budget line to move money to"
        if not details.amount_pence or details.amount_pence <= 0:
            problems["amount_pence"] = "Enter how much you would like to move"
        elif details.amount_pence > award.current_amount_pence:
            problems["amount_pence"] = "You cannot move more than the whole grant"
    problem = _text_problem(details.why, "Tell us why you need this change")
    if problem:
        problems["why"] = problem
    return problems


def describe_request(report: MonitoringReport, details: ChangeDetails) -> str:
    """The request in words, as finance and the group will read it."""
    why = details.why.strip()
    if details.kind == ChangeKind.MORE_TIME:
        asked = f"End the project on {long_date(details.new_end_date)} instead of {long_date(report.award.end_date)}."
    elif details.kind == ChangeKind.DIFFERENT_AMOUNT:
        word = "An increase" if details.direction == INCREASE else "A decrease"
        asked = f"{word} of {format_pence(details.amount_pence)} to the grant."
    else:
        lines = {line.id: line for line in budget_lines(report)}
        source, target = lines[details.from_line_id], lines[details.to_line_id]
        asked = (
            f"Move {format_pence(details.amount_pence)} from “{source.item}” "
            f"(planned {format_pence(source.amount_pence)}) to “{target.item}” "
            f"(planned {format_pence(target.amount_pence)})."
        )
    return f"{asked}\nWhy: {why}"


def add_request(
    actor: User, report: MonitoringReport, details: ChangeDetails
) -> ReportChangeRequest:
    access.check_may_edit(actor, report)
    problems = change_problems(report, details)
    if problems:
        raise InvalidInput(problems)
    transaction.claim(report, id=report.id)  # two adds at once are counted in turn
    count = db.session.scalar(
        select(func.count(ReportChangeRequest.id)).where(ReportChangeRequest.report_id == report.id)
    )
    if count >= MAX_REQUESTS:
        raise DomainError(f"A report can ask for up to {MAX_REQUESTS} changes")
    described = describe_request(report, details)
    db.session.refresh(report, ["change_requests"])
    if any(c.kind == details.kind and c.details == described for c in report.change_requests):
        # A second click, or the same request sent twice: it is asked for once.
        raise DomainError("You have already asked for this change")
    change = ReportChangeRequest(report=report, kind=details.kind, details=described)
    db.session.add(change)
    mark_saved(report, SECTION)
    db.session.flush()
    audit.record(actor, "report_change.asked", change, after=change_view(change))
    return change


def remove_request(actor: User, report: MonitoringReport, change_id: int) -> None:
    """A request not yet sent may be taken back; a sent one stays, with finance's answer."""
    access.check_may_edit(actor, report)
    change = next((c for c in report.change_requests if c.id == change_id), None)
    if change is None:
        raise NotFound("Change request not found")
    if change.requested_at is not None:
        raise DomainError("This request has been sent to finance, so it cannot be taken back")
    audit.record(actor, "report_change.withdrawn", change, before=change_view(change))
    report.change_requests.remove(change)
    db.session.flush()


def change_view(change: ReportChangeRequest) -> dict:
    return {
        "report_id": change.report_id,
        "kind": change.kind.value,
        "details": change.details,
        "requested_at": change.requested_at.isoformat() if change.requested_at else None,
        "answer": change.answer.value if change.answer else None,
        "answer_text": change.answer_text,
        "variation_id": change.variation_id,
    }


# Sending


def mark_sent(actor: User, report: MonitoringReport) -> list[ReportChangeRequest]:
    """Call when the report is sent: its new requests are dated and finance officers are told.
    Returns the requests sent now (none on a resend that asks for nothing new)."""
    now = utcnow()
    sent = [c for c in report.change_requests if c.requested_at is None]
    for change in sent:
        change.requested_at = now
    db.session.flush()
    for change in sent:
        audit.record(actor, "report_change.sent", change, after=change_view(change))
    if sent:
        notify_finance_of_requests(report, sent)
    return sent


def notify_finance_of_requests(
    report: MonitoringReport, requests: list[ReportChangeRequest] | None = None
) -> None:
    """Email each finance officer free of the group that the report asks for changes."""
    requests = requests if requests is not None else open_requests_of(report)
    if not requests:
        return
    for officer in access.staff_free_of(Role.FINANCE_OFFICER, report.award):
        queue_email(
            officer.email,
            "A group has asked to change its grant",
            "report_change_requested",
            officer=officer,
            report=report,
            award=report.award,
            requests=requests,
        )


def open_requests_of(report: MonitoringReport) -> list[ReportChangeRequest]:
    return [c for c in report.change_requests if c.requested_at is not None and c.answer is None]


# Finance's side


def open_requests():
    """A query for the sent requests waiting for finance's answer, oldest first."""
    return (
        select(ReportChangeRequest)
        .where(ReportChangeRequest.requested_at.is_not(None), ReportChangeRequest.answer.is_(None))
        .options(
            joinedload(ReportChangeRequest.report)
            .joinedload(MonitoringReport.award)
            .joinedload(Award.organisation),
            joinedload(ReportChangeRequest.report).joinedload(MonitoringReport.report_due),
        )
        .order_by(ReportChangeRequest.requested_at, ReportChangeRequest.id)
    )


def get_sent_change(actor: User, change_id: int) -> ReportChangeRequest:
    """A request that has been sent, if this person may see its report (NotFound otherwise)."""
    change = db.session.get(ReportChangeRequest, change_id)
    if change is None or change.requested_at is None:
        raise NotFound("Change request not found")
    access.get_for_viewing(actor, change.report_id)
    return change


@dataclass(frozen=True)
class FinanceAnswer:
    decision: ChangeAnswer | None
    answer_text: str | None
    proposal: variations.Proposal | None = None  # for VARIATION_PROPOSED


def answer_problems(change: ReportChangeRequest, given: FinanceAnswer) -> dict[str, str]:
    problems: dict[str, str] = {}
    if given.decision not in ANSWERS[change.kind]:
        problems["decision"] = "Choose your answer"
    problem = _text_problem(given.answer_text, "Write your answer to the group")
    if problem:
        problems["answer_text"] = problem
    if given.decision == ChangeAnswer.VARIATION_PROPOSED:
        if given.proposal is None:
            problems["reason"] = "Enter why the award should change"
        else:
            problems.update(variations.proposal_errors(change.report.award, given.proposal))
    return problems


def prefilled_proposal_reason(change: ReportChangeRequest) -> str:
    return f"Asked for by the group in its {change.report.kind.label.lower()}: {change.details}"[
        : variations.REASON_MAX_LENGTH
    ]


def answer(actor: User, change: ReportChangeRequest, given: FinanceAnswer, *, link: str):
    """Finance's written answer, given once; ``link`` is the award's page, for the group."""
    report = change.report
    access.check_finance(actor, report)
    if change.requested_at is None:
        raise NotFound("Change request not found")
    if change.answer is not None:
        raise DomainError(_already(change))
    problems = answer_problems(change, given)
    if problems:
        raise InvalidInput(problems)
    proposing = given.decision == ChangeAnswer.VARIATION_PROPOSED
    if proposing and given.proposal.kind != VARIATION_KIND[change.kind]:
        raise DomainError("Propose the kind of change the group asked for")
    if not transaction.claim(change, answer=None):
        db.session.refresh(change)
        raise DomainError(_already(change))
    before = change_view(change)
    if given.decision == ChangeAnswer.VARIATION_PROPOSED:
        variation = variations.propose(actor, report.award, given.proposal)
        change.variation_id = variation.id
    change.answer = given.decision
    change.answer_text = given.answer_text.strip()
    change.answered_by_id = actor.id
    change.answered_at = utcnow()
    db.session.flush()
    audit.record(actor, "report_change.answered", change, before=before, after=change_view(change))
    email_group(
        report.award.application,
        "Your request to change your grant has been answered",
        "report_change_answered",
        award=report.award,
        change=change,
        link=link,
    )
    return change


def _already(change: ReportChangeRequest) -> str:
    return f"This request has already been answered: {change.answer.label.lower()}"
