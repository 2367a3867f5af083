"""What an officer may no longer change about a round, and why.

A round's rules are a promise to the groups applying. Once a group has started an application,
changing who may apply, how much they may ask for or what they must answer would break work
already done, so those settings lock. Wording (titles, guidance, question labels and hints) stays
editable so mistakes can be corrected. The services enforce every lock; the pages only explain them.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.funds.models import Round

# Statuses that mean a panel may have scored an application of the round.
PANEL_STARTED = frozenset(
    {
        ApplicationStatus.IN_PANEL_REVIEW,
        ApplicationStatus.FUNDED,
        ApplicationStatus.FUNDED_WITH_CONDITIONS,
        ApplicationStatus.RESERVE,
        ApplicationStatus.DECLINED,
    }
)

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
    return bool(db.session.scalar(select(exists().where(Application.round_id == round_.id))))


def panel_has_started(round_: Round) -> bool:
    """Whether scoring may have begun: the stand-in for "the first score has been recorded".

    Panels do not record scores yet, so an application of the round reaching panel review (or a
    decision) is the earliest sign that someone may have scored against the criteria. When scores
    are stored, this becomes a check for any score of the round, and every lock below follows.
    """
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.round_id == round_.id,
                    Application.status.in_(PANEL_STARTED),
                )
            )
        )
    )


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
