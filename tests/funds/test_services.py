"""Fund and round rules: what a valid fund and round are, and that every change is audited."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.clock import as_aware, utcnow
from grants.errors import InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.funds import services
from grants.funds.models import Round, RoundStatus
from grants.permissions import Role
from grants.reference.models import Neighbourhood
from tests.factories import make_user
from tests.funds.factories import make_fund, make_round, round_details


def fund_details(**overrides):
    values = {
        "name": "Community Investment Fund",
        "description": "For community projects.",
        "council_contribution_pence": 50_000_000,
        "funder_org_id": "GB-LAE-WGN",
        "funder_name": "Wigan Council",
        "publisher_prefix": "360G-wigancouncil",
        "publisher_website": "https://www.wigan.gov.uk",
    }
    values.update(overrides)
    return services.FundDetails(**values)


def audit_events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def errors_of(call):
    with pytest.raises(InvalidInput) as raised:
        call()
    return raised.value.errors


# Funds


def test_an_officer_creates_a_fund_and_it_is_audited():
    officer = make_user(Role.PROGRAMME_OFFICER)
    fund = services.save_fund(officer, None, fund_details(name="  Community Investment Fund "))
    assert fund.name == "Community Investment Fund"
    assert fund.budget_pence == 50_000_000
    [contribution] = fund.contributions
    assert (contribution.contributor_name, contribution.contributor_org_id) == (
        "Wigan Council",
        "GB-LAE-WGN",
    )
    [event] = audit_events("fund.created")
    assert event.actor_id == officer.id
    assert event.after["publisher_prefix"] == "360G-wigancouncil"


def test_changing_a_fund_records_before_and_after():
    fund = make_fund(name="Old name")
    services.save_fund(None, fund, fund_details(name="New name"))
    [event] = audit_events("fund.updated")
    assert (event.before["name"], event.after["name"]) == ("Old name", "New name")


@pytest.mark.parametrize("role", [None, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_only_programme_officers_set_up_funds(role):
    with pytest.raises(NotAllowed):
        services.save_fund(make_user(role), None, fund_details())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"funder_name": "x" * 201}, "funder_name"),
        ({"funder_org_id": "Wigan"}, "funder_org_id"),
        ({"publisher_prefix": "wigan"}, "publisher_prefix"),
        ({"publisher_website": "javascript:alert(1)"}, "publisher_website"),
    ],
)
def test_bad_open_data_details_are_refused(overrides, field):
    assert field in errors_of(lambda: services.save_fund(None, None, fund_details(**overrides)))


def test_fund_names_are_unique_whatever_the_case():
    make_fund(name="Community Investment Fund")
    errors = errors_of(
        lambda: services.save_fund(None, None, fund_details(name="community investment FUND"))
    )
    assert errors == {"name": "A fund with this name already exists"}


def test_a_new_fund_needs_the_councils_contribution_and_a_change_leaves_the_budget_alone():
    errors = errors_of(
        lambda: services.save_fund(None, None, fund_details(council_contribution_pence=None))
    )
    assert errors["council_contribution_pence"] == "Enter the council's contribution"
    fund = make_fund(budget_pence=10_000_000)
    services.save_fund(None, fund, fund_details(council_contribution_pence=None))
    assert (len(fund.contributions), fund.budget_pence) == (1, 10_000_000)


def test_a_missing_fund_is_not_found():
    with pytest.raises(NotFound):
        services.get_fund(999)


# Rounds


def test_a_round_is_created_with_every_setting_and_audited(reference_data):
    wards = list(db.session.scalars(select(Neighbourhood).limit(2)))
    fund = make_fund()
    officer = make_user(Role.PROGRAMME_OFFICER)
    details = round_details(
        slug=" Small-Grants-2026 ",
        all_neighbourhoods=False,
        neighbourhood_ids=[w.id for w in wards],
        max_income_pence=25_000_000,
        allows_recordings=True,
        blind_panel=True,
        project_start_from=date(2026, 6, 1),
        project_end_by=date(2027, 3, 31),
        eligible_org_types=["informal_group", "cio"],
    )
    round_ = services.create_round(officer, fund, details)
    assert round_.slug == "small-grants-2026"
    assert round_.eligible_org_types == ["cio", "informal_group"]
    assert {n.id for n in round_.neighbourhoods} == {w.id for w in wards}
    assert round_.status() == RoundStatus.OPEN
    [event] = audit_events("round.created")
    assert event.actor_id == officer.id
    assert event.after["slug"] == "small-grants-2026"
    assert sorted(event.after["neighbourhoods"]) == sorted(w.code for w in wards)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter the round's title"),
        ({"guidance": "x" * 20_001}, "guidance", "20,000 characters or fewer"),
        ({"slug": "Small grants!"}, "slug", "only lowercase letters, numbers and hyphens"),
        ({"slug": "-small"}, "slug", "only lowercase letters"),
        ({"slug": "a" * 81}, "slug", "80 characters or fewer"),
        (
            {"min_award_pence": 300_000, "max_award_pence": 200_000},
            "max_award_pence",
            "same as or more",
        ),
        ({"max_award_pence": 0, "min_award_pence": 0}, "max_award_pence", "more than £0"),
        ({"max_award_pence": 6_000_000}, "max_award_pence", "same as or less than the budget"),
        ({"eligible_org_types": []}, "eligible_org_types", "Select the types"),
        ({"eligible_org_types": ["spaceship"]}, "eligible_org_types", "from the list"),
        ({"all_neighbourhoods": False}, "neighbourhood_ids", "Select the neighbourhoods"),
        (
            {"all_neighbourhoods": False, "neighbourhood_ids": [99999]},
            "neighbourhood_ids",
            "from the list",
        ),
        (
            {"project_start_from": date(2026, 6, 1), "project_end_by": date(2026, 5, 1)},
            "project_end_by",
            "after the earliest project start",
        ),
    ],
)
def test_a_bad_round_is_refused_with_a_reason(overrides, field, message):
    fund = make_fund()
    errors = errors_of(lambda: services.create_round(None, fund, round_details(**overrides)))
    assert message in errors[field]
    assert db.session.scalar(select(Round)) is None


def test_a_round_must_close_after_it_opens():
    now = utcnow()
    details = round_details(opens_at=now, closes_at=now - timedelta(hours=1))
    errors = errors_of(lambda: services.create_round(None, make_fund(), details))
    assert errors["closes_at"] == "Closing date and time must be after the opening date and time"


def test_round_web_addresses_are_unique():
    make_round(slug="small-grants")
    errors = errors_of(lambda: make_round(slug="small-grants"))
    assert errors["slug"] == "Another round already uses this web address"


def test_a_fund_cannot_promise_more_in_rounds_than_its_budget():
    fund = make_fund(budget_pence=8_000_000)
    make_round(fund, budget_pence=5_000_000)
    errors = errors_of(lambda: make_round(fund, budget_pence=5_000_000))
    assert errors["budget_pence"].startswith("Budget must be £30,000 or less")


def test_changing_a_round_is_audited_with_before_and_after():
    round_ = make_round(title="Small grants")
    details = services.RoundDetails.of(round_)
    details.title = "Small grants, spring"
    services.update_round(None, round_, details)
    [event] = audit_events("round.updated")
    assert (event.before["title"], event.after["title"]) == ("Small grants", "Small grants, spring")


def test_a_round_keeps_its_own_budget_when_its_fund_is_nearly_full():
    fund = make_fund(budget_pence=5_000_000)
    round_ = make_round(fund, budget_pence=5_000_000)
    details = services.RoundDetails.of(round_)
    details.title = "Renamed"
    assert services.update_round(None, round_, details).title == "Renamed"


def test_choosing_all_neighbourhoods_forgets_the_chosen_ones(reference_data):
    ward = db.session.scalar(select(Neighbourhood))
    round_ = make_round(all_neighbourhoods=False, neighbourhood_ids=[ward.id])
    details = services.RoundDetails.of(round_)
    details.all_neighbourhoods = True
    services.update_round(None, round_, details)
    assert round_.neighbourhoods == []


def test_round_lists_for_the_public():
    now = utcnow()
    open_round = make_round(slug="open")
    upcoming = make_round(
        slug="upcoming", opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=9)
    )
    make_round(slug="closed", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    assert [r.slug for r in services.rounds_not_closed()] == [open_round.slug, upcoming.slug]
    assert [r.slug for r in services.open_rounds()] == ["open"]


def test_a_round_closes_by_itself_at_its_deadline():
    round_ = make_round()
    closes = as_aware(round_.closes_at)
    assert round_.status(closes - timedelta(seconds=1)) == RoundStatus.OPEN
    assert round_.status(closes) == RoundStatus.CLOSED


def test_an_unknown_or_enormous_slug_is_not_found():
    with pytest.raises(NotFound):
        services.get_round_by_slug("no-such-round")
    with pytest.raises(NotFound):
        services.get_round_by_slug("x" * 10_000)
