"""What an officer may no longer change about a round, and why.

A round's rules are a promise to the groups applying. Once a group has started an application,
changing who may apply, how much they may ask for or what they must answer would break work
already done, so those settings lock. Wording (titles, guidance, question labels and hints) stays
editable so mistakes can be corrected. The services enforce every lock; the pages only explain them.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from grants.funds.models import Round


class Fact(StrEnum):
    """What funds needs to know about a round but does not own. Later domains answer."""

    STARTED_APPLYING = "started_applying"  # any group has started an application
    PANEL_STARTED = "panel_started"  # a panel may have scored an application


# Dependencies point one way (funds <- applications <- screening <- panels): funds never imports
# a later domain. Each later domain registers how it knows a fact (applications does at import);
# a fact nobody has registered is false.
_checks: dict[Fact, list[Callable[[Round], bool]]] = {fact: [] for fact in Fact}


def register_usage_check(fact: Fact, check: Callable[[Round], bool]) -> None:
    """Let a later domain answer ``fact`` for a round. Registering the same check twice is a no-op."""
    if check not in _checks[fact]:
        _checks[fact].append(check)


def _known(fact: Fact, round_: Round) -> bool:
    return any(check(round_) for check in _checks[fact])


# How each lockable round setting (a RoundDetails field) is named to an officer.
LABELS = {
    "slug": "Web address",
    "opens_at": "Opening date and time",
    "closes_at": "Closing date and time",
    "min_award_pence": "Smallest grant",
    "max_award_pence": "Largest grant",
    "eligible_org_types": "Types of group that can apply",
    "max_income_pence": "Largest annual income",
    "all_neighbourhoods": "Neighbourhoods",
    "neighbourhood_ids": "Neighbourhoods",
    "project_start_from": "Earliest project start",
    "project_end_by": "Latest project end",
    "allows_recordings": "Video or audio answers",
    "blind_panel": "Blind panel",
}
_WHO_CAN_APPLY = "Groups have started applying, and changing who can apply would be unfair to them"
_WHERE = (
    "Groups have started applying, and changing where projects can happen would be unfair to them"
)
_BUDGETS = "Groups have started applying and have planned their budgets around the grant sizes"
_DATES = "Groups have started applying and have planned their project dates around this"
# Settings that lock once any group has started an application, and why.
LOCKED_ONCE_STARTED = {
    "slug": "Groups have started applying and links already sent to them use this web address",
    "opens_at": "The round has opened and groups have started applying",
    "min_award_pence": _BUDGETS,
    "max_award_pence": _BUDGETS,
    "eligible_org_types": _WHO_CAN_APPLY,
    "max_income_pence": _WHO_CAN_APPLY,
    "all_neighbourhoods": _WHERE,
    "neighbourhood_ids": _WHERE,
    "project_start_from": _DATES,
    "project_end_by": _DATES,
    "allows_recordings": "Groups have started applying and may already have recorded their answers",
}
CLOSING_EXTEND_ONLY = (
    "Groups have started applying, so the closing time can be moved later but not earlier"
)
BLIND_PANEL_FIXED = "The panel has started reviewing applications, so this cannot change"


def has_applications(round_: Round) -> bool:
    return _known(Fact.STARTED_APPLYING, round_)


def panel_has_started(round_: Round) -> bool:
    """Whether scoring may have begun (answered by applications today, by panels' scores later)."""
    return _known(Fact.PANEL_STARTED, round_)


def criteria_lock_reason(round_: Round) -> str | None:
    """Criteria may be added, changed, removed and reordered until the panel starts scoring."""
    if panel_has_started(round_):
        return (
            "The panel has started reviewing applications to this round, "
            "so its scoring criteria can no longer change"
        )
    return None


def questions_lock_reason(round_: Round) -> str | None:
    """Once groups apply, a question's type, choices and whether it must be answered are fixed."""
    if has_applications(round_):
        return (
            "Groups have started applying to this round, so a question's type, choices and "
            "whether it must be answered are fixed, and questions cannot be removed. You can still correct a question's wording and hint, reorder questions, "
            "raise a word limit and add optional questions"
        )
    return None


def locked_fields(round_: Round) -> dict[str, str]:
    """Round settings that may no longer change (RoundDetails field -> the reason, for officers).

    ``closes_at`` appears when it may only move later. ``blind_panel`` locks when the panel starts.
    """
    locked: dict[str, str] = {}
    if has_applications(round_):
        locked.update(LOCKED_ONCE_STARTED)
        locked["closes_at"] = CLOSING_EXTEND_ONLY
    if panel_has_started(round_):
        locked["blind_panel"] = BLIND_PANEL_FIXED
    return locked


def locked_summary(round_: Round) -> list[tuple[str, str]]:
    """(setting, reason) pairs for the edit page's "what is locked and why", one per setting."""
    summary: dict[str, str] = {}
    for field, reason in locked_fields(round_).items():
        summary.setdefault(LABELS[field], reason)
    return list(summary.items())
