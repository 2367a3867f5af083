"""The eligibility rules: each "no" comes with the exact reason, in words written for the group."""

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.funds.eligibility import (
    Answers,
    income_band_straddles_limit,
    other_rounds_that_fit,
    reasons_answers_are_ineligible,
    reasons_group_is_ineligible,
    reasons_income_is_ineligible,
    reasons_place_is_ineligible,
    reasons_type_is_ineligible,
)
from grants.organisations.models import IncomeBand, OrganisationType
from grants.reference.models import Neighbourhood
from tests.factories import make_group, make_user
from tests.funds.factories import make_round


def test_an_eligible_type_has_no_reasons():
    round_ = make_round(eligible_org_types=["cio", "faith_group"])
    assert reasons_type_is_ineligible(round_, OrganisationType.CIO) == []


def test_an_ineligible_type_names_the_types_that_can_apply():
    round_ = make_round(eligible_org_types=["cio", "faith_group", "registered_charity"])
    assert reasons_type_is_ineligible(round_, OrganisationType.INFORMAL_GROUP) == [
        "This round is for these types of group: registered charity, charitable incorporated "
        "organisation (CIO) and faith group. You told us your group is an informal group."
    ]


@pytest.mark.parametrize(
    ("limit", "band", "eligible"),
    [
        (None, IncomeBand.OVER_250K, True),
        (25_000_000, IncomeBand.FROM_100K_TO_250K, True),
        (25_000_000, IncomeBand.OVER_250K, False),
        (5_000_000, IncomeBand.FROM_10K_TO_50K, True),
        (5_000_000, IncomeBand.FROM_50K_TO_100K, False),
        (6_000_000, IncomeBand.FROM_50K_TO_100K, False),
    ],
)
def test_income_is_compared_with_the_top_of_the_band(limit, band, eligible):
    round_ = make_round(max_income_pence=limit)
    assert (reasons_income_is_ineligible(round_, band) == []) is eligible


def test_an_income_too_high_says_the_limit_and_what_we_were_told():
    round_ = make_round(max_income_pence=5_000_000)
    assert reasons_income_is_ineligible(round_, IncomeBand.OVER_250K) == [
        "This round is for groups with an income of £50,000 or less. "
        "You told us your income is More than £250,000."
    ]


def test_a_band_that_crosses_the_limit_is_flagged_so_the_group_can_ask():
    round_ = make_round(max_income_pence=6_000_000)
    assert income_band_straddles_limit(round_, IncomeBand.FROM_50K_TO_100K)
    assert not income_band_straddles_limit(round_, IncomeBand.OVER_250K)
    assert not income_band_straddles_limit(round_, IncomeBand.UNDER_10K)


def test_places(reference_data):
    wards = list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name).limit(3)))
    everywhere = make_round()
    some = make_round(all_neighbourhoods=False, neighbourhood_ids=[wards[0].id, wards[1].id])
    assert reasons_place_is_ineligible(everywhere, wards[2]) == []
    assert reasons_place_is_ineligible(everywhere, None) == []
    assert reasons_place_is_ineligible(some, wards[0]) == []
    names = f"{wards[0].name} and {wards[1].name}"
    assert reasons_place_is_ineligible(some, wards[2]) == [
        f"This round is only for activities in {names}. "
        f"You told us your activity happens in {wards[2].name}."
    ]
    assert reasons_place_is_ineligible(some, None) == [
        f"This round is only for activities in {names}. "
        "You told us your activity happens across the borough."
    ]


def test_a_saved_group_is_checked_on_type_and_income():
    round_ = make_round(eligible_org_types=["registered_charity"], max_income_pence=1_000_000)
    group = make_group(make_user(), org_type="constituted_group", income_band="10k_to_50k")
    reasons = reasons_group_is_ineligible(round_, group)
    assert len(reasons) == 2
    assert "constituted community group" in reasons[0] and "£10,000 or less" in reasons[1]


def test_answers_not_given_yet_rule_nothing_out():
    round_ = make_round(eligible_org_types=["cio"], max_income_pence=100)
    assert reasons_answers_are_ineligible(round_, Answers()) == []
    assert len(reasons_answers_are_ineligible(round_, Answers(org_type=OrganisationType.CIC))) == 1


def test_other_rounds_that_fit_the_same_answers():
    this = make_round(eligible_org_types=["cio"])
    fits = make_round(eligible_org_types=["informal_group"])
    also_not = make_round(eligible_org_types=["cio"])
    answers = Answers(org_type=OrganisationType.INFORMAL_GROUP)
    assert other_rounds_that_fit(this, answers, [this, fits, also_not]) == [fits]
