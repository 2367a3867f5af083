"""Equity: where the round's money would go, by neighbourhood, beside each ward's share of the
borough's population and of its deprivation, and against indicative allocations.

Indicative allocations follow one published formula, a separate layer from merit scores (never a
hidden uplift inside them): each ward's population weighted by its deprivation,

    allocation = budget × P × (1 + D) ÷ Σ[P × (1 + D)]

where P is the ward's population and D the share of its residents living in England's 20% most
deprived areas (IMD 2019). A ward where everyone lives in such areas counts double.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from grants.extensions import db
from grants.funds.models import Round
from grants.money import split_equally, split_pence
from grants.panels.meeting_models import FUNDING
from grants.reference.models import Neighbourhood

FORMULA = "allocation = budget × P × (1 + D) ÷ Σ[P × (1 + D)]"
FORMULA_TERMS = (
    "P is the ward's population; D is the share of its residents living in England's 20% most "
    "deprived areas (Index of Multiple Deprivation 2019); Σ adds up every ward in the round."
)


@dataclass
class WardShare:
    neighbourhood: Neighbourhood
    population_share: float
    deprivation_share: float
    indicative_pence: int
    requested_pence: int = 0
    proposed_pence: int = 0  # decided funding plus undecided applications within the budget
    funded_pence: int = 0  # decided funding
    proposed_share: float = 0.0  # of all proposed awards in the round's wards

    @property
    def difference_pence(self) -> int:
        """Proposed awards against the indicative allocation (negative: under)."""
        return self.proposed_pence - self.indicative_pence


def round_neighbourhoods(round_: Round) -> list[Neighbourhood]:
    if not round_.all_neighbourhoods:
        return list(round_.neighbourhoods)
    return list(
        db.session.scalars(
            select(Neighbourhood).where(Neighbourhood.is_active).order_by(Neighbourhood.name)
        )
    )


def indicative_allocations(budget_pence: int, neighbourhoods: list[Neighbourhood]) -> list[int]:
    """Each ward's allocation by the formula, in whole pence adding up to the budget exactly
    (largest remainders get the odd pennies, as everywhere money is shared)."""
    weights = [
        Fraction(n.population) * (1 + Fraction(n.share_most_deprived or 0).limit_denominator(10**6))
        for n in neighbourhoods
    ]
    if not neighbourhoods or sum(weights) == 0:
        return [0] * len(neighbourhoods)
    return split_pence(budget_pence, weights)


def ward_shares(round_: Round, ranking, proposed_ids: set[int]) -> list[WardShare]:
    """The round's split by neighbourhood. ``ranking`` is the meeting's ranked list (applications
    with their neighbourhoods and decisions loaded); ``proposed_ids`` the undecided applications
    within the budget. An application in several wards is shared equally between them, the odd
    pennies by largest remainder like the ledger's table by neighbourhood."""
    neighbourhoods = round_neighbourhoods(round_)
    population = sum(n.population for n in neighbourhoods) or 1
    deprived = sum(n.population * (n.share_most_deprived or 0) for n in neighbourhoods) or 1
    allocations = indicative_allocations(round_.budget_pence, neighbourhoods)
    shares = {
        n.id: WardShare(
            n,
            population_share=n.population / population,
            deprivation_share=n.population * (n.share_most_deprived or 0) / deprived,
            indicative_pence=allocation,
        )
        for n, allocation in zip(neighbourhoods, allocations, strict=True)
    }
    for row in ranking.rows:
        wards = [shares[n.id] for n in row.application.neighbourhoods if n.id in shares]
        if not wards:
            continue
        decision = row.decision
        funded = decision.amount_pence if decision and decision.outcome in FUNDING else 0
        proposed = funded or (
            row.application.amount_requested_pence if row.application.id in proposed_ids else 0
        )
        for field, amount in (
            ("requested_pence", row.application.amount_requested_pence),
            ("funded_pence", funded),
            ("proposed_pence", proposed),
        ):
            for ward, part in zip(wards, split_equally(amount, len(wards)), strict=True):
                setattr(ward, field, getattr(ward, field) + part)
    proposed = sum(ward.proposed_pence for ward in shares.values())
    for ward in shares.values():
        ward.proposed_share = ward.proposed_pence / proposed if proposed else 0.0
    return list(shares.values())
