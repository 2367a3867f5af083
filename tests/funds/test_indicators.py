"""A fund's indicator library: a used indicator keeps its unit and is never deleted, wording
corrections are audited, names are unique in a fund, and only programme officers change it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.applications import answers
from grants.audit import AuditEvent
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.funds import indicators
from grants.funds.indicators import IndicatorDetails
from grants.funds.models import Indicator, IndicatorUnit
from grants.permissions import Role
from grants.reference.models import Principle
from tests.applications.factories import start_application
from tests.factories import make_user
from tests.funds.factories import make_fund, make_indicator, make_round


@pytest.fixture
def officer(reference_data):
    return make_user(Role.PROGRAMME_OFFICER)


@pytest.fixture
def fund(reference_data):
    return make_fund()


def principles() -> list[Principle]:
    return list(db.session.scalars(select(Principle).order_by(Principle.position)))


def details(**overrides) -> IndicatorDetails:
    values = {
        "name": "Volunteers involved",
        "definition": "Count each volunteer once.",
        "unit": "volunteers",
        "principle_id": principles()[0].id,
    }
    values.update(overrides)
    return IndicatorDetails(**values)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def use(indicator: Indicator, target: int = 10):
    """An application to a round of the indicator's fund picks it."""
    application = start_application(make_round(indicator.fund))
    actor = application.organisation.main_contact
    outcome = answers.add_outcome(
        actor, application, indicator_id=indicator.id, target_value=target
    )
    db.session.commit()
    return outcome


def test_an_officer_adds_an_indicator_and_it_is_audited(officer, fund):
    indicator = indicators.add_indicator(officer, fund, details(name="  Volunteers involved "))
    assert (indicator.name, indicator.unit, indicator.is_active) == (
        "Volunteers involved",
        IndicatorUnit.VOLUNTEERS,
        True,
    )
    [event] = events("indicator.created")
    assert event.actor_id == officer.id and event.after["unit"] == "volunteers"


@pytest.mark.parametrize(
    "role", [None, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER]
)
def test_only_programme_officers_change_the_library(fund, reference_data, role):
    someone = make_user(*([role] if role else []))
    indicator = make_indicator(fund)
    for change in (
        lambda: indicators.add_indicator(someone, fund, details()),
        lambda: indicators.update_indicator(someone, indicator, details()),
        lambda: indicators.set_active(someone, indicator, False),
        lambda: indicators.delete_indicator(someone, indicator),
    ):
        with pytest.raises(NotAllowed):
            change()
    assert db.session.get(Indicator, indicator.id).is_active


def test_another_funds_indicator_is_not_found_through_this_fund(fund):
    other = make_indicator(make_fund())
    with pytest.raises(NotFound):
        indicators.get_indicator(fund, other.id)
    for missing in (None, 0, -1, 2**31, 2**63 - 1):
        with pytest.raises(NotFound):
            indicators.get_indicator(fund, missing)


def test_names_are_unique_in_a_fund_ignoring_case(officer, fund):
    indicators.add_indicator(officer, fund, details(name="Sessions held", unit="sessions"))
    with pytest.raises(InvalidInput) as refused:
        indicators.add_indicator(officer, fund, details(name="SESSIONS HELD "))
    assert refused.value.errors["name"] == "This fund already has an indicator with this name"
    # Another fund may have its own indicator of that name.
    assert indicators.add_indicator(officer, make_fund(), details(name="Sessions held"))


def test_every_problem_is_reported_at_once(officer, fund):
    with pytest.raises(InvalidInput) as refused:
        indicators.add_indicator(
            officer,
            fund,
            IndicatorDetails(name=" ", definition="", unit="furlongs", principle_id=2**40),
        )
    assert set(refused.value.errors) == {"name", "definition", "unit", "principle_id"}
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 0


