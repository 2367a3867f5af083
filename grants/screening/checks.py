"""The eligibility checklist: what an officer confirms about a sent application, with a first
answer to each item suggested from the application's own data."""

from __future__ import annotations

from dataclasses import dataclass

from grants.applications import sections
from grants.applications.models import SUPPORTING_DOCUMENTS, Application
from grants.funds import eligibility
from grants.money import format_pence

# The eligibility checklist


@dataclass(frozen=True)
class Suggestion:
    """What the application's own data says about one checklist item, for the officer to confirm."""

    met: bool
    reason: str


CHECKLIST_LABELS = {
    "group_type": "The type of group is eligible",
    "income": "The group's income is within the limit",
    "documents": "Documents are present and current",
    "amount": "The amount asked for is within the round's limits",
    "dates": "The project dates are within the round's window",
    "area": "The round covers where the project happens",
}


def _group_type(application: Application) -> Suggestion:
    round_, org_type = application.round, application.organisation.org_type
    if not eligibility.reasons_type_is_ineligible(round_, org_type):
        return Suggestion(True, f"{org_type.label}: this round accepts it")
    accepted = ", ".join(eligibility.eligible_type_labels(round_)) or "no type of group"
    return Suggestion(False, f"{org_type.label}: this round is for {accepted}")


def _income(application: Application) -> Suggestion:
    round_, band = application.round, application.organisation.income_band
    if round_.max_income_pence is None:
        return Suggestion(True, "This round has no income limit")
    limit = format_pence(round_.max_income_pence)
    if not eligibility.reasons_income_is_ineligible(round_, band):
        return Suggestion(True, f"Income {band.label.lower()}; the limit is {limit}")
    if eligibility.income_band_straddles_limit(round_, band):
        return Suggestion(
            False, f"Income {band.label.lower()}; the limit is {limit}. Check their accounts"
        )
    return Suggestion(False, f"Income {band.label.lower()}; the limit is {limit}")


def _documents(application: Application) -> Suggestion:
    missing = [
        kind.label for kind in SUPPORTING_DOCUMENTS if not sections.has_document(application, kind)
    ]
    if missing:
        return Suggestion(False, "Missing: " + ", ".join(missing))
    return Suggestion(
        True, "All attached. Check the accounts are the latest and the policy is in date"
    )


def _amount(application: Application) -> Suggestion:
    round_ = application.round
    return Suggestion(
        sections.budget_within_limits(application),
        f"Asks for {format_pence(sections.budget_total(application))}; this round gives "
        f"{format_pence(round_.min_award_pence)} to {format_pence(round_.max_award_pence)}",
    )


def _dates(application: Application) -> Suggestion:
    start, end, round_ = application.start_date, application.end_date, application.round
    if not (start and end):
        return Suggestion(False, "The project dates are missing")
    problems = []
    if round_.project_start_from and start < round_.project_start_from:
        problems.append(f"starts before {round_.project_start_from:%-d %B %Y}")
    if round_.project_end_by and end > round_.project_end_by:
        problems.append(f"ends after {round_.project_end_by:%-d %B %Y}")
    if end < start:
        problems.append("ends before it starts")
    span = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    return Suggestion(
        not problems, f"{span}: " + ("; ".join(problems) if problems else "within the window")
    )


def _area(application: Application) -> Suggestion:
    if not application.neighbourhoods:
        return Suggestion(False, "No neighbourhood chosen")
    outside = [n.name for n in application.neighbourhoods if not application.round.covers(n.id)]
    if outside:
        return Suggestion(False, "Outside the round's area: " + ", ".join(outside))
    return Suggestion(True, "Every neighbourhood chosen is in the round's area")


_SUGGESTERS = {
    "group_type": _group_type,
    "income": _income,
    "documents": _documents,
    "amount": _amount,
    "dates": _dates,
    "area": _area,
}


def suggest_checklist(application: Application) -> dict[str, Suggestion]:
    """A first answer to each checklist item from the data, so the officer checks rather than
    hunts. The officer's ticks, not these suggestions, are what is recorded."""
    return {key: suggest(application) for key, suggest in _SUGGESTERS.items()}
