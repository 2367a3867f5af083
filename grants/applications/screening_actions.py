"""What an officer does to one application: check its eligibility, give a draft more time, and
start an application for a group that applied by phone, on paper, in person or with help.

Each step goes through the life cycle services, which own the rules, the audit trail and the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants import uploads
from grants.accounts.models import User
from grants.applications import answers, sections, services
from grants.applications.models import (
    SUPPORTING_DOCUMENTS,
    Application,
    Channel,
    DocumentKind,
    EligibilityCheck,
)
from grants.applications.screening import whole_number
from grants.clock import LocalTimeError, parse_time, uk_to_utc, utc_to_uk, utcnow
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.funds import eligibility
from grants.funds.models import Round, RoundStatus
from grants.money import format_pence
from grants.organisations.models import Organisation

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
    limit = format_pence(round_.max_income_pence, whole=True)
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


# Recording a check, and extensions


def record_check(
    actor: User,
    application: Application,
    *,
    outcome: str,
    ticked: list[str],
    message: str | None,
    link_for: Callable[[Application], str],
) -> EligibilityCheck:
    """Record the officer's checklist and outcome through the life cycle service.
    """
    checklist = {key: key in ticked for key in CHECKLIST_LABELS}
    return services.screen(
        actor,
        application,
        outcome=outcome,
        checklist=checklist,
        message=message,
        link_for=link_for,
    )


def extend_deadline(
    actor: User, application: Application, *, day: date, at: str, reason: str
) -> Application:
    """Give a draft until a UK date and time to be sent, for example a paper form that arrived
    before the deadline but was entered after it."""
    try:
        until = uk_to_utc(day, parse_time(at))
    except LocalTimeError as error:
        raise DomainError(error.message, field="time") from error
    return services.grant_extension(actor, application, until=until, reason=reason)


# Assisted applications

ASSISTED_CHANNELS = tuple(channel for channel in Channel if channel != Channel.ONLINE)


def assisted_round_choices(now: datetime | None = None) -> list[tuple[str, str]]:
    """Open rounds first, then closed ones: a paper form posted before the deadline may be
    entered after it, and then needs an extension before it can be sent."""
    now = now or utcnow()
    rounds = db.session.scalars(select(Round).where(Round.opens_at <= now))
    ordered = sorted(
        rounds, key=lambda r: (r.status(now) != RoundStatus.OPEN, -r.closes_at.timestamp())
    )
    return [
        (
            str(r.id),
            r.title
            if r.status(now) == RoundStatus.OPEN
            else f"{r.title} (closed {utc_to_uk(r.closes_at):%-d %B %Y}: needs an extension)",
        )
        for r in ordered
    ]


def group_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.postcode).order_by(
            Organisation.name, Organisation.id
        )
    )
    return [(str(id_), f"{name} ({postcode})") for id_, name, postcode in rows]


def _checked_scan(scan: FileStorage | None) -> uploads.StoredFile | None:
    """Check the scan before anything is created, so a rejected file leaves no empty draft."""
    if scan is None or not scan.filename:
        return None
    return uploads.store(
        scan,
        allowed=uploads.DOCUMENT_TYPES,
        max_bytes=current_app.config["MAX_DOCUMENT_BYTES"],
        field="scan",
    )


def start_assisted(
    officer: User, *, round_id: str, organisation_id: str, channel: str, scan: FileStorage | None
) -> Application:
    """Start an application an officer enters for a group, with the scan of their paper form."""
    round_ = db.session.get(Round, whole_number(round_id) or 0)
    organisation = db.session.get(Organisation, whole_number(organisation_id) or 0)
    errors = {}
    if round_ is None or round_.status() == RoundStatus.UPCOMING:
        errors["round"] = "Select the round the group is applying to"
    if organisation is None:
        errors["organisation"] = "Select the group"
    if channel not in ASSISTED_CHANNELS:
        errors["channel"] = "Select how the application reached you"
    if errors:
        raise InvalidInput(errors)
    checked = _checked_scan(scan)
    try:
        application = services.start(officer, round_, organisation, channel=Channel(channel))
        if checked:
            with uploads.path_of(checked.stored_name).open("rb") as stream:
                copy = FileStorage(stream=stream, filename=checked.original_name)
                answers.attach(
                    officer, application, copy, kind=DocumentKind.PAPER_SCAN, field="scan"
                )
    finally:
        if checked:
            uploads.discard(checked.stored_name)
    return application
