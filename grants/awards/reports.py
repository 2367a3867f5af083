"""The ledger's totals by fund, round, contributor, neighbourhood and principle.

Every figure comes from ``ledger.award_money`` (one query for all the awards) plus the funds'
contributions and the rounds' budgets: nothing is stored as a running total. Each table's rows
add up exactly to its totals row, to the penny:

- an award whose project covers several neighbourhoods is split between them in whole pence,
  equal shares with the leftover pennies to the first by name, so nothing is counted twice;
- an award naming no contribution goes in a row of its own, "Not assigned to a contributor".

In every row committed = net paid + outstanding, and where there is a budget, remaining =
budget - committed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from grants.applications.models import Application, application_neighbourhood
from grants.awards.ledger import AwardMoney, award_money
from grants.awards.models import Award
from grants.extensions import db
from grants.funds.models import Contribution, Fund, Round
from grants.money import split_equally
from grants.reference.models import Neighbourhood, Principle

NOT_ASSIGNED = "Not assigned to a contributor"
NO_NEIGHBOURHOOD = "Borough-wide / not given"
NO_PRINCIPLE = "Not given"


@dataclass
class Totals:
    """One row of a ledger table. ``budget`` is None where the dimension has none."""

    label: str
    budget: int | None = None
    paid: int = 0
    recovered: int = 0
    outstanding: int = 0
    detail: str = ""  # a second line under the label (a contribution's fund, say)
    key: object = None  # the fund, round or contribution id the row is about

    @property
    def net_paid(self) -> int:
        return self.paid - self.recovered

    @property
    def committed(self) -> int:
        return self.net_paid + self.outstanding

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.committed

    def add(self, paid: int, recovered: int, outstanding: int) -> None:
        self.paid += paid
        self.recovered += recovered
        self.outstanding += outstanding


@dataclass
class Table:
    title: str
    dimension: str  # the first column's heading
    rows: list[Totals]
    has_budget: bool
    total: Totals = field(init=False)

    def __post_init__(self) -> None:
        budgets = [row.budget for row in self.rows if row.budget is not None]
        self.total = Totals("Total", budget=sum(budgets) if self.has_budget else None)
        for row in self.rows:
            self.total.add(row.paid, row.recovered, row.outstanding)


def _add_money(row: Totals, money: AwardMoney) -> None:
    row.add(money.paid_pence, money.recovered_pence, money.outstanding_pence)


@dataclass
class Ledger:
    """The five tables, and each award's money for pages that need it."""

    money: list[AwardMoney]
    by_fund: Table
    by_round: Table
    by_contributor: Table
    by_neighbourhood: Table
    by_principle: Table

    @property
    def tables(self) -> list[Table]:
        return [
            self.by_fund,
            self.by_round,
            self.by_contributor,
            self.by_neighbourhood,
            self.by_principle,
        ]


def _rounds(fund_id: int | None, round_id: int | None) -> list[tuple[Round, Fund]]:
    query = select(Round, Fund).join(Fund, Round.fund_id == Fund.id).order_by(Fund.name, Round.id)
    if fund_id is not None:
        query = query.where(Round.fund_id == fund_id)
    if round_id is not None:
        query = query.where(Round.id == round_id)
    return [(r, f) for r, f in db.session.execute(query)]


def neighbourhoods_of(award_ids: list[int]) -> dict[int, list[str]]:
    """Each award's project's neighbourhoods by name, in one query."""
    names: dict[int, list[str]] = defaultdict(list)
    if not award_ids:
        return names
    query = (
        select(Award.id, Neighbourhood.name)
        .join(
            application_neighbourhood,
            application_neighbourhood.c.application_id == Award.application_id,
        )
        .join(Neighbourhood, Neighbourhood.id == application_neighbourhood.c.neighbourhood_id)
        .where(Award.id.in_(award_ids))
        .order_by(Award.id, Neighbourhood.name, Neighbourhood.id)
    )
    for award_id, name in db.session.execute(query):
        names[award_id].append(name)
    return names


def principles_of(award_ids: list[int]) -> dict[int, str]:
    """Each award's project's main principle, in one query (missing: none given)."""
    if not award_ids:
        return {}
    query = (
        select(Award.id, Principle.name)
        .join(Application, Application.id == Award.application_id)
        .join(Principle, Principle.id == Application.main_principle_id)
        .where(Award.id.in_(award_ids))
    )
    return dict(db.session.execute(query).all())


