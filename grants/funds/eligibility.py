"""Who may apply to a round: pure rules that say *why* not, in words written for the group.

The public eligibility checker asks three questions (type of group, income, where the activity
happens); the application journey and officers' screening ask the same of a saved Organisation.
Each rule returns a list of reasons, empty when the group may apply, so every caller explains a
"no" the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from grants.funds.models import Round
from grants.money import format_pence
from grants.organisations.models import (
    INCOME_UPPER_PENCE,
    IncomeBand,
    Organisation,
    OrganisationType,
)
from grants.reference.models import Neighbourhood


@dataclass(frozen=True)
class Answers:
    """What someone told the checker. ``place_answered`` with no neighbourhood means everywhere."""

    org_type: OrganisationType | None = None
    income_band: IncomeBand | None = None
    place_answered: bool = False
    neighbourhood: Neighbourhood | None = None


def _with_article(label: str) -> str:
    lowered = label[0].lower() + label[1:]
    return ("an " if lowered[0] in "aeiou" else "a ") + lowered


def _listed(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def eligible_type_labels(round_: Round) -> list[str]:
    allowed = set(round_.eligible_org_types or [])
    return [t.label for t in OrganisationType if t.value in allowed]


def reasons_type_is_ineligible(round_: Round, org_type: OrganisationType) -> list[str]:
    if org_type.value in (round_.eligible_org_types or []):
        return []
    types = _listed([label[0].lower() + label[1:] for label in eligible_type_labels(round_)])
    return [
        f"This round is for these types of group: {types}. "
        f"You told us your group is {_with_article(org_type.label)}."
    ]


def reasons_income_is_ineligible(round_: Round, income_band: IncomeBand) -> list[str]:
    limit = round_.max_income_pence
    upper = income_band.upper_pence
    if limit is None or (upper is not None and upper <= limit):
        return []
    return [
        f"This round is for groups with an income of {format_pence(limit)} or less. "
        f"You told us your income is {income_band.label}."
    ]


def income_band_straddles_limit(round_: Round, income_band: IncomeBand) -> bool:
    """Whether some groups in this band are under the round's limit (the band crosses it).

    The checker asks for a band, not an amount, so a group just under the limit in a band that
    reaches above it is told it may still qualify and whom to ask.
    """
    limit = round_.max_income_pence
    if limit is None or not reasons_income_is_ineligible(round_, income_band):
        return False
    bands = list(IncomeBand)
    below = bands.index(income_band) - 1
    lower_bound = INCOME_UPPER_PENCE[bands[below]] if below >= 0 else 0
    return lower_bound < limit


def reasons_place_is_ineligible(round_: Round, neighbourhood: Neighbourhood | None) -> list[str]:
    """``neighbourhood`` None means the activity happens across the borough."""
    if round_.all_neighbourhoods:
        return []
    names = _listed([n.name for n in round_.neighbourhoods])
    if neighbourhood is None:
        return [
            f"This round is only for activities in {names}. "
            "You told us your activity happens across the borough."
        ]
    if round_.covers(neighbourhood.id):
        return []
    return [
        f"This round is only for activities in {names}. "
        f"You told us your activity happens in {neighbourhood.name}."
    ]


def reasons_group_is_ineligible(round_: Round, organisation: Organisation) -> list[str]:
    """For the application journey and screening: the saved group's type and income."""
    return [
        *reasons_type_is_ineligible(round_, organisation.org_type),
        *reasons_income_is_ineligible(round_, organisation.income_band),
    ]


def reasons_answers_are_ineligible(round_: Round, answers: Answers) -> list[str]:
    """For the checker: every reason the answers given so far rule the group out."""
    reasons: list[str] = []
    if answers.org_type is not None:
        reasons += reasons_type_is_ineligible(round_, answers.org_type)
    if answers.income_band is not None:
        reasons += reasons_income_is_ineligible(round_, answers.income_band)
    if answers.place_answered:
        reasons += reasons_place_is_ineligible(round_, answers.neighbourhood)
    return reasons


def other_rounds_that_fit(
    round_: Round, answers: Answers, candidates: Iterable[Round]
) -> list[Round]:
    """Other rounds whose rules the same answers meet, to suggest when this one says no."""
    return [
        other
        for other in candidates
        if other.id != round_.id and not reasons_answers_are_ineligible(other, answers)
    ]
