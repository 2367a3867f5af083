"""The fund ledger: every money figure computed from the records, never kept as a running total.

For each award, from its rows:
- amount: the amount offered plus approved variations of the amount;
- paid: payments recorded as paid;
- recovered: underspend returned and clawback received;
- committed: the amount while the award is offered, accepted or active; once it has finished,
  what it finally spent (paid less recovered); nothing if the offer was declined, expired or
  withdrawn;
- outstanding: what is committed but not yet paid (live awards only).

So, at any level: committed = (paid - recovered) + outstanding, and remaining = budget - committed.
``award_money`` reads the per-award figures in one query however many awards there are; the
totals by fund, round, contributor, neighbourhood and principle add those rows up.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from grants.awards.models import Award, Payment, Recovery, Variation, VariationStatus
from grants.awards.states import COMMITTED, FINISHED, AwardStatus, PaymentStatus
from grants.extensions import db


@dataclass(frozen=True)
class AwardMoney:
    award_id: int
    round_id: int
    contribution_id: int | None
    status: AwardStatus
    amount_pence: int
    paid_pence: int
    recovered_pence: int

    @property
    def net_spend_pence(self) -> int:
        return self.paid_pence - self.recovered_pence

    @property
    def committed_pence(self) -> int:
        if self.status in COMMITTED:
            return self.amount_pence
        if self.status in FINISHED:
            return self.net_spend_pence
        return 0

    @property
    def outstanding_pence(self) -> int:
        return self.amount_pence - self.net_spend_pence if self.status in COMMITTED else 0


def _sum_by_award(column, *where):
    """A subquery: award_id and the sum of ``column`` over rows matching ``where``."""
    table = column.class_
    return (
        select(table.award_id, func.sum(column).label("total"))
        .where(*where)
        .group_by(table.award_id)
        .subquery()
    )


def award_money(*where) -> list[AwardMoney]:
    """The figures of every award matching ``where`` (conditions on Award), in one query."""
    varied = _sum_by_award(
        Variation.amount_change_pence, Variation.status == VariationStatus.APPROVED
    )
    paid = _sum_by_award(Payment.amount_pence, Payment.status == PaymentStatus.PAID)
    recovered = _sum_by_award(Recovery.amount_pence)
    query = (
        select(
            Award.id,
            Award.round_id,
            Award.contribution_id,
            Award.status,
            Award.amount_pence + func.coalesce(varied.c.total, 0),
            func.coalesce(paid.c.total, 0),
            func.coalesce(recovered.c.total, 0),
        )
        .outerjoin(varied, varied.c.award_id == Award.id)
        .outerjoin(paid, paid.c.award_id == Award.id)
        .outerjoin(recovered, recovered.c.award_id == Award.id)
        .where(*where)
        .order_by(Award.id)
    )
    return [
        AwardMoney(
            award_id=row[0],
            round_id=row[1],
            contribution_id=row[2],
            status=row[3],
            amount_pence=int(row[4]),
            paid_pence=int(row[5]),
            recovered_pence=int(row[6]),
        )
        for row in db.session.execute(query)
    ]


def committed_in_round(round_id: int, *, leaving_out: int | None = None) -> int:
    """What the round's awards commit, leaving out one award (the one being offered or varied)."""
    where = [Award.round_id == round_id]
    if leaving_out is not None:
        where.append(Award.id != leaving_out)
    return sum(money.committed_pence for money in award_money(*where))


def money_of(award: Award) -> AwardMoney:
    [money] = award_money(Award.id == award.id)
    return money
