"""The group's side of the application life cycle: start, submit, withdraw and delete.

Each function checks the rules, changes the status only through the state table, writes the
audit trail and flushes (the request or command commits). Routes pass in the actor and, for
emails, a function that builds links.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from grants import audit, transaction, uploads
from grants.accounts.models import User
from grants.applications import answers, sections
from grants.applications.access import can_enter_for_group
from grants.applications.models import Application, Channel, ReferenceCounter
from grants.applications.revisions import add_revision
from grants.applications.states import SET_ASIDE, Actor, ApplicationStatus, check_transition
from grants.clock import LONDON, as_aware, utcnow
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.funds.models import Round, RoundStatus
from grants.money import format_pence
from grants.organisations.models import Organisation
from grants.organisations.services import is_member
from grants.permissions import Permission

S = ApplicationStatus
LinkBuilder = Callable[[Application], str]


def _status_view(application: Application) -> dict:
    return {"status": application.status.value, "reference": application.reference}


def move(
    actor: User, application: Application, target: ApplicationStatus, who: Actor, **extra
) -> None:
    """Change the status through the life cycle table, with its audit record. Later domains
    (screening, panels) move applications only through here."""
    check_transition(application.status, target, who)
    before = _status_view(application)
    application.status = target
    audit.record(
        actor,
        f"application.{target.value}",
        application,
        before=before,
        after={**_status_view(application), **extra},
    )


def accepting_submissions(application: Application, now: datetime | None = None) -> bool:
    """Open rounds accept drafts; after the deadline only a documented extension lets one in."""
    now = now or utcnow()
    if application.round.status(now) == RoundStatus.OPEN:
        return True
    return application.extension_until is not None and now < as_aware(application.extension_until)


def start(
    actor: User,
    round_: Round,
    organisation: Organisation,
    *,
    channel: Channel = Channel.ONLINE,
    now: datetime | None = None,
) -> Application:
    """A new draft. Groups apply for themselves; officers start assisted ones for any group.

    ``now`` exists for loading historical applications (and demo data) at the time they happened.
    """
    assisted = channel != Channel.ONLINE
    if assisted and not actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers can enter an application for a group")
    if not assisted:
        if not actor.can(Permission.APPLY):
            raise NotAllowed("Only members of a community group can apply")
        if not is_member(actor, organisation.id):
            raise NotAllowed("You can only apply for a group you belong to")
        if round_.status(now) != RoundStatus.OPEN:
            raise DomainError("This round is not open for applications")
    if already_applied(round_, organisation, sent_only=False):
        raise AlreadyApplied(
            f"{organisation.name} already has an application for this round. "
            "Each group can send one application to it",
            field="organisation",
        )
    application = Application(
        round=round_,
        organisation=organisation,
        created_by_id=actor.id,
        entered_by_id=actor.id if assisted else None,
        channel=channel,
        created_at=now or utcnow(),
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        actor,
        "application.started",
        application,
        after={"round": round_.slug, "organisation_id": organisation.id, "channel": channel.value},
    )
    db.session.flush()
    return application


class AlreadyApplied(DomainError):
    """The group already holds its one place in this round."""


def already_applied(
    round_: Round, organisation: Organisation, *, sent_only: bool, other_than: int | None = None
) -> Application | None:
    """The group's application that holds its one place in ``round_`` (None if the round allows
    several, or there is none).

    Withdrawn and not-eligible ones give the place back. Starting a second draft is refused, but
    at sending only *sent* applications count: if two drafts exist anyway (started at the same
    moment), the first one sent takes the place and the other is refused when it is sent, rather
    than a half-finished draft blocking a finished one.
    """
    if round_.allows_several_applications:
        return None
    query = select(Application).where(
        Application.round_id == round_.id,
        Application.organisation_id == organisation.id,
        Application.status.not_in(SET_ASIDE),
    )
    if sent_only:
        query = query.where(Application.status != S.DRAFT)
    if other_than is not None:
        query = query.where(Application.id != other_than)
    return db.session.scalars(query.order_by(Application.id).limit(1)).first()


def _next_reference(submitted_at: datetime) -> str:
    """CIF-<year>-<sequence>, the sequence counted per year.

    The counter is incremented in the database (``last_number + 1``), never read then written,
    so two sends at once get two numbers: the second waits for the first's row or write lock.
    """
    year = submitted_at.astimezone(LONDON).year
    increment = (
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    )
    number = db.session.execute(increment).scalar()
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last_number=0))
        except IntegrityError:
            pass  # another send created this year's counter first
        number = db.session.execute(increment).scalar_one()
    return f"CIF-{year}-{number:04d}"


def _check_complete(application: Application, now: datetime) -> None:
    missing = sections.incomplete(application)
    if missing:
        raise DomainError("Complete these sections first: " + ", ".join(s.title for s in missing))
    if not sections.DECLARATION.complete(application):
        raise DomainError("Complete the declaration first")
    total = sections.budget_total(application)
    if total != application.amount_requested_pence:
        raise DomainError("The budget total must equal the amount you are asking for")
    round_ = application.round
    if not round_.min_award_pence <= total <= round_.max_award_pence:
        raise DomainError(
            f"Ask for between {format_pence(round_.min_award_pence)} and {format_pence(round_.max_award_pence)}"
        )
    _check_dates(application, now)


def _check_dates(application: Application, now: datetime) -> None:
    """The project's dates, checked again at sending: the round's project window may have
    changed since they were saved, and a start date that has passed can no longer be funded.
    The error names the timeline section, so the page can link to it."""
    today = now.astimezone(LONDON).date()
    problems = answers.timeline_problems(
        application, start=application.start_date, end=application.end_date
    )
    if application.start_date < today:
        problems.setdefault("start_date", "The project start date has passed")
    if problems:
        raise DomainError(
            "Change your project dates in the timeline: "
            + " ".join(dict.fromkeys(message.rstrip(".") + "." for message in problems.values())),
            field="timeline",
        )


NO_PHONE = (
    "Add a phone number to your group's details first: finance calls it to check bank details"
    " before paying a grant"
)


def _check_call_back_number(application: Application) -> None:
    """Every group that applies gives a phone number, so finance has a number to call back on
    that was given before any bank details (groups made before it was asked give one now)."""
    if not application.organisation.contact_phone:
        raise DomainError(NO_PHONE)


class AlreadySent(DomainError):
    """Someone else (or the same person, clicking twice) sent this application a moment ago."""


def submit(
    actor: User, application: Application, link_for: LinkBuilder, *, now: datetime | None = None
) -> Application:
    """Send the application (first time or after a request for more information)."""
    if not can_enter_for_group(actor, application):
        raise NotAllowed("Only members of the group can send this application")
    now = now or utcnow()
    if application.status == S.DRAFT and not accepting_submissions(application, now):
        raise DomainError("This round closed and no longer accepts applications")
    check_transition(application.status, S.SUBMITTED, Actor.APPLICANT)
    if not transaction.claim(application, status=application.status):
        raise AlreadySent("This application has already been sent")
    _check_complete(application, now)
    _check_call_back_number(application)
    _check_place_in_round(application)
    resubmission = application.status == S.MORE_INFORMATION_REQUESTED
    if application.reference is None:
        application.reference = _next_reference(now)
    if application.submitted_at is None:
        application.submitted_at = now  # a resend keeps the first date; its revision records it
    move(
        actor,
        application,
        S.SUBMITTED,
        Actor.APPLICANT,
        resubmission=resubmission,
        sent_at=now.isoformat(),
    )
    application.decision_message = None if resubmission else application.decision_message
    add_revision(application, actor).created_at = now
    db.session.flush()
    email_group(
        application,
        "Application received" if not resubmission else "Updated application received",
        "application_received",
        link=link_for(application),
        resubmission=resubmission,
    )
    return application


def _check_place_in_round(application: Application) -> None:
    """One application per group per round (unless the round allows more), checked again at
    sending. The group's row is locked first, so two of its drafts sent at the same moment are
    put in order and the second sees the first."""
    if application.round.allows_several_applications:
        return
    organisation = application.organisation
    transaction.claim(organisation, id=organisation.id)
    if already_applied(application.round, organisation, sent_only=True, other_than=application.id):
        raise AlreadyApplied(
            f"{organisation.name} has already sent an application to this round, and each group "
            "can send one. Withdraw that one first, or delete this draft"
        )


def email_group(application: Application, subject: str, template: str, **context) -> None:
    """Email the group's contact about their application (queued; sent after the commit)."""
    organisation = application.organisation
    address = organisation.contact_email_address
    if not address:
        return  # an offline group: the officer who entered it tells them by phone or letter
    queue_email(
        address,
        f"{subject}: {application.reference}",
        template,
        application=application,
        contact_name=organisation.contact_display_name,
        **context,
    )


def withdraw(actor: User, application: Application, reason: str) -> Application:
    if not can_enter_for_group(actor, application):
        raise NotAllowed("Only members of the group can withdraw this application")
    if not reason.strip():
        raise DomainError("Enter why you are withdrawing the application", field="reason")
    move(actor, application, S.WITHDRAWN, Actor.APPLICANT, reason=reason.strip())
    application.withdrawn_reason = reason.strip()
    db.session.flush()
    return application


def delete_draft(actor: User, application: Application) -> None:
    if not can_enter_for_group(actor, application):
        raise NotAllowed("Only members of the group can delete this draft")
    if application.status != S.DRAFT:
        raise DomainError("Only draft applications can be deleted. You can withdraw a sent one")
    audit.record(
        actor,
        "application.deleted",
        application,
        before={"status": "draft", "title": application.title},
    )
    for document in application.documents:
        uploads.discard_after_commit(document.stored_name)
    db.session.delete(application)
    db.session.flush()
