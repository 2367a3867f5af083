"""Assisted applications: groups who apply by phone, on paper, in person, on a video call or with
an interpreter. An officer starts the application for them (with the scan of a paper form) and
enters their answers; the officers' list shows such work still open, and drafts left when a round
closed. The officer who entered an application does not screen it (grants.screening.access).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.datastructures import FileStorage

from grants import uploads
from grants.accounts.models import User
from grants.applications import answers, services
from grants.applications.models import Application, Channel, DocumentKind
from grants.applications.states import EDITABLE, ApplicationStatus
from grants.clock import utc_to_uk, utcnow
from grants.errors import InvalidInput
from grants.extensions import db
from grants.funds.models import Round, RoundStatus
from grants.numbers import whole_number
from grants.organisations.models import Organisation

S = ApplicationStatus
ASSISTED_CHANNELS = tuple(channel for channel in Channel if channel != Channel.ONLINE)


def assisted_query(now: datetime | None = None) -> Select:
    """Work officers may need to pick up: assisted applications still being filled in, and any
    draft whose round has closed (it can only be sent with an extension)."""
    now = now or utcnow()
    return (
        select(Application)
        .join(Application.round)
        .options(
            contains_eager(Application.round),
            joinedload(Application.organisation),
            joinedload(Application.entered_by),
        )
        .where(
            or_(
                and_(Application.entered_by_id.is_not(None), Application.status.in_(EDITABLE)),
                and_(Application.status == S.DRAFT, Round.closes_at <= now),
            )
        )
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )


# How an assisted application reached us, as the end of "Entered by <officer> ...".
HOW_IT_REACHED_US = {
    Channel.ONLINE: "online",
    Channel.PHONE: "by phone",
    Channel.PAPER: "from a paper form",
    Channel.IN_PERSON: "in person",
    Channel.VIDEO_CALL: "on a video call",
    Channel.INTERPRETER: "with a BSL or other interpreter",
}


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
