"""Equity: each ward's share of the proposed awards beside its share of population and
deprivation, and indicative allocations from the published formula, in whole pence."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grants.extensions import db
from grants.money import split_equally
from grants.panels import decisions, equity, meetings
from grants.panels.decisions import DecisionInput
from grants.reference.models import Neighbourhood
from tests.panels.meeting_setup import quorate_meeting, scored_round

PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _ward(population: int, share: float):
    return SimpleNamespace(population=population, share_most_deprived=share)


def test_indicative_allocations_follow_the_formula_to_the_penny():
    wards = [_ward(1000, 0.5), _ward(3000, 0.0), _ward(2000, 0.25)]
    # weights 1,500, 3,000 and 2,500 of 7,000; the odd penny goes to the largest remainder
    assert equity.indicative_allocations(400_000, wards) == [85_714, 171_429, 142_857]
    assert equity.indicative_allocations(900, [_ward(1000, 0.5), _ward(3000, 0)]) == [300, 600]
    assert equity.indicative_allocations(1000, [_ward(5, 0.2)] * 3) == [334, 333, 333]


def test_a_ward_where_everyone_lives_in_deprived_areas_counts_double():
    assert equity.indicative_allocations(3000, [_ward(100, 1.0), _ward(100, 0.0)]) == [2000, 1000]


def test_nothing_to_share_gives_nothing():
    assert equity.indicative_allocations(5000, []) == []
    assert equity.indicative_allocations(5000, [_ward(0, 0.5), _ward(0, 0)]) == [0, 0]
    assert equity.indicative_allocations(0, [_ward(10, 0.5)]) == [0]


def test_the_formula_is_published_in_words():
    assert "P × (1 + D)" in equity.FORMULA
    assert "population" in equity.FORMULA_TERMS and "deprived" in equity.FORMULA_TERMS


@PROPERTY
@given(amount=st.integers(0, 10**13), parts=st.integers(1, 60))
def test_split_pence_adds_up_exactly_and_shares_evenly(amount, parts):
    split = split_equally(amount, parts)
    assert len(split) == parts
    assert sum(split) == amount
    assert all(type(part) is int for part in split)
    assert max(split) - min(split) <= 1


def test_split_pence_needs_a_part():
    with pytest.raises(ValueError):
        split_equally(100, 0)


@PROPERTY
@given(
    budget=st.integers(0, 10**11),
    wards=st.lists(
        st.tuples(st.integers(0, 400_000), st.floats(0, 1, allow_nan=False)),
        min_size=1,
        max_size=30,
    ),
)
def test_indicative_allocations_add_up_to_the_budget_in_whole_pence(budget, wards):
    neighbourhoods = [_ward(p, d) for p, d in wards]
    allocations = equity.indicative_allocations(budget, neighbourhoods)
    assert all(type(a) is int and a >= 0 for a in allocations)
    weights = [p * (1 + Fraction(d).limit_denominator(10**6)) for p, d in wards]
    if sum(weights) == 0:
        assert allocations == [0] * len(wards)
        return
    assert sum(allocations) == budget
    for allocation, weight in zip(allocations, weights, strict=True):
        assert abs(allocation - budget * weight / sum(weights)) < 1


@pytest.mark.usefixtures("reference_data")
def test_ward_shares_set_proposed_awards_beside_population_and_deprivation():
    scored = scored_round(levels=(5, 4, 3), budget_pence=400_000)
    quorate_meeting(scored)
    north, middle, south = db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.name).limit(3)
    ).all()
    for ward, population, share in ((north, 1000, 0.5), (middle, 3000, 0.0), (south, 2000, 0.25)):
        ward.population, ward.share_most_deprived = population, share
    scored.round.all_neighbourhoods = False
    scored.round.neighbourhoods = [north, middle, south]
    top, shared, last = scored.applications
    top.neighbourhoods = [north]
    shared.neighbourhoods = [north, middle]
    last.neighbourhoods = [south]
    db.session.flush()
    decisions.decide(
        scored.officer,
        scored.panel,
        shared,
        DecisionInput(
            outcome="fund_reduced",
            rationale="Strong",
            amount_pence=100_001,
            reduced_reason="One fewer session",
        ),
    )
    ranking = meetings.ranked_list(scored.panel)
    _, within = decisions.live_budget(scored.round, ranking)
    assert within == {top.id}  # 150,000 of the 299,999 left; then 149,999 is too little
    wards = {w.neighbourhood.id: w for w in equity.ward_shares(scored.round, ranking, within)}

    n, m, s = wards[north.id], wards[middle.id], wards[south.id]
    assert (n.indicative_pence, m.indicative_pence, s.indicative_pence) == (
        85_714,
        171_429,
        142_857,
    )
    assert (n.requested_pence, m.requested_pence, s.requested_pence) == (225_000, 75_000, 150_000)
    assert (n.funded_pence, m.funded_pence, s.funded_pence) == (50_001, 50_000, 0)
    assert (n.proposed_pence, m.proposed_pence, s.proposed_pence) == (200_001, 50_000, 0)
    assert n.difference_pence == 200_001 - 85_714
    assert s.difference_pence == -142_857
    assert [round(w.population_share, 4) for w in (n, m, s)] == [0.1667, 0.5, 0.3333]
    assert [w.deprivation_share for w in (n, m, s)] == [0.5, 0.0, 0.5]
    assert n.proposed_share == pytest.approx(200_001 / 250_001)
    assert s.proposed_share == 0
    for ward in wards.values():
        for name in ("indicative_pence", "requested_pence", "funded_pence", "proposed_pence"):
            assert type(getattr(ward, name)) is int
    assert sum(w.indicative_pence for w in wards.values()) == scored.round.budget_pence


@pytest.mark.usefixtures("reference_data")
def test_a_round_open_to_every_ward_shares_the_budget_across_all_of_them():
    scored = scored_round(levels=(5,), budget_pence=1_000_003)
    ranking = meetings.ranked_list(scored.panel)
    wards = equity.ward_shares(scored.round, ranking, set())
    active = db.session.scalars(select(Neighbourhood).where(Neighbourhood.is_active)).all()
    assert len(wards) == len(active) > 1
    assert sum(w.indicative_pence for w in wards) == 1_000_003
    assert sum(w.population_share for w in wards) == pytest.approx(1)
    assert sum(w.proposed_pence for w in wards) == 0