def ledger(*, fund_id: int | None = None, round_id: int | None = None) -> Ledger:
    """Every table, for every fund or one fund or one round, in six queries."""
    rounds = _rounds(fund_id, round_id)
    round_ids = [r.id for r, _ in rounds]
    if round_id is not None:
        funds = list({f.id: f for _, f in rounds}.values())
    else:
        query = select(Fund).order_by(Fund.name)
        if fund_id is not None:
            query = query.where(Fund.id == fund_id)
        funds = list(db.session.scalars(query))
    fund_ids = [f.id for f in funds]
    money = award_money(Award.round_id.in_(round_ids)) if round_ids else []
    contributions = (
        list(
            db.session.scalars(
                select(Contribution)
                .where(Contribution.fund_id.in_(fund_ids))
                .order_by(Contribution.fund_id, Contribution.id)
            )
        )
        if fund_ids
        else []
    )
    award_ids = [m.award_id for m in money]
    return Ledger(
        money=money,
        by_fund=_by_fund(funds, rounds, money),
        by_round=_by_round(rounds, money),
        by_contributor=_by_contributor(rounds, contributions, money),
        by_neighbourhood=_by_neighbourhood(money, neighbourhoods_of(award_ids)),
        by_principle=_by_principle(money, principles_of(award_ids)),
    )


def _by_fund(funds: list[Fund], rounds, money) -> Table:
    rows = {f.id: Totals(f.name, budget=f.budget_pence, key=f.id) for f in funds}
    fund_of_round = {r.id: f.id for r, f in rounds}
    for item in money:
        _add_money(rows[fund_of_round[item.round_id]], item)
    return Table("By fund", "Fund", list(rows.values()), has_budget=True)


def _by_round(rounds, money) -> Table:
    rows = {
        r.id: Totals(r.title, budget=r.budget_pence, detail=f.name, key=r.id) for r, f in rounds
    }
    for item in money:
        _add_money(rows[item.round_id], item)
    return Table("By round", "Round", list(rows.values()), has_budget=True)


def _by_contributor(rounds, contributions, money) -> Table:
    fund_names = {f.id: f.name for _, f in rounds}
    rows: dict[int | None, Totals] = {
        c.id: Totals(
            c.contributor_name,
            budget=c.amount_pence,
            detail=f"{c.contributor_org_id}, {fund_names.get(c.fund_id, '')}".rstrip(", "),
            key=c.id,
        )
        for c in contributions
    }
    unassigned = Totals(NOT_ASSIGNED)
    for item in money:
        _add_money(rows.get(item.contribution_id, unassigned), item)
    listed = list(rows.values())
    if unassigned.committed or unassigned.paid or unassigned.recovered or not listed:
        listed.append(unassigned)
    return Table("By contributor", "Contributor", listed, has_budget=True)


def _by_neighbourhood(money, names: dict[int, list[str]]) -> Table:
    rows: dict[str, Totals] = {}
    nowhere = Totals(NO_NEIGHBOURHOOD)
    for item in money:
        places = names.get(item.award_id) or []
        if not places:
            _add_money(nowhere, item)
            continue
        parts = len(places)
        paid = split_equally(item.paid_pence, parts)
        recovered = split_equally(item.recovered_pence, parts)
        outstanding = split_equally(item.outstanding_pence, parts)
        for index, name in enumerate(places):
            rows.setdefault(name, Totals(name)).add(
                paid[index], recovered[index], outstanding[index]
            )
    listed = [rows[name] for name in sorted(rows)]
    if nowhere.committed or nowhere.paid or nowhere.recovered:
        listed.append(nowhere)
    return Table("By neighbourhood", "Neighbourhood", listed, has_budget=False)


def _by_principle(money, principles: dict[int, str]) -> Table:
    rows: dict[str, Totals] = {}
    for item in money:
        name = principles.get(item.award_id)
        _add_money(rows.setdefault(name or "", Totals(name or NO_PRINCIPLE)), item)
    listed = [rows[name] for name in sorted(n for n in rows if n)]
    if "" in rows:
        listed.append(rows[""])
    return Table("By principle", "Principle", listed, has_budget=False)
