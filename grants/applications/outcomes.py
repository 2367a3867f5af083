"""The outcomes section: how a group will know its project worked.

An outcome is either an indicator from the round's fund's library with a whole-number target, so
the fund can add it up across projects, or the group's own outcome in its own words (kept and
shown, never summed). The services for the section live here; ``answers`` offers them beside the
other sections' services.
"""

from __future__ import annotations

from grants import audit, limits, transaction
from grants.accounts.models import User
from grants.applications.models import Application, Outcome
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.funds.models import Indicator, IndicatorUnit
from grants.numbers import whole_number
from grants.reference.models import Principle

# The largest whole-number target an outcome may have: more than any project in the borough
# could reach, far inside the column, so a typo of extra digits is caught rather than summed.
MAX_TARGET = 10_000_000
YES_NO_TARGETS = {"yes": 1, "no": 0}
LARGEST_ID = 2**31 - 1  # the id columns are 32-bit: anything beyond is no such row


def _saved(actor: User, application: Application, before: dict, after: dict) -> None:
    audit.record(actor, "application.outcomes_saved", application, before=before, after=after)
    db.session.flush()


def offered_indicator(application: Application, indicator_id: int | None) -> Indicator | None:
    """The indicator if groups applying to this round may pick it: one of the round's fund's,
    and not retired. Anything else (another fund's, a retired one, no such id, an id beyond the
    column) is None."""
    if indicator_id is None or not 0 < indicator_id <= LARGEST_ID:
        return None
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.fund_id != application.round.fund_id:
        return None
    return indicator if indicator.is_active else None


def target_number(indicator: Indicator, answer: str | int | None) -> int | None:
    """The whole-number target an answer gives for this indicator, or None if it gives none.
    A yes or no indicator's target is 1 for yes and 0 for no."""
    is_int = isinstance(answer, int) and not isinstance(answer, bool)
    if indicator.unit == IndicatorUnit.YES_NO:
        if is_int:
            return answer if answer in (0, 1) else None
        return YES_NO_TARGETS.get(answer) if isinstance(answer, str) else None
    if is_int:
        return answer
    if isinstance(answer, str):
        return whole_number(answer.replace(",", ""), max_digits=12, allow_negative=True)
    return None


def _target_problem(indicator: Indicator, answer: str | int | None) -> str | None:
    number = target_number(indicator, answer)
    if indicator.unit == IndicatorUnit.YES_NO:
        return None if number is not None else "Select yes or no"
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return "Enter your target"
    if indicator.unit == IndicatorUnit.PERCENTAGE:
        if number is None or not 0 <= number <= 100:
            return "Enter your target as a percentage from 0 to 100, like 75"
        return None
    if number is None or not 0 <= number <= MAX_TARGET:
        return f"Enter your target as a whole number from 0 to {MAX_TARGET:,}, like 40"
    return None


def outcome_problems(
    application: Application,
    *,
    indicator_id: int | None = None,
    target_value: str | int | None = None,
    description: str | None = None,
    target: str | None = None,
    principle_id: int | None = None,
) -> dict[str, str]:
    """Every problem with an outcome at once. With ``indicator_id`` it is an indicator outcome
    (errors under ``measure`` and ``target_value``); without, the group's own outcome
    (``description``, ``target``, ``principle``)."""
    if indicator_id is not None:
        indicator = offered_indicator(application, indicator_id)
        if indicator is None:
            return {"measure": "Select a way of measuring it from the list"}
        problem = _target_problem(indicator, target_value)
        return {"target_value": problem} if problem else {}
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Enter what will change"
    elif len(description) > 300:
        errors["description"] = "What will change must be 300 characters or fewer"
    if len((target or "").strip()) > 200:
        errors["target"] = "Your target must be 200 characters or fewer"
    principle = (
        db.session.get(Principle, principle_id)
        if principle_id is not None and 0 < principle_id <= LARGEST_ID
        else None
    )
    if principle is None or not principle.is_active:
        errors["principle"] = "Select the principle this outcome serves"
    return errors


def add_outcome(
    actor: User,
    application: Application,
    *,
    indicator_id: int | None = None,
    target_value: str | int | None = None,
    description: str | None = None,
    target: str | None = None,
    principle_id: int | None = None,
    indicator: str | None = None,
) -> Outcome:
    """Add a planned outcome: an indicator from the fund's library with a whole-number target
    (``target_value``: a number, digits typed, or "yes"/"no"; its principle is the indicator's),
    or the group's own outcome in words with the principle it serves. ``indicator`` is the older
    name of ``description``, for callers written before the library existed."""
    description = description if description is not None else indicator
    errors = outcome_problems(
        application,
        indicator_id=indicator_id,
        target_value=target_value,
        description=description,
        target=target,
        principle_id=principle_id,
    )
    if errors:
        raise InvalidInput(errors)
    limits.make_room(
        application,
        Outcome.application_id,
        limits.MAX_OUTCOMES,
        f"An application can list up to {limits.MAX_OUTCOMES} outcomes. "
        "Remove one, or combine two, to add another",
        field="measure",
    )
    if indicator_id is not None:
        chosen = offered_indicator(application, indicator_id)
        # In order with an officer retiring or deleting it at this very moment.
        if chosen is None or not transaction.claim(chosen, is_active=True):
            raise DomainError(
                "That way of measuring it is no longer offered. Select another", field="measure"
            )
        outcome = Outcome(
            indicator=chosen,
            target_value=target_number(chosen, target_value),
            principle_id=chosen.principle_id,
        )
        added = {"indicator_id": chosen.id, "target_value": outcome.target_value}
    else:
        outcome = Outcome(
            description=description.strip(),
            target=(target or "").strip(),
            principle_id=principle_id,
        )
        added = {"description": outcome.description, "target": outcome.target}
    application.outcomes.append(outcome)
    added["principle_id"] = outcome.principle_id
    _saved(actor, application, {}, {"added": added})
    return outcome


def remove_outcome(actor: User, application: Application, outcome_id: int) -> None:
    outcome = next((o for o in application.outcomes if o.id == outcome_id), None)
    if outcome is None:
        raise DomainError("That outcome has already been removed")
    application.outcomes.remove(outcome)
    _saved(actor, application, {"removed": {"outcome": outcome.title}}, {})
