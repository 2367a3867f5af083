"""The ledger's tables: each adds up to its totals row to the penny, a project in several
neighbourhoods is shared between them, and the queries do not grow with the awards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.awards import contributions, reports
from grants.awards.models import Award
from grants.extensions import db
from grants.money import split_equally
from grants.reference.models import Neighbourhood, Principle
from tests.awards.factories import finance_officer, released_awards
from tests.awards.test_variations import in_force

pytestmark = pytest.mark.usefixtures("reference_data")


def _places(count: int) -> list[Neighbourhood]:
    return list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name).limit(count)))


def test_each_table_adds_up_and_splits_neighbourhoods_in_whole_pence():
    first, second, third = released_awards([100_001, 50_000, 30_000])
    for funded in (first, second):
        in_force(funded.award, paid=1)
    a, b, c = _places(3)
    first.award.application.neighbourhoods = [c, a, b]
    second.award.application.neighbourhoods = []
    third.award.application.neighbourhoods = [b]
    principle = db.session.scalar(select(Principle).order_by(Principle.position))
    first.award.application.main_principle = principle
    second.award.application.main_principle = None
    third.award.application.main_principle = None
    third.award.status = third.award.status.OFFERED
    fund = first.award.round.fund
    nhs = contributions.add(
        finance_officer(),
        fund,
        contributions.ContributionDetails(
            "NHS", "GB-NHS-RXX", 1_000_000, first.award.start_date.replace(year=2026)
        ),
    )
    first.award.contribution_id = nhs.id
    db.session.flush()
    ledger = reports.ledger()
    committed = 100_001 + 50_000 + 30_000
    for table in ledger.tables:
        assert table.total.committed == committed, table.title
        assert sum(r.committed for r in table.rows) == committed
        assert sum(r.paid for r in table.rows) == table.total.paid == 150_001
        for row in [*table.rows, table.total]:
            assert row.committed == row.net_paid + row.outstanding
            if row.budget is not None:
                assert row.remaining == row.budget - row.committed
    by_place = {row.label: row for row in ledger.by_neighbourhood.rows}
    # 100,001 split three ways by largest remainder: the two odd pennies to a and b
    assert by_place[a.name].committed == 33_334
    assert by_place[c.name].committed == 33_333
    assert by_place[b.name].committed == 33_334 + 30_000
    assert by_place[reports.NO_NEIGHBOURHOOD].committed == 50_000
    by_principle = {row.label: row.committed for row in ledger.by_principle.rows}
    assert by_principle[principle.name] == 100_001
    assert by_principle[reports.NO_PRINCIPLE] == 80_000
    by_contributor = {row.label: row for row in ledger.by_contributor.rows}
    assert by_contributor["NHS"].committed == 100_001
    assert by_contributor["NHS"].remaining == 1_000_000 - 100_001
    assert by_contributor[reports.NOT_ASSIGNED].committed == 80_000


def test_filters_by_fund_and_round():
    first, second = released_awards([100_000, 60_000])
    in_force(first.award)
    in_force(second.award)
    other = released_awards([40_000])[0]  # another round of the same fund
    in_force(other.award)
    ledger = reports.ledger(round_id=other.award.round_id)
    assert ledger.by_round.total.committed == 40_000
    assert [r.label for r in ledger.by_round.rows] == [other.award.round.title]
    ledger = reports.ledger(fund_id=first.award.round.fund_id)
    assert ledger.by_fund.total.committed == 200_000
    assert reports.ledger(fund_id=999_999).by_fund.rows == []


def _awards(count: int) -> None:
    places = _places(3)
    for funded in released_awards([50_000 + n for n in range(count)]):
        in_force(funded.award, paid=1)
        funded.award.application.neighbourhoods = places[: 1 + funded.award.id % 3]
    db.session.flush()


@pytest.mark.parametrize("count", [3, 12])
def test_the_ledger_reads_a_fixed_number_of_queries(count, count_queries):
    _awards(count)
    assert count_queries(lambda: reports.ledger()) == 6
    assert db.session.query(Award).count() == count


def test_an_award_across_wards_splits_its_pennies_as_the_equity_page_does():
    """Largest remainder, the one way money is shared: 100,001p across three wards is 33,334p,
    33,334p and 33,333p on the ledger as on the equity page, not 33,335p to the first ward."""
    [funded] = released_awards([100_001])
    in_force(funded.award)
    a, b, c = _places(3)
    funded.award.application.neighbourhoods = [c, a, b]
    db.session.flush()
    by_place = {row.label: row for row in reports.ledger().by_neighbourhood.rows}
    assert [by_place[n.name].committed for n in (a, b, c)] == [33_334, 33_334, 33_333]
    assert [by_place[n.name].committed for n in (a, b, c)] == split_equally(100_001, 3)
