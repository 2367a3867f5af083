"""The indicator library's pages: the fund page's summary, add, correct, retire, offer again and
delete, who may open each, and what a crafted request gets."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.applications import answers
from grants.extensions import db
from grants.funds.models import Indicator, IndicatorUnit
from grants.permissions import Role
from grants.reference.models import Principle
from tests.applications.factories import start_application
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.funds.endpoints_indicators import ENDPOINTS
from tests.funds.factories import make_fund, make_indicator, make_round


@pytest.fixture
def fund(reference_data):
    return make_fund(name="Community Investment Fund")


@pytest.fixture
def officer(client, reference_data):
    user = make_user(Role.PROGRAMME_OFFICER)
    sign_in(client, user)
    return user


def first_principle() -> Principle:
    return db.session.scalars(select(Principle).order_by(Principle.position)).first()


def use(indicator: Indicator) -> None:
    application = start_application(make_round(indicator.fund))
    answers.add_outcome(
        application.organisation.main_contact,
        application,
        indicator_id=indicator.id,
        target_value=5,
    )
    db.session.commit()


def form_body(**overrides) -> dict:
    body = {
        "name": "Volunteer hours",
        "definition": "Add up the hours every volunteer gave.",
        "unit": "hours",
        "principle_id": str(first_principle().id),
    }
    body.update(overrides)
    return body


def test_every_indicator_endpoint_is_listed(app):
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("funds.") and "indicator" in rule.endpoint
    }
    assert found == ENDPOINTS


@pytest.mark.parametrize("who", ["anonymous", *Role], ids=str)
def test_the_library_is_for_programme_officers(client, fund, who):
    indicator = make_indicator(fund)
    if who != "anonymous":
        sign_in(client, make_user(who))
    expected = {"anonymous": 302, Role.PROGRAMME_OFFICER: 200}.get(who, 403)
    base = f"/funds/{fund.id}/indicators"
    for path in (base, f"{base}/new", f"{base}/{indicator.id}", f"{base}/{indicator.id}/delete"):
        assert client.get(path).status_code == expected, path
    for action in ("retire", "reactivate"):
        response = client.post(f"{base}/{indicator.id}/{action}")
        assert response.status_code == (403 if expected == 403 else 302), action
    assert client.post(f"{base}/new", data=form_body()).status_code in (expected, 302)
    made = db.session.scalar(select(func.count()).select_from(Indicator))
    assert made == (2 if who == Role.PROGRAMME_OFFICER else 1)


def test_the_fund_page_summarises_the_library(client, officer, fund):
    used = make_indicator(fund, name="Sessions held", unit="sessions")
    retired = make_indicator(fund, name="Old measure")
    retired.is_active = False
    use(used)
    use(used)
    page = soup_of(client.get(f"/funds/{fund.id}"))
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in page.select("#indicators ~ .app-table-region tbody tr")
    ]
    assert [
        "Sessions held",
        "Sessions",
        first_principle().name,
        "Active",
        "Used by 2 outcomes",
    ] in rows
    assert ["Old measure", "People", first_principle().name, "Retired", "Not used yet"] in rows
    link = page.find("a", string="Manage this fund's indicators")
    assert link["href"] == f"/funds/{fund.id}/indicators"


def test_adding_shows_every_problem_at_once_and_keeps_what_was_typed(client, officer, fund):
    make_indicator(fund, name="Volunteer hours", unit="hours")
    response = client.post(
        f"/funds/{fund.id}/indicators/new",
        data=form_body(name="volunteer HOURS", definition="", unit="furlongs", principle_id="²"),
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "This fund already has an indicator with this name",
        "Enter how to count it",
        "Select what it counts",
        "Select the principle it serves",
    ]
    assert soup_of(response).find("input", {"name": "name"})["value"] == "volunteer HOURS"


def test_an_officer_adds_an_indicator(client, officer, fund):
    response = client.post(f"/funds/{fund.id}/indicators/new", data=form_body())
    assert response.location == f"/funds/{fund.id}/indicators"
    indicator = db.session.scalar(select(Indicator))
    assert (indicator.name, indicator.unit, indicator.fund_id) == (
        "Volunteer hours",
        IndicatorUnit.HOURS,
        fund.id,
    )
    page = client.get(f"/funds/{fund.id}/indicators").get_data(as_text=True)
    assert "Volunteer hours has been saved" in page and "Add up the hours" in page


def test_a_used_indicator_offers_only_its_wording_to_correct(client, officer, fund):
    indicator = make_indicator(fund, name="Peple taking part", unit="people")
    use(indicator)
    path = f"/funds/{fund.id}/indicators/{indicator.id}"
    page = soup_of(client.get(path))
    assert "Groups have used this indicator in 1 outcome." in page.get_text()
    assert page.find("input", {"name": "unit"}) is None
    assert page.find("input", {"name": "principle_id"}) is None
    refused = client.post(path, data=form_body(name="", definition="Count each person once."))
    assert error_messages(refused) == ["Enter the indicator's name"]
    assert "Count each person once." in soup_of(refused).find("textarea").get_text()
    # A crafted post of another unit or principle changes only the wording.
    other = db.session.scalars(select(Principle).order_by(Principle.position.desc())).first()
    saved = client.post(
        path, data=form_body(name="People taking part", unit="hours", principle_id=str(other.id))
    )
    assert saved.status_code == 302
    fresh = db.session.get(Indicator, indicator.id)
    assert (fresh.name, fresh.unit, fresh.principle_id) == (
        "People taking part",
        IndicatorUnit.PEOPLE,
        first_principle().id,
    )


def test_an_unused_indicators_unit_can_still_change_on_the_page(client, officer, fund):
    indicator = make_indicator(fund, name="Sessions", unit="people")
    path = f"/funds/{fund.id}/indicators/{indicator.id}"
    assert client.post(path, data=form_body(name="Sessions", unit="sessions")).status_code == 302
    assert db.session.get(Indicator, indicator.id).unit == IndicatorUnit.SESSIONS


def test_retire_and_offer_again(client, officer, fund):
    indicator = make_indicator(fund, name="Events run")
    base = f"/funds/{fund.id}/indicators/{indicator.id}"
    assert client.post(f"{base}/retire").status_code == 302
    assert client.post(f"{base}/retire").status_code == 302  # a replay changes nothing
    assert db.session.get(Indicator, indicator.id).is_active is False
    page = client.get(f"/funds/{fund.id}/indicators").get_data(as_text=True)
    assert "Retired" in page and "Offer to groups again" in page
    client.post(f"{base}/reactivate")
    assert db.session.get(Indicator, indicator.id).is_active is True


def test_deleting_an_unused_indicator_asks_first(client, officer, fund):
    indicator = make_indicator(fund, name="Items made")
    path = f"/funds/{fund.id}/indicators/{indicator.id}/delete"
    confirm = client.get(path)
    assert "Deleting it cannot be undone" in confirm.get_data(as_text=True)
    assert client.post(path).location == f"/funds/{fund.id}/indicators"
    assert db.session.get(Indicator, indicator.id) is None


def test_a_used_indicator_cannot_be_deleted_even_by_a_crafted_post(client, officer, fund):
    indicator = make_indicator(fund, name="Sessions held")
    use(indicator)
    path = f"/funds/{fund.id}/indicators/{indicator.id}/delete"
    page = client.get(path).get_data(as_text=True)
    assert "cannot be deleted" in page and "Delete indicator" not in page
    listing = client.get(f"/funds/{fund.id}/indicators").get_data(as_text=True)
    assert f"/indicators/{indicator.id}/delete" not in listing
    response = client.post(path, follow_redirects=True)
    assert "so it cannot be deleted. You can retire it instead" in response.get_data(as_text=True)
    assert db.session.get(Indicator, indicator.id) is not None


def test_another_funds_indicator_and_odd_ids_are_not_found(client, officer, fund):
    other = make_indicator(make_fund())
    for indicator_id in (other.id, 2**31, 2**63, 10**30):
        base = f"/funds/{fund.id}/indicators/{indicator_id}"
        assert client.get(base).status_code == 404, indicator_id
        assert client.get(f"{base}/delete").status_code == 404
        assert client.post(f"{base}/retire").status_code == 404
    assert db.session.get(Indicator, other.id).is_active


def test_the_list_makes_the_same_number_of_queries_however_long(
    app, client, officer, fund, count_queries
):
    make_indicator(fund)
    path = f"/funds/{fund.id}/indicators"
    few = count_queries(lambda: client.get(path))
    for number in range(6):
        use(make_indicator(fund, name=f"Measure {number}"))
    many = count_queries(lambda: client.get(path))
    assert many == few
    fund_page = f"/funds/{fund.id}"
    assert count_queries(lambda: client.get(fund_page)) > 0
