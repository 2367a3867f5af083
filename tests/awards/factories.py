"""Awards test data, made through the real services: a panel decides to fund, the decision is
released, and the release makes the award."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grants.accounts.models import User
from grants.awards import services as awards
from grants.awards.models import Award
from grants.extensions import db
from grants.panels import decisions, feedback
from grants.panels.meeting_models import DecisionOutcome
from grants.permissions import Role
from tests.factories import make_user
from tests.panels.meeting_setup import quorate_meeting, scored_round


@dataclass
class Funded:
    officer: User  # the programme officer who ran the meeting
    member: User  # a member of the funded group (its main contact)
    award: Award


def released_awards(
    amounts: list[int],
    *,
    budget_pence: int = 10_000_000,
    start: date = date(2027, 1, 4),
    end: date = date(2027, 12, 31),
    conditions: str | None = None,
) -> list[Funded]:
    """One funded application per amount (in pence), decided and released: each has an award
    being prepared."""
    scored = scored_round(
        tuple(5 for _ in amounts), budget_pence=budget_pence, amount_pence=max(amounts), members=3
    )
    quorate_meeting(scored)
    outcome = DecisionOutcome.FUND_WITH_CONDITIONS if conditions else DecisionOutcome.FUND
    for application, amount in zip(scored.applications, amounts, strict=True):
        application.amount_requested_pence = amount
        application.start_date, application.end_date = start, end
        decision = decisions.decide(
            scored.officer,
            scored.panel,
            application,
            decisions.DecisionInput(
                outcome=outcome, rationale="Strong local support", conditions=conditions
            ),
        )
        feedback.save_feedback(scored.officer, decision, "Well done.")
    released = feedback.release(scored.officer, scored.panel, link_for=lambda a: "/applications")
    db.session.flush()
    return [
        Funded(
            scored.officer,
            decision.application.organisation.main_contact,
            awards.award_for_decision(decision),
        )
        for decision in released
    ]


def released_award(amount_pence: int = 500_000, **kwargs) -> Funded:
    [funded] = released_awards([amount_pence], **kwargs)
    return funded


def finance_officer(**kwargs) -> User:
    return make_user(Role.FINANCE_OFFICER, **kwargs)
