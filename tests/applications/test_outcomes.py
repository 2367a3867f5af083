"""The outcomes section ("How will you know it worked?"): a group picks one of its round's fund's
indicators and gives a whole-number target, or describes its own outcome in words. Crafted
requests (another fund's indicator, a retired one, ids beyond any column) get a form error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.applications import answers, revisions
from grants.applications.models import Application, Outcome
from grants.errors import InvalidInput
from grants.extensions import db
from grants.panels.blind import member_view
from grants.reference.models import Principle
from tests.applications.factories import add_measured_outcome, open_round, start_application
from tests.checks import error_messages, soup_of
from tests.factories import sign_in
from tests.funds.factories import make_fund, make_indicator


@pytest.fixture
def draft(client, reference_data):
    application = start_application(open_round())
    sign_in(client, application.organisation.main_contact)
    return application


@pytest.fixture
def library(draft):
    fund = draft.round.fund
    principles = list(db.session.scalars(select(Principle).order_by(Principle.position)))
    made = {
        "people": make_indicator(
            fund,
            name="People taking part",
            definition="Count each person once.",
            principle_id=principles[1].id,
        ),
        "percentage": make_indicator(fund, name="People feeling less isolated", unit="percentage"),
        "yes_no": make_indicator(fund, name="Local spaces improved", unit="yes_no"),
        "retired": make_indicator(fund, name="An old measure"),
    }
    made["retired"].is_active = False
    db.session.commit()
    return made


def url(application: Application) -> str:
    return f"/applications/{application.id}/outcomes"


def outcomes_of(application: Application) -> list[Outcome]:
    db.session.expire_all()
    return list(db.session.get(Application, application.id).outcomes)


def test_the_section_offers_the_funds_active_indicators_with_how_to_count_them(
    client, draft, library
):
    page = soup_of(client.get(url(draft)))
    assert page.h1.get_text(strip=True) == "How will you know it worked?"
    offered = [radio["value"] for radio in page.find_all("input", {"name": "measure"})]
    assert offered == [
        str(library["yes_no"].id),
        str(library["percentage"].id),
        str(library["people"].id),
        "own",
    ]
    assert "Count each person once." in page.get_text()
    assert "An old measure" not in page.get_text()
    # First what they will count (a GET form), then that measure's target on its own page.
    assert page.find("form", {"method": "get"}).find("input", {"name": "measure"}) is not None
    assert page.find("input", {"name": f"target_{library['people'].id}"}) is None
    people = soup_of(client.get(url(draft) + f"?measure={library['people'].id}"))
    assert people.find("input", {"name": f"target_{library['people'].id}"}) is not None
    assert people.find("input", {"name": "measure", "type": "hidden"})["value"] == str(
        library["people"].id
    )
    yes_no_page = soup_of(client.get(url(draft) + f"?measure={library['yes_no'].id}"))
    yes_no = yes_no_page.find_all("input", {"name": f"target_{library['yes_no'].id}"})
    assert [radio["value"] for radio in yes_no] == ["yes", "no"]
    own = soup_of(client.get(url(draft) + "?measure=own"))
    assert own.find("input", {"name": "description"}) is not None


def test_a_measure_not_on_the_list_asks_again(client, draft, library):
    for measure in ("999999999999999999999", "abc", str(2**63)):
        page = soup_of(client.get(url(draft) + f"?measure={measure}"))
        assert "Select what you will count from the list" in page.get_text()
        assert page.find("form", {"method": "get"}) is not None


def test_picking_an_indicator_with_a_target(client, draft, library):
    people = library["people"]
    response = client.post(
        url(draft), data={"measure": str(people.id), f"target_{people.id}": "1,200"}
    )
    assert response.status_code == 302
    [outcome] = outcomes_of(draft)
    assert (outcome.indicator_id, outcome.target_value, outcome.description) == (
        people.id,
        1200,
        None,
    )
    assert outcome.principle_id == people.principle_id  # the indicator's principle
    assert (outcome.is_measured, outcome.title, outcome.target_text) == (
        True,
        "People taking part",
        "1,200 people",
    )


def test_describing_an_own_outcome(client, draft, library):
    principle = db.session.scalars(select(Principle)).first()
    response = client.post(
        url(draft),
        data={
            "measure": "own",
            "description": "Neighbours know each other's names",
            "target": "Most of the street",
            "principle": str(principle.id),
            # typed under a choice not made: neither checked nor kept
            f"target_{library['people'].id}": "lots",
        },
    )
    assert response.status_code == 302
    [outcome] = outcomes_of(draft)
    assert (outcome.indicator_id, outcome.target_value) == (None, None)
    assert (outcome.description, outcome.target, outcome.principle_id) == (
        "Neighbours know each other's names",
        "Most of the street",
        principle.id,
    )
    assert not outcome.is_measured and outcome.target_text == "Most of the street"


def test_an_own_outcome_needs_what_will_change_and_a_principle(client, draft, library):
    response = client.post(url(draft), data={"measure": "own", "target": "Lots"})
    assert error_messages(response) == [
        "Enter what will change",
        "Select the principle this outcome serves",
    ]
    assert soup_of(response).find("input", {"name": "target"})["value"] == "Lots"
    assert outcomes_of(draft) == []


def test_choosing_nothing_is_an_error(client, draft, library):
    response = client.post(url(draft), data={"submit": "y"})
    assert error_messages(response) == [
        "Select what you will count, or describe it in your own words"
    ]


@pytest.mark.parametrize(
    ("unit", "target", "message"),
    [
        ("people", "", "Enter your target"),
        ("people", "forty", "Enter your target as a whole number from 0 to 10,000,000, like 40"),
        ("people", "-3", "Enter your target as a whole number from 0 to 10,000,000, like 40"),
        ("people", "2.5", "Enter your target as a whole number from 0 to 10,000,000, like 40"),
        ("people", "10000001", "Enter your target as a whole number from 0 to 10,000,000, like 40"),
        ("people", "9" * 19, "Enter your target as a whole number from 0 to 10,000,000, like 40"),
        ("people", "²", "Enter your target as a whole number from 0 to 10,000,000, like 40"),
        ("percentage", "101", "Enter your target as a percentage from 0 to 100, like 75"),
        ("yes_no", "maybe", "Select yes or no"),
        ("yes_no", "", "Select yes or no"),
    ],
)
def test_targets_that_are_not_sane_are_refused(client, draft, library, unit, target, message):
    indicator = library[unit]
    response = client.post(
        url(draft), data={"measure": str(indicator.id), f"target_{indicator.id}": target}
    )
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert outcomes_of(draft) == []
    if target and unit != "yes_no":
        field = soup_of(response).find("input", {"name": f"target_{indicator.id}"})
        assert field["value"] == target  # nothing typed is lost


def test_a_percentage_of_100_and_a_yes_are_targets(client, draft, library):
    percentage, yes_no = library["percentage"], library["yes_no"]
    client.post(url(draft), data={"measure": str(percentage.id), f"target_{percentage.id}": "100"})
    client.post(url(draft), data={"measure": str(yes_no.id), f"target_{yes_no.id}": "yes"})
    people = library["people"]
    client.post(url(draft), data={"measure": str(people.id), f"target_{people.id}": "1"})
    assert [o.target_text for o in outcomes_of(draft)] == ["100%", "Yes", "1 person"]


def test_another_funds_indicator_is_refused(client, draft, library):
    theirs = make_indicator(make_fund(), name="Their measure")
    response = client.post(
        url(draft), data={"measure": str(theirs.id), f"target_{theirs.id}": "10"}
    )
    assert response.status_code == 200
    assert error_messages(response) == ["Select a way of measuring it from the list"]
    assert outcomes_of(draft) == []


def test_a_retired_indicator_is_refused(client, draft, library):
    retired = library["retired"]
    response = client.post(
        url(draft), data={"measure": str(retired.id), f"target_{retired.id}": "10"}
    )
    assert error_messages(response) == ["Select a way of measuring it from the list"]
    assert outcomes_of(draft) == []


@pytest.mark.parametrize(
    "measure", ["0", "-1", "2147483648", "9223372036854775807", "9" * 40, "²", "1e3", " own "]
)
def test_odd_and_huge_indicator_ids_are_a_form_error(client, draft, library, measure):
    response = client.post(url(draft), data={"measure": measure, f"target_{measure}": "10"})
    assert response.status_code in (200, 302)
    if measure.strip() == "own":  # the own outcome, missing its words
        assert "Enter what will change" in error_messages(response)
    else:
        assert error_messages(response) == ["Select a way of measuring it from the list"]
    assert outcomes_of(draft) == []


def test_the_service_refuses_the_same_things(draft, library):
    actor = draft.organisation.main_contact
    theirs = make_indicator(make_fund())
    for indicator_id in (theirs.id, library["retired"].id, 2**31, 2**63 - 1, -1):
        with pytest.raises(InvalidInput) as refused:
            answers.add_outcome(actor, draft, indicator_id=indicator_id, target_value=1)
        assert set(refused.value.errors) == {"measure"}
    with pytest.raises(InvalidInput):
        answers.add_outcome(actor, draft, indicator_id=library["yes_no"].id, target_value=2)
    with pytest.raises(InvalidInput):
        answers.add_outcome(actor, draft, indicator_id=library["people"].id, target_value=True)


def test_a_retired_indicator_stays_shown_on_outcomes_that_use_it(client, draft, library):
    people = library["people"]
    client.post(url(draft), data={"measure": str(people.id), f"target_{people.id}": "40"})
    people.is_active = False
    db.session.commit()
    page = soup_of(client.get(url(draft)))
    table = page.find("table").get_text(" ", strip=True)
    assert "People taking part" in table and "40 people" in table
    assert str(people.id) not in [r["value"] for r in page.find_all("input", {"name": "measure"})]
    summary = client.get(f"/applications/{draft.id}/check").get_data(as_text=True)
    assert "People taking part" in summary and "40 people" in summary


def test_both_shapes_read_well_wherever_outcomes_are_copied(draft, library):
    actor = draft.organisation.main_contact
    principle = db.session.scalars(select(Principle)).first()
    answers.add_outcome(actor, draft, indicator_id=library["people"].id, target_value=40)
    answers.add_outcome(
        actor, draft, description="Parents make friends", target="", principle_id=principle.id
    )
    snapshot = revisions.snapshot(draft)["Outcomes"].splitlines()
    assert snapshot[0].startswith("People taking part: 40 people (")
    assert snapshot[1] == f"Parents make friends: no target given ({principle.name})"
    rows = dict(member_view(draft).facts())
    assert rows["People taking part"] == "40 people"
    assert rows["Parents make friends"] == "No target given"


def test_without_a_library_groups_describe_outcomes_in_their_own_words(client, draft):
    page = soup_of(client.get(url(draft)))
    assert page.find("input", {"name": "measure", "type": "hidden"})["value"] == "own"
    principle = db.session.scalars(select(Principle)).first()
    response = client.post(
        url(draft), data={"description": "Children fed", "principle": str(principle.id)}
    )
    assert response.status_code == 302
    assert [o.description for o in outcomes_of(draft)] == ["Children fed"]


def test_the_factory_for_a_measured_outcome(draft):
    outcome = add_measured_outcome(draft, name="Sessions held", unit="sessions", target=12)
    again = add_measured_outcome(draft, name="Sessions held", target=3)
    assert outcome.indicator_id == again.indicator_id
    assert (outcome.target_text, again.target_text) == ("12 sessions", "3 sessions")
