"""Every money figure adds up, to the penny, whatever happens to the awards.

Hypothesis draws a history for each of eight awards over two funds of two rounds each, with
three contributors and several neighbourhoods and principles: offered, accepted, paid in part,
varied up or down, money returned, closed, declined. Each history runs through the real services
(variations, recoveries, closing) inside a savepoint that is rolled back afterwards, and then
every ledger table must agree with every other and with the award-by-award figures:

- each dimension's rows add up to the same grand totals of committed, paid, recovered and
  outstanding;
- in every row, committed = net paid + outstanding and remaining = budget - committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grants.awards import closing, recoveries, reports, variations
from grants.awards.ledger import award_money
from grants.awards.models import RecoveryKind, VariationKind
from grants.awards.states import AwardStatus
from grants.extensions import db
from grants.funds.models import Contribution, Fund
from grants.reference.models import Neighbourhood, Principle
from tests.awards.factories import finance_officer, released_awards
from tests.awards.test_variations import in_force

pytestmark = pytest.mark.usefixtures("reference_data")

AWARDS_PER_ROUND = 2
ROUNDS = 4


@dataclass
class World:
    awards: list
    contributions: dict[int, list[int]]  # fund id -> its contributions' ids
    neighbourhoods: list[Neighbourhood]
    principles: list[Principle]
    proposer: object
    approver: object


@pytest.fixture
def world() -> World:
    """Two funds of two rounds each, two awards per round, three contributors."""
    awards = []
    for index in range(ROUNDS):
        made = released_awards([250_000 + 10_007 * index, 180_003 + index], budget_pence=5_000_000)
        awards.extend(f.award for f in made)
    first_fund = awards[0].round.fund
    second_fund = Fund(name="Safer Streets Fund")
    db.session.add(second_fund)
    db.session.flush()
    for award in awards[2 * AWARDS_PER_ROUND :]:
        award.round.fund_id = second_fund.id
    nhs = Contribution(
        fund_id=first_fund.id,
        contributor_name="NHS Wigan Borough",
        contributor_org_id="GB-NHS-RXX",
        amount_pence=3_000_000,
        received_on=date(2026, 4, 1),
    )
    police = Contribution(
        fund_id=second_fund.id,
        contributor_name="Greater Manchester Police",
        contributor_org_id="GB-PLC-GMP",
        amount_pence=12_000_000,
        received_on=date(2026, 4, 1),
    )
    db.session.add_all([nhs, police])
    db.session.flush()
    db.session.expire_all()
    return World(
        awards=awards,
        contributions={
            first_fund.id: [first_fund.contributions[0].id, nhs.id],
            second_fund.id: [police.id],
        },
        neighbourhoods=list(db.session.scalars(select(Neighbourhood).limit(4))),
        principles=list(db.session.scalars(select(Principle).limit(3))),
        proposer=finance_officer(),
        approver=finance_officer(),
    )


STATES = ["preparing", "offered", "accepted", "active", "completed", "closed_early", "declined"]

history = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "paid": st.integers(0, 3),
        "change": st.integers(-150_000, 150_000),
        "returned": st.integers(0, 100),  # percent of net paid
        "kind": st.sampled_from(list(RecoveryKind)),
        "contributor": st.integers(-1, 1),  # -1: none; otherwise which of the fund's
        "places": st.lists(st.integers(0, 3), max_size=3, unique=True),
        "principle": st.integers(-1, 2),
    }
)


def _apply(world: World, award, step: dict) -> None:
    application = award.application
    application.neighbourhoods = [world.neighbourhoods[i] for i in step["places"]]
    application.main_principle = (
        world.principles[step["principle"]] if step["principle"] >= 0 else None
    )
    choices = world.contributions[award.round.fund_id]
    if step["contributor"] >= 0:
        award.contribution_id = choices[step["contributor"] % len(choices)]
    state = step["state"]
    if state == "preparing":
        return
    if state in ("offered", "declined"):
        award.status = AwardStatus(state)
        db.session.flush()
        return
    paid = step["paid"] if state != "accepted" else 0
    in_force(award, paid=min(paid, len(award.payments)))
    if step["change"]:
        _vary(world, award, step["change"])
    net = sum(p.amount_pence for p in award.payments if p.status.value == "paid")
    returned = net * step["returned"] // 100
    if returned > 0:
        recoveries.record(
            world.approver,
            award,
            recoveries.RecoveryDetails(step["kind"], returned, date(2026, 6, 1), "Returned"),
        )
    if state in ("completed", "closed_early"):
        outcome = AwardStatus(state)
        if outcome not in closing.outcomes_for(award):
            outcome = AwardStatus.CLOSED_EARLY
        closing.close(world.approver, award, outcome, "Finished")


def _vary(world: World, award, change: int) -> None:
    proposal = variations.Proposal(VariationKind.AMOUNT, "Changed", amount_change_pence=change)
    if variations.proposal_errors(award, proposal):
        return  # a decrease below what is paid is refused: the history simply skips it
    variation = variations.propose(world.proposer, award, proposal)
    variations.approve(world.approver, variation, link="/")


def _check(ledger: reports.Ledger) -> None:
    money = award_money()
    expected = {
        "committed": sum(m.committed_pence for m in money),
        "paid": sum(m.paid_pence for m in money),
        "recovered": sum(m.recovered_pence for m in money),
        "outstanding": sum(m.outstanding_pence for m in money),
    }
    for table in ledger.tables:
        for name, total in expected.items():
            assert getattr(table.total, name) == total, (table.title, name)
            assert sum(getattr(row, name) for row in table.rows) == total, (table.title, name)
        for row in [*table.rows, table.total]:
            assert row.committed == row.net_paid + row.outstanding, (table.title, row.label)
            if row.budget is not None:
                assert row.remaining == row.budget - row.committed, (table.title, row.label)
    funds = db.session.scalars(select(Fund)).all()
    assert ledger.by_fund.total.budget == sum(f.budget_pence for f in funds)
    assert ledger.by_contributor.total.budget == ledger.by_fund.total.budget
    assert ledger.by_contributor.total.remaining == ledger.by_fund.total.remaining
    for item in money:
        assert item.committed_pence == item.net_spend_pence + item.outstanding_pence


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(history, min_size=ROUNDS * AWARDS_PER_ROUND, max_size=ROUNDS * AWARDS_PER_ROUND)
)
def test_every_figure_reconciles_at_every_level(world, steps):
    savepoint = db.session.begin_nested()
    try:
        for award, step in zip(world.awards, steps, strict=True):
            _apply(world, award, step)
        db.session.flush()
        _check(reports.ledger())
        for fund_id in world.contributions:
            _check_fund(reports.ledger(fund_id=fund_id), fund_id)
    finally:
        savepoint.rollback()
        db.session.expire_all()


def _check_fund(ledger: reports.Ledger, fund_id: int) -> None:
    totals = {t.title: t.total for t in ledger.tables}
    committed = {total.committed for total in totals.values()}
    assert len(committed) == 1, totals
    [row] = ledger.by_fund.rows
    assert row.key == fund_id and row.committed == committed.pop()