def test_correcting_the_wording_is_audited_before_and_after(officer, fund):
    indicator = make_indicator(fund, name="Peple taking part")
    use(indicator)
    indicators.update_indicator(
        officer,
        indicator,
        details(
            name="People taking part",
            definition="Count each person once, however often they come.",
            unit="people",
            principle_id=indicator.principle_id,
        ),
    )
    [event] = events("indicator.updated")
    assert (event.before["name"], event.after["name"]) == (
        "Peple taking part",
        "People taking part",
    )
    assert event.after["definition"] == "Count each person once, however often they come."


def test_saving_unchanged_wording_records_nothing(officer, fund):
    indicator = make_indicator(fund)
    same = details(
        name=indicator.name,
        definition=indicator.definition,
        unit=indicator.unit.value,
        principle_id=indicator.principle_id,
    )
    indicators.update_indicator(officer, indicator, same)
    assert events("indicator.updated") == []


def test_an_unused_indicators_unit_may_change(officer, fund):
    indicator = make_indicator(fund, unit="people")
    indicators.update_indicator(officer, indicator, details(name=indicator.name, unit="sessions"))
    assert indicator.unit == IndicatorUnit.SESSIONS


def test_a_used_indicators_unit_and_principle_never_change(officer, fund):
    indicator = make_indicator(fund, unit="people")
    use(indicator)
    with pytest.raises(InvalidInput) as refused:
        indicators.update_indicator(
            officer,
            indicator,
            details(name=indicator.name, unit="hours", principle_id=principles()[1].id),
        )
    assert refused.value.errors["unit"].startswith(
        "Groups have already used this indicator in their outcomes, so it always counts people"
    )
    assert "principle_id" in refused.value.errors
    db.session.rollback()
    fresh = db.session.get(Indicator, indicator.id)
    assert fresh.unit == IndicatorUnit.PEOPLE and fresh.principle_id == principles()[0].id


def test_a_used_indicator_is_never_deleted(officer, fund):
    indicator = make_indicator(fund)
    use(indicator)
    with pytest.raises(DomainError, match="cannot be deleted. You can retire it instead"):
        indicators.delete_indicator(officer, indicator)
    db.session.rollback()
    assert db.session.get(Indicator, indicator.id) is not None


def test_an_unused_indicator_is_deleted_and_audited(officer, fund):
    indicator = make_indicator(fund)
    indicator_id = indicator.id
    indicators.delete_indicator(officer, indicator)
    assert db.session.get(Indicator, indicator_id) is None
    [event] = events("indicator.deleted")
    assert event.object_id == str(indicator_id) and event.before["name"] == indicator.name


def test_retiring_keeps_outcomes_and_hides_it_from_groups(officer, fund):
    indicator = make_indicator(fund, name="Sessions held", unit="sessions")
    outcome = use(indicator, 12)
    assert indicators.set_active(officer, indicator, False) is True
    assert indicators.set_active(officer, indicator, False) is False  # a second click: nothing
    assert len(events("indicator.retired")) == 1
    assert indicators.active_indicators(fund.id) == []
    assert (outcome.title, outcome.target_text) == ("Sessions held", "12 sessions")
    assert indicators.set_active(officer, indicator, True) is True
    assert indicators.active_indicators(fund.id) == [indicator]
    assert len(events("indicator.reactivated")) == 1


def test_the_library_counts_the_outcomes_using_each_indicator(fund, count_queries):
    used = make_indicator(fund, name="A used one")
    make_indicator(fund, name="B unused")
    use(used)
    use(used)
    entries = indicators.library(fund)
    assert [(e.indicator.name, e.uses) for e in entries] == [("A used one", 2), ("B unused", 0)]
    few = count_queries(lambda: [e.indicator.principle.name for e in indicators.library(fund)])
    for number in range(5):
        use(make_indicator(fund, name=f"More {number}", principle_id=principles()[number].id))
    many = count_queries(lambda: [e.indicator.principle.name for e in indicators.library(fund)])
    assert many == few


def test_a_fund_holds_a_bounded_number_of_indicators(officer, fund, monkeypatch):
    monkeypatch.setattr("grants.limits.MAX_INDICATORS", 2)
    make_indicator(fund)
    make_indicator(fund)
    with pytest.raises(DomainError, match="up to 2 indicators"):
        indicators.add_indicator(officer, fund, details())
