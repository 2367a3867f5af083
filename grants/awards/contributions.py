"""Partners' money in a fund: finance records, corrects and removes contributions.

A fund's budget is the sum of its contributions, so a contribution may change only while the
money already promised still fits: the fund's budget may not fall below what its rounds have
been given, nor a contribution below what the awards naming it have committed. Each change is
audited before and after, and the fund's cached budget is refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from grants import audit, limits, transaction
from grants.accounts.models import User
from grants.awards.access import check_finance
from grants.awards.ledger import award_money
from grants.awards.models import Award
from grants.clock import uk_today
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.funds.models import Contribution, Fund, Round
from grants.funds.services import ORG_ID, text_error
from grants.money import format_pence

NAME_MAX_LENGTH = 200


@dataclass
class ContributionDetails:
    """A contribution as finance gives it. None means "not answered"."""

    contributor_name: str | None
    contributor_org_id: str | None
    amount_pence: int | None
    received_on: date | None


def get_fund(fund_id: int) -> Fund:
    fund = db.session.get(Fund, fund_id)
    if fund is None:
        raise NotFound("Fund not found")
    return fund


def get_contribution(fund: Fund, contribution_id: int) -> Contribution:
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.fund_id != fund.id:
        raise NotFound("Contribution not found")
    return contribution


def rounds_total(fund: Fund) -> int:
    """What the fund's rounds have been given between them."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Round.budget_pence), 0)).where(Round.fund_id == fund.id)
    )
    return int(total or 0)


def committed_from(contribution: Contribution) -> int:
    """What the awards naming this contribution commit."""
    return sum(m.committed_pence for m in award_money(Award.contribution_id == contribution.id))


def named_by_awards(fund: Fund) -> set[int]:
    """The fund's contributions some award is paid from (they cannot be removed), in one query."""
    return set(
        db.session.scalars(
            select(Award.contribution_id)
            .join(Contribution, Contribution.id == Award.contribution_id)
            .where(Contribution.fund_id == fund.id)
        )
    )


def names_it(contribution: Contribution) -> bool:
    return (
        db.session.scalar(select(Award.id).where(Award.contribution_id == contribution.id).limit(1))
        is not None
    )


def errors(details: ContributionDetails) -> dict[str, str]:
    """Every problem with these details at once (answers a form refused arrive as None)."""
    problems: dict[str, str] = {}
    name_problem = text_error(
        details.contributor_name,
        missing="Enter the contributor's name",
        label="Contributor's name",
        max_length=NAME_MAX_LENGTH,
    )
    if name_problem:
        problems["contributor_name"] = name_problem
    if not ORG_ID.match((details.contributor_org_id or "").strip()):
        problems["contributor_org_id"] = (
            "Enter the contributor's org-id, like GB-NHS-RXX or GB-COH-01234567"
        )
    if details.amount_pence is None:
        problems["amount_pence"] = "Enter the amount contributed"
    elif details.amount_pence <= 0:
        problems["amount_pence"] = "The amount must be more than £0"
    if details.received_on is None:
        problems["received_on"] = "Enter the date the money was received"
    elif details.received_on > uk_today():
        problems["received_on"] = "The date the money was received must be today or in the past"
    return problems


def _refresh(fund: Fund) -> None:
    db.session.flush()
    db.session.expire(fund, ["budget_pence", "contributions"])


def _check_budget_stays(fund: Fund, change_pence: int) -> None:
    """Refuse a change that would leave the fund's budget below its rounds' budgets."""
    allocated = rounds_total(fund)
    budget = fund.budget_pence + change_pence
    if budget < allocated:
        raise DomainError(
            f"The fund's budget would fall to {format_pence(budget)}, "
            f"less than the {format_pence(allocated)} its rounds have been given",
            field="amount_pence",
        )


def _lock_fund(fund: Fund, contribution: Contribution) -> None:
    """Put changes to one fund's contributions in order (a no-op update takes the row lock);
    the contribution must still be there once the lock is ours (a double click removes once)."""
    transaction.claim(fund, id=fund.id)
    still_there = select(Contribution.id).where(Contribution.id == contribution.id)
    if db.session.scalar(still_there) is None:
        raise DomainError("This contribution has already been removed")
    db.session.refresh(contribution)


def add(actor: User, fund: Fund, details: ContributionDetails) -> Contribution:
    check_finance(actor)
    problems = errors(details)
    if problems:
        raise InvalidInput(problems)
    limits.make_room(
        fund,
        Contribution.fund_id,
        limits.MAX_CONTRIBUTIONS,
        f"A fund can record up to {limits.MAX_CONTRIBUTIONS} contributions. "
        "Correct an existing contribution instead of adding another",
        field="contributor_name",
    )
    contribution = Contribution(
        fund_id=fund.id,
        contributor_name=details.contributor_name.strip(),
        contributor_org_id=details.contributor_org_id.strip(),
        amount_pence=details.amount_pence,
        received_on=details.received_on,
        created_by_id=actor.id,
    )
    db.session.add(contribution)
    _refresh(fund)
    audit.record(actor, "contribution.added", contribution, after=contribution.audit_view())
    return contribution


def correct(actor: User, contribution: Contribution, details: ContributionDetails) -> Contribution:
    """Correct a contribution recorded wrongly (the money the partner really gave)."""
    check_finance(actor)
    problems = errors(details)
    if problems:
        raise InvalidInput(problems)
    fund = contribution.fund
    _lock_fund(fund, contribution)
    _check_budget_stays(fund, details.amount_pence - contribution.amount_pence)
    committed = committed_from(contribution)
    if details.amount_pence < committed:
        raise DomainError(
            f"Awards paid from this contribution have committed {format_pence(committed)}, "
            "so it cannot be less than that",
            field="amount_pence",
        )
    before = contribution.audit_view()
    contribution.contributor_name = details.contributor_name.strip()
    contribution.contributor_org_id = details.contributor_org_id.strip()
    contribution.amount_pence = details.amount_pence
    contribution.received_on = details.received_on
    _refresh(fund)
    audit.record(
        actor,
        "contribution.corrected",
        contribution,
        before=before,
        after=contribution.audit_view(),
    )
    return contribution


def remove(actor: User, contribution: Contribution) -> None:
    """Remove a contribution recorded by mistake: only while no award names it."""
    check_finance(actor)
    fund = contribution.fund
    _lock_fund(fund, contribution)
    if names_it(contribution):
        raise DomainError("Awards are paid from this contribution, so it cannot be removed")
    _check_budget_stays(fund, -contribution.amount_pence)
    audit.record(actor, "contribution.removed", contribution, before=contribution.audit_view())
    db.session.delete(contribution)
    _refresh(fund)
