"""A fund's indicator library: the measures groups pick for their outcomes, so that the fund can
add up what its projects achieved and compare it year on year.

An indicator keeps its id for as long as the fund exists. Once any outcome uses it, it is never
deleted (it is retired instead, and groups no longer see it), and its unit and principle never
change: otherwise figures already given would be added up with figures counted another way. Its
wording (name and definition) can still be corrected; every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants import audit, limits, transaction
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.funds.models import Fund, Indicator, IndicatorUnit
from grants.funds.services import check_can_manage, text_error
from grants.reference.models import Principle

LARGEST_ID = 2**31 - 1  # the id columns are 32-bit: anything beyond is no such row
NAME_LENGTH = 200
DEFINITION_LENGTH = 2000
IN_USE = "Groups have already used this indicator in their outcomes"


@dataclass
class IndicatorDetails:
    name: str | None
    definition: str | None
    unit: str | None
    principle_id: int | None


@dataclass
class LibraryEntry:
    indicator: Indicator
    uses: int  # how many outcomes use it


def _usage():
    """Outcomes per indicator, as a subquery (applications import funds, not the reverse)."""
    outcome = db.metadata.tables["outcome"]
    return (
        select(outcome.c.indicator_id, func.count().label("uses"))
        .where(outcome.c.indicator_id.is_not(None))
        .group_by(outcome.c.indicator_id)
        .subquery()
    )


def library(fund: Fund) -> list[LibraryEntry]:
    """Every indicator of the fund, active ones first, with how many outcomes use each. Two
    queries however large the library grows."""
    usage = _usage()
    query = (
        select(Indicator, func.coalesce(usage.c.uses, 0))
        .outerjoin(usage, usage.c.indicator_id == Indicator.id)
        .where(Indicator.fund_id == fund.id)
        .order_by(Indicator.is_active.desc(), func.lower(Indicator.name), Indicator.id)
    )
    rows = db.session.execute(query.options(selectinload(Indicator.principle))).all()
    return [LibraryEntry(indicator, int(uses)) for indicator, uses in rows]


def active_indicators(fund_id: int) -> list[Indicator]:
    """The indicators groups may pick from, in name order."""
    query = (
        select(Indicator)
        .where(Indicator.fund_id == fund_id, Indicator.is_active)
        .order_by(func.lower(Indicator.name), Indicator.id)
    )
    return list(db.session.scalars(query))


def get_indicator(fund: Fund, indicator_id: int | None) -> Indicator:
    """The fund's indicator, or NotFound: another fund's indicator is no indicator of this one."""
    indicator = (
        db.session.get(Indicator, indicator_id)
        if indicator_id is not None and 0 < indicator_id <= LARGEST_ID
        else None
    )
    if indicator is None or indicator.fund_id != fund.id:
        raise NotFound("Indicator not found")
    return indicator


def use_count(indicator: Indicator) -> int:
    outcome = db.metadata.tables["outcome"]
    return db.session.scalar(select(func.count()).where(outcome.c.indicator_id == indicator.id))


def _unit(value: str | None) -> IndicatorUnit | None:
    try:
        return IndicatorUnit(value)
    except ValueError:
        return None


def indicator_errors(
    details: IndicatorDetails, fund: Fund, indicator: Indicator | None = None
) -> dict[str, str]:
    """Every problem with an indicator's details at once, field by field. Answers the form has
    already refused arrive as None and are skipped."""
    errors: dict[str, str] = {}
    problem = text_error(
        details.name, missing="Enter the indicator's name", label="Name", max_length=NAME_LENGTH
    )
    if problem and details.name is not None:
        errors["name"] = problem
    problem = text_error(
        details.definition,
        missing="Enter how to count it",
        label="How to count it",
        max_length=DEFINITION_LENGTH,
    )
    if problem and details.definition is not None:
        errors["definition"] = problem
    name = (details.name or "").strip().lower()
    same_name = select(Indicator.id).where(
        Indicator.fund_id == fund.id, func.lower(Indicator.name) == name
    )
    if indicator is not None:
        same_name = same_name.where(Indicator.id != indicator.id)
    if name and "name" not in errors and db.session.scalar(same_name) is not None:
        errors["name"] = "This fund already has an indicator with this name"
    if _unit(details.unit) is None:
        errors["unit"] = "Select what it counts"
    principle_id = details.principle_id
    principle = (
        db.session.get(Principle, principle_id)
        if principle_id is not None and 0 < principle_id <= LARGEST_ID
        else None
    )
    unchanged = indicator is not None and principle_id == indicator.principle_id
    if principle is None or not (principle.is_active or unchanged):
        errors["principle_id"] = "Select the principle it serves"
    if indicator is not None and use_count(indicator):
        if _unit(details.unit) not in (None, indicator.unit):
            errors["unit"] = (
                f"{IN_USE}, so it always counts {indicator.unit.label.lower()}. "
                "To count something else, add a new indicator"
            )
        if "principle_id" not in errors and principle_id != indicator.principle_id:
            errors["principle_id"] = (
                f"{IN_USE}, so the principle it serves stays "
                f"{indicator.principle.name}. Add a new indicator for another principle"
            )
    return errors


def add_indicator(actor, fund: Fund, details: IndicatorDetails) -> Indicator:
    check_can_manage(actor)
    errors = indicator_errors(details, fund)
    if errors:
        raise InvalidInput(errors)
    limits.make_room(
        fund,
        Indicator.fund_id,
        limits.MAX_INDICATORS,
        f"A fund can have up to {limits.MAX_INDICATORS} indicators. "
        "Retire or delete one to add another",
        field="name",
    )
    indicator = Indicator(
        fund_id=fund.id,
        name=details.name.strip(),
        definition=details.definition.strip(),
        unit=IndicatorUnit(details.unit),
        principle_id=details.principle_id,
        is_active=True,
    )
    db.session.add(indicator)
    db.session.flush()
    audit.record(actor, "indicator.created", indicator, after=indicator.audit_view())
    db.session.flush()
    return indicator


def update_indicator(actor, indicator: Indicator, details: IndicatorDetails) -> Indicator:
    """Correct an indicator's wording. Its unit and principle may change only while no outcome
    uses it. Saving what is already there records nothing."""
    check_can_manage(actor)
    transaction.claim(indicator, id=indicator.id)  # in order with a group picking it right now
    errors = indicator_errors(details, indicator.fund, indicator)
    if errors:
        raise InvalidInput(errors)
    before = indicator.audit_view()
    indicator.name = details.name.strip()
    indicator.definition = details.definition.strip()
    indicator.unit = IndicatorUnit(details.unit)
    indicator.principle_id = details.principle_id
    db.session.flush()
    after = indicator.audit_view()
    if after != before:
        db.session.expire(indicator, ["principle"])
        audit.record(actor, "indicator.updated", indicator, before=before, after=after)
        db.session.flush()
    return indicator


def set_active(actor, indicator: Indicator, active: bool) -> bool:
    """Retire an indicator (groups can no longer pick it; outcomes that use it keep it) or offer
    it again. False when it was already so: a second click changes nothing."""
    check_can_manage(actor)
    if not transaction.claim(indicator, is_active=not active):
        return False
    before = indicator.audit_view()
    indicator.is_active = active
    db.session.flush()
    action = "indicator.reactivated" if active else "indicator.retired"
    audit.record(actor, action, indicator, before=before, after=indicator.audit_view())
    db.session.flush()
    return True


def delete_indicator(actor, indicator: Indicator) -> None:
    """Delete an indicator no outcome has ever used. One that is used is refused: retire it."""
    check_can_manage(actor)
    transaction.claim(indicator, id=indicator.id)
    if use_count(indicator):
        raise DomainError(f"{IN_USE}, so it cannot be deleted. You can retire it instead")
    before = indicator.audit_view()
    audit.record(actor, "indicator.deleted", indicator, before=before)
    db.session.delete(indicator)
    db.session.flush()
