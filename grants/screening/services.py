"""What officers do to an application: record an eligibility check (and correct its outcome),
move it to the panel or record the panel's decision, and give a draft more time.

Statuses change only through the applications life cycle (``applications.services.move``), and
only after the staff-conflict rules in grants.screening.access. Services flush; the request or
command commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select

from grants import audit, transaction
from grants.accounts.models import User
from grants.applications import services as applications
from grants.applications.models import Application
from grants.applications.states import (
    Actor,
    ApplicationStatus,
    allowed,
    check_transition,
    next_steps,
)
from grants.clock import LocalTimeError, parse_time, uk_to_utc, utcnow
from grants.email import queue_email
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.screening import access
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.models import EligibilityCheck, ScreeningOutcome

S = ApplicationStatus
LinkBuilder = Callable[[Application], str]

# What the group is told after each outcome: (subject, email template).
OUTCOME_EMAILS = {
    ScreeningOutcome.ELIGIBLE: ("Application eligible", "application_eligible"),
    ScreeningOutcome.INELIGIBLE: ("Application not eligible", "application_ineligible"),
    ScreeningOutcome.MORE_INFORMATION: ("More information needed", "application_more_information"),
}
MISSING_MESSAGE = {
    ScreeningOutcome.INELIGIBLE: "Enter the reason the application is not eligible",
    ScreeningOutcome.MORE_INFORMATION: "Enter what information you need",
}
REASON_MAX_LENGTH = 1000
ALREADY_SCREENED = "This application has already been screened. To change the outcome, correct it"


def _outcome(value: str | ScreeningOutcome | None) -> ScreeningOutcome:
    try:
        return ScreeningOutcome(value)
    except ValueError:
        raise DomainError("Select the outcome of the check", field="outcome") from None


def _item(label: str) -> str:
    """'The type of group is eligible' -> 'the type of group is eligible', inside a sentence."""
    return label[0].lower() + label[1:]


def _reason_error(reason: str, missing: str) -> str | None:
    if not reason:
        return missing
    if len(reason) > REASON_MAX_LENGTH:
        return f"Reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    return None


def _checklist_errors(
    outcome: ScreeningOutcome, checklist: dict[str, bool], waivers: dict[str, str]
) -> dict[str, str]:
    """Every problem with the checklist at once, by form field: ``<item>`` for an item neither
    confirmed nor waived when the outcome is eligible, ``<item>_waiver`` for a waiver without a
    usable reason (whatever the outcome: a waiver is only ever stored with its reason)."""
    if set(checklist) - set(CHECKLIST_LABELS) or set(waivers) - set(CHECKLIST_LABELS):
        raise DomainError("Answer only the items on the checklist", field="outcome")
    errors = {}
    for key, label in CHECKLIST_LABELS.items():
        if key in waivers:
            if checklist.get(key):
                errors[key] = f"Either confirm that {_item(label)} or waive it, not both"
            elif error := _reason_error(
                waivers[key], f"Enter why you are waiving the check that {_item(label)}"
            ):
                errors[f"{key}_waiver"] = error
        elif outcome == ScreeningOutcome.ELIGIBLE and not checklist.get(key):
            errors[key] = f"Confirm that {_item(label)}, or waive it with a reason"
    return errors


def _record(
    actor: User,
    application: Application,
    chosen: ScreeningOutcome,
    *,
    checklist: dict[str, bool],
    waivers: dict[str, str] | None,
    message: str | None,
    errors: dict[str, str],
    **correction,
) -> EligibilityCheck:
    """The shared steps of a first check and a correction: refuse every broken rule at once,
    win the race for the application, store the check and move the application on."""
    waivers = {key: (reason or "").strip() for key, reason in (waivers or {}).items()}
    message = (message or "").strip()
    errors = {**_checklist_errors(chosen, checklist, waivers), **errors}
    if chosen.needs_message and not message:
        errors["message"] = MISSING_MESSAGE[chosen]
    if errors:
        raise InvalidInput(errors)
    before = application.status
    if not transaction.claim(application, status=before):
        raise DomainError(
            "Another officer has just changed this application. Check its status and history",
            field="outcome",
        )
    check = EligibilityCheck(
        application_id=application.id,
        officer_id=actor.id,
        checklist={key: bool(checklist.get(key)) for key in CHECKLIST_LABELS},
        waivers=waivers,
        outcome=chosen,
        message=message or None,
        **correction,
    )
    db.session.add(check)
    extra = {"correction_reason": correction["correction_reason"]} if correction else {}
    applications.move(
        actor, application, chosen.moves_to, Actor.OFFICER, message=message or None, **extra
    )
    application.decision_message = message or None
    db.session.flush()
    return check


def screen(
    actor: User,
    application: Application,
    *,
    outcome: str | ScreeningOutcome,
    checklist: dict[str, bool],
    message: str | None,
    link_for: LinkBuilder,
    waivers: dict[str, str] | None = None,
) -> EligibilityCheck:
    """Record an officer's eligibility check of a sent application and move it on.

    Eligible needs every checklist item confirmed, or waived with a written reason: nothing is
    assumed from the data. Ineligible needs a reason and more information needs a message: both
    are emailed to the group and shown on their dashboard. The group hears of every outcome.
    Two officers (or a double click) saving at once record one outcome: the other is refused.
    """
    access.check_may_screen(actor, application)
    chosen = _outcome(outcome)
    if not application.awaiting_screening:
        if correction_outcomes(application):
            raise DomainError(ALREADY_SCREENED, field="outcome")
        check_transition(application.status, chosen.moves_to, Actor.OFFICER)
    check = _record(
        actor,
        application,
        chosen,
        checklist=checklist,
        waivers=waivers,
        message=message,
        errors={},
    )
    subject, template = OUTCOME_EMAILS[chosen]
    applications.email_group(application, subject, template, link=link_for(application))
    return check


def latest_check(application: Application) -> EligibilityCheck | None:
    query = (
        select(EligibilityCheck)
        .where(EligibilityCheck.application_id == application.id)
        .order_by(EligibilityCheck.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def correction_outcomes(application: Application) -> list[ScreeningOutcome]:
    """The outcomes an officer may correct this application's screening to: none before it is
    screened or once it has gone to the panel; otherwise those its life cycle allows."""
    if application.awaiting_screening or latest_check(application) is None:
        return []
    return [
        outcome
        for outcome in ScreeningOutcome
        if outcome.moves_to != application.status
        and allowed(application.status, outcome.moves_to, Actor.OFFICER)
    ]


def correct(
    actor: User,
    application: Application,
    *,
    outcome: str | ScreeningOutcome,
    checklist: dict[str, bool],
    message: str | None,
    reason: str | None,
    link_for: LinkBuilder,
    waivers: dict[str, str] | None = None,
) -> EligibilityCheck:
    """Correct a screening outcome (say eligible to not eligible) with the officer's reason.

    The correction is a new check naming the one it corrects, held to the same rules as a first
    check, by an officer free of the same conflicts; the application moves through its life cycle
    (audited with the reason) and everyone in the group is emailed what changed and why.
    """
    access.check_may_screen(actor, application)
    chosen = _outcome(outcome)
    if not correction_outcomes(application):
        raise DomainError("Only a screened application can have its outcome corrected")
    if chosen.moves_to == application.status:
        raise DomainError(
            f"The application is already {chosen.label.lower()}. Select a different outcome",
            field="outcome",
        )
    check_transition(application.status, chosen.moves_to, Actor.OFFICER)
    reason = (reason or "").strip()
    corrected = latest_check(application)
    reason_error = _reason_error(reason, "Enter why you are correcting the outcome")
    check = _record(
        actor,
        application,
        chosen,
        checklist=checklist,
        waivers=waivers,
        message=message,
        errors={"reason": reason_error} if reason_error else {},
        corrects_id=corrected.id,
        correction_reason=reason,
    )
    _email_everyone_in_group(
        application,
        "Screening outcome corrected",
        "application_outcome_corrected",
        before=corrected.outcome,
        reason=reason,
        next_step=next_steps(application.status),
        link=link_for(application),
    )
    return check


def _email_everyone_in_group(
    application: Application, subject: str, template: str, **context
) -> None:
    """Every member of the group, and the contact of a group without accounts, each once."""
    organisation = application.organisation
    recipients = {m.user.email: m.user.full_name for m in organisation.memberships}
    if organisation.contact_email_address:
        recipients.setdefault(organisation.contact_email_address, organisation.contact_display_name)
    for address, name in recipients.items():
        queue_email(
            address,
            f"{subject}: {application.reference}",
            template,
            application=application,
            contact_name=name,
            **context,
        )


def grant_extension(
    actor: User, application: Application, *, until: datetime, reason: str
) -> Application:
    """A documented extension lets one draft be sent after the round has closed."""
    access.check_may_extend(actor, application)
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
