"""What officers do to an application: record an eligibility check, move it to the panel or
record the panel's decision, and give a draft more time.

Statuses change only through the applications life cycle (``applications.services.move``), and
only after the staff-conflict rules in grants.screening.access. Services flush; the request or
command commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from grants import audit
from grants.accounts.models import User
from grants.applications import services as applications
from grants.applications.models import Application
from grants.applications.states import DECISIONS, Actor, ApplicationStatus, check_transition
from grants.clock import LocalTimeError, parse_time, uk_to_utc, utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Permission
from grants.screening import access
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.models import EligibilityCheck, ScreeningOutcome

S = ApplicationStatus
LinkBuilder = Callable[[Application], str]

# What the group is told after each outcome that needs a message: (subject, email template).
OUTCOME_EMAILS = {
    ScreeningOutcome.INELIGIBLE: ("Application not eligible", "application_ineligible"),
    ScreeningOutcome.MORE_INFORMATION: ("More information needed", "application_more_information"),
}
MISSING_MESSAGE = {
    ScreeningOutcome.INELIGIBLE: "Enter the reason the application is not eligible",
    ScreeningOutcome.MORE_INFORMATION: "Enter what information you need",
}


def _outcome(value: str | ScreeningOutcome | None) -> ScreeningOutcome:
    try:
        return ScreeningOutcome(value)
    except ValueError:
        raise DomainError("Select the outcome of the check", field="outcome") from None


def screen(
    actor: User,
    application: Application,
    *,
    outcome: str | ScreeningOutcome,
    checklist: dict[str, bool],
    message: str | None,
    link_for: LinkBuilder,
) -> EligibilityCheck:
    """Record an officer's eligibility check and move the application on.

    Ineligible needs a reason and more information needs a message: both are emailed to the group
    and shown on their dashboard.
    """
    access.check_may_screen(actor, application)
    chosen = _outcome(outcome)
    message = (message or "").strip()
    if chosen.needs_message and not message:
        raise DomainError(MISSING_MESSAGE[chosen], field="message")
    check_transition(application.status, chosen.moves_to, Actor.OFFICER)
    check = EligibilityCheck(
        application_id=application.id,
        officer_id=actor.id,
        checklist=checklist,
        outcome=chosen,
        message=message or None,
    )
    db.session.add(check)
    applications.move(actor, application, chosen.moves_to, Actor.OFFICER, message=message or None)
    application.decision_message = message or None
    db.session.flush()
    if chosen in OUTCOME_EMAILS:
        subject, template = OUTCOME_EMAILS[chosen]
        applications.email_group(application, subject, template, link=link_for(application))
    return check


def record_check(
    actor: User,
    application: Application,
    *,
    outcome: str,
    ticked: list[str],
    message: str | None,
    link_for: LinkBuilder,
) -> EligibilityCheck:
    """Record the items the officer ticked (every checklist item, true or false) and the outcome."""
    checklist = {key: key in ticked for key in CHECKLIST_LABELS}
    return screen(
        actor, application, outcome=outcome, checklist=checklist, message=message, link_for=link_for
    )


def advance(actor: User, application: Application, target: ApplicationStatus) -> Application:
    """An officer moves an eligible application to the panel, or records the panel's decision."""
    access.check_may_decide(actor, application)
    if target not in DECISIONS:
        raise DomainError("Choose a panel stage or decision")
    applications.move(actor, application, target, Actor.OFFICER)
    db.session.flush()
    return application


def grant_extension(
    actor: User, application: Application, *, until: datetime, reason: str
) -> Application:
    """A documented extension lets one draft be sent after the round has closed."""
    if not actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers can extend a deadline")
    if not application.is_draft:
        raise DomainError("Only a draft application can be given more time")
    if not reason.strip():
        raise DomainError("Enter the reason for the extension", field="reason")
    if until <= utcnow():
        raise DomainError("The new deadline must be in the future", field="until")
    before = {
        "extension_until": application.extension_until.isoformat()
        if application.extension_until
        else None
    }
    application.extension_until = until
    application.extension_reason = reason.strip()
    audit.record(
        actor,
        "application.extension_granted",
        application,
        before=before,
        after={"extension_until": until.isoformat(), "reason": reason.strip()},
    )
    db.session.flush()
    return application


def extend_deadline(
    actor: User, application: Application, *, day: date, at: str, reason: str
) -> Application:
    """Give a draft until a UK date and time to be sent, for example a paper form that arrived
    before the deadline but was entered after it."""
    try:
        until = uk_to_utc(day, parse_time(at))
    except LocalTimeError as error:
        raise DomainError(error.message, field="time") from error
    return grant_extension(actor, application, until=until, reason=reason)
