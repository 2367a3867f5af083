"""How a round's settings read on a page: the same words on officer and public pages."""

from __future__ import annotations

from datetime import date

from grants.formatting import local_datetime
from grants.funds.eligibility import eligible_type_labels
from grants.funds.models import Round, RoundStatus
from grants.money import format_pence
from grants.organisations.models import OrganisationType

STATUS_TAGS = {
    RoundStatus.UPCOMING: ("Opens soon", "blue"),
    RoundStatus.OPEN: ("Open", "green"),
    RoundStatus.CLOSED: ("Closed", "grey"),
}


def status_tag(round_: Round) -> dict:
    """Parameters for govukTag."""
    text, colour = STATUS_TAGS[round_.status()]
    return {"text": text, "classes": f"govuk-tag--{colour}"}


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def where_projects_happen(round_: Round) -> str:
    if round_.all_neighbourhoods:
        return "Anywhere in the borough"
    return ", ".join(n.name for n in round_.neighbourhoods)


def who_can_apply(round_: Round) -> str:
    labels = eligible_type_labels(round_)
    if len(labels) == len(OrganisationType):
        return "Every type of community group"
    return ", ".join(labels)


def grant_range(round_: Round) -> str:
    low = format_pence(round_.min_award_pence)
    high = format_pence(round_.max_award_pence)
    return f"{low} to {high}"


def settings(round_: Round) -> list[tuple[str, str]]:
    """(setting, value) pairs describing every rule of the round, for summary lists."""
    income = round_.max_income_pence
    window = ""
    if round_.project_start_from or round_.project_end_by:
        start = long_date(round_.project_start_from) or "any date"
        end = long_date(round_.project_end_by) or "any date"
        window = f"Start from {start}, finish by {end}"
    return [
        ("Web address", f"/rounds/{round_.slug}"),
        ("Opens", local_datetime(round_.opens_at)),
        ("Closes", local_datetime(round_.closes_at)),
        ("Budget", format_pence(round_.budget_pence)),
        ("Grants", grant_range(round_)),
        ("Types of group that can apply", who_can_apply(round_)),
        ("Largest annual income", format_pence(income) if income else "No limit"),
        ("Where projects can happen", where_projects_happen(round_)),
        ("Project dates", window or "Any dates"),
        ("Video or audio answers", "Accepted" if round_.allows_recordings else "Not accepted"),
        (
            "Applications per group",
            "More than one" if round_.allows_several_applications else "One",
        ),
        ("Blind panel", "Yes" if round_.blind_panel else "No"),
    ]
