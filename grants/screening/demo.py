"""Demo screening: the demo applications taken through eligibility checks, as officers would.

Owen (officer@example.org) screens groups' own applications; the ones Owen entered for groups by
phone or on paper are screened by Olu (officer2@example.org), because nobody screens their own
entry (grants.screening.access).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications import demo as applications_demo
from grants.applications import services as applications
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus as S
from grants.extensions import db
from grants.screening import access, services
from grants.screening.models import ScreeningOutcome

OFFICERS = ("officer@example.org", "officer2@example.org")
MESSAGES = {
    ScreeningOutcome.INELIGIBLE: "Your group's income is above this round's limit.",
    ScreeningOutcome.MORE_INFORMATION: (
        "Please upload a safeguarding policy dated within the last year."
    ),
}


def seed_applications(password: str) -> Iterator[str]:
    """The applications demo, with screening walking each sent application to its planned status."""
    yield from applications_demo.seed_applications(password, progress=progress)


def _screener(application: Application) -> User:
    """The first demo officer free of any conflict with this application."""
    officers = db.session.scalars(select(User).where(User.email.in_(OFFICERS)).order_by(User.id))
    free = [officer for officer in officers if not access.screening_conflict(officer, application)]
    if not free:
        raise LookupError(
            "Run seed-demo's users first: no demo officer may screen this application"
        )
    return free[0]


def progress(application: Application, status: S) -> None:
    """Walk a sent application through screening towards ``status``."""
    if status == S.SUBMITTED:
        return
    if status == S.WITHDRAWN:
        contact = application.organisation.main_contact
        applications.withdraw(contact, application, "We found funding elsewhere")
        return
    outcome = {
        S.INELIGIBLE: ScreeningOutcome.INELIGIBLE,
        S.MORE_INFORMATION_REQUESTED: ScreeningOutcome.MORE_INFORMATION,
    }.get(status, ScreeningOutcome.ELIGIBLE)
    checklist = {key: True for key in ("group_type", "documents", "amount", "dates", "area")}
    checklist["income"] = outcome != ScreeningOutcome.INELIGIBLE
    officer = _screener(application)
    services.screen(
        officer,
        application,
        outcome=outcome,
        checklist=checklist,
        message=MESSAGES.get(outcome),
        link_for=lambda a: "",
    )
    # Screening ends here. Applications planned for the panel or a decision stay eligible: the
    # panels demo (grants.panels.demo) sends them to the round's panel, which scores them and
    # decides them at its meeting, so their outcomes come from real decisions.
