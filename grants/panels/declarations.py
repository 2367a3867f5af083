"""Declarations of interest, made before a member sees anything of an application.

A member declares "no conflict" or an interest (what kind, and a description). An officer may
record one on a member's behalf, or waive an interest that is not really a conflict, with a
reason. A conflict means the member does not open, score or count for the application: every
figure filters sheets by declarations (:func:`counting_filter`), so a conflict declared after
scoring removes that score everywhere, while the sheet itself stays for the audit trail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import and_, exists, not_, select
from sqlalchemy.orm import joinedload

from grants import audit
from grants.accounts.models import User
from grants.applications.conflicts import belongs_or_belonged
from grants.applications.models import Application
from grants.clock import utcnow
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.funds.models import Round
from grants.panels import access, freeze
from grants.panels.conflicts import check_officer_may_act
from grants.panels.models import (
    Declaration,
    InterestKind,
    ScoreSheet,
)
from grants.permissions import Permission

DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000
IN_THE_GROUP = (
    "This member belongs to the group that applied, or has done since it applied, so the"
    " conflict cannot be waived"
)


def _check_officer(officer: User) -> None:
    if not officer.can(Permission.MANAGE_PANELS):
        raise NotAllowed("Only programme officers can do this")


def _checked_interest(kind: str | InterestKind | None, description: str | None):
    errors = {}
    try:
        kind = InterestKind(kind)
    except ValueError:
        errors["kind"] = "Select whether you have a conflict of interest"
        kind = None
    description = (description or "").strip() or None
    if kind == InterestKind.NONE:
        description = None
    elif kind is not None:
        if description is None:
            errors["description"] = "Describe your interest in this application"
        elif len(description) > DESCRIPTION_MAX_LENGTH:
            errors["description"] = (
                f"Description must be {DESCRIPTION_MAX_LENGTH} characters or fewer"
            )
    if errors:
        raise InvalidInput(errors)
    return kind, description


def _record(actor: User, member: User, application: Application, kind, description):
    freeze.check_not_frozen(application)
    kind, description = _checked_interest(kind, description)
    declaration = access.declaration_of(member, application)
    before = declaration.audit_view() if declaration else None
    if declaration is None:
        declaration = Declaration(application_id=application.id, user_id=member.id)
        db.session.add(declaration)
    declaration.kind = kind
    declaration.description = description
    declaration.declared_at = utcnow()
    declaration.recorded_by_id = actor.id if actor.id != member.id else None
    declaration.waived_at = declaration.waived_by_id = declaration.waiver_reason = None
    db.session.flush()
    audit.record(
        actor,
        "panel.interest_declared",
        declaration,
        before=before,
        after={**declaration.audit_view(), "member_id": member.id},
    )
    return declaration


def declare(member: User, application: Application, kind, description=None) -> Declaration:
    """The member's own declaration. A declaration may change later (say, a member realises they
    know the group); it never frees a conflict: only an officer's waiver does that."""
    access.check_may_declare(member, application)
    existing = access.declaration_of(member, application)
    if existing and existing.is_conflict and InterestKind(kind) == InterestKind.NONE:
        raise NotAllowed(
            "You declared a conflict of interest. Ask the programme officer if it should be waived"
        )
    return _record(member, member, application, kind, description)


def record_for_member(officer: User, member: User, application: Application, kind, description):
    """An officer records a member's declaration for them (told by phone, or found out)."""
    _check_officer(officer)
    check_officer_may_act(officer, application, "record declarations on")
    access.check_may_declare(member, application)
    return _record(officer, member, application, kind, description)


def waive(officer: User, declaration: Declaration, reason: str | None) -> Declaration:
    """Agree that a declared interest is not a conflict (e.g. "I once attended their event")."""
    _check_officer(officer)
    check_officer_may_act(officer, declaration.application, "waive conflicts on")
    if belongs_or_belonged(declaration.user, declaration.application):
        raise NotAllowed(IN_THE_GROUP)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Enter why this interest is not a conflict"})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput({"reason": f"Reason must be {REASON_MAX_LENGTH} characters or fewer"})
    if declaration.kind == InterestKind.NONE or declaration.waived_at is not None:
        raise NotAllowed("There is no declared interest to waive")
    freeze.check_not_frozen(declaration.application)
    before = declaration.audit_view()
    declaration.waived_at = utcnow()
    declaration.waived_by_id = officer.id
    declaration.waiver_reason = reason
    db.session.flush()
    audit.record(
        officer,
        "panel.interest_waived",
        declaration,
        before=before,
        after=declaration.audit_view(),
    )
    return declaration


def counting_filter():
    """A condition on ScoreSheet: the sheet counts (its member has not declared a conflict that
    stands). Aggregates and "scores in" counts use it, so changing a declaration to a conflict
    removes a score from every figure at once."""
    return not_(
        exists().where(
            and_(
                Declaration.application_id == ScoreSheet.application_id,
                Declaration.user_id == ScoreSheet.user_id,
                Declaration.kind != InterestKind.NONE,
                Declaration.waived_at.is_(None),
            )
        )
    )


def register_of_interests(round_: Round | int) -> list[Declaration]:
    """Every declaration in the round (or the round with this id), for officers and the
    decision record."""
    round_id = round_ if isinstance(round_, int) else round_.id
    return list(
        db.session.scalars(
            select(Declaration)
            .join(Application, Application.id == Declaration.application_id)
            .where(Application.round_id == round_id)
            .options(
                joinedload(Declaration.application).joinedload(Application.organisation),
                joinedload(Declaration.user),
                joinedload(Declaration.recorded_by),
                joinedload(Declaration.waived_by),
            )
            .order_by(Application.reference, Application.id, Declaration.id)
        )
    )


def status_of(declaration: Declaration) -> str:
    if declaration.kind == InterestKind.NONE:
        return "No conflict"
    if declaration.waived_at is not None:
        return "Interest waived: taking part"
    return "Conflict: not taking part"


CSV_HEADER = [
    "Reference",
    "Project",
    "Group",
    "Panel member",
    "Interest",
    "Description",
    "Status",
    "Declared at",
    "Recorded by",
    "Waived by",
    "Waiver reason",
]


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def register_csv(round_id: int) -> Iterator[str]:
    """The register as CSV, one line at a time. It takes the round's id, not the round: a
    streamed response outlives the request's session, so the rows are loaded as it streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(cell) for cell in cells])
        return buffer.getvalue()

    yield line(CSV_HEADER)
    for d in register_of_interests(round_id):
        yield line(
            [
                d.application.reference,
                d.application.title,
                d.application.organisation.name,
                d.user.full_name,
                d.kind.label,
                d.description,
                status_of(d),
                d.declared_at.isoformat() if d.declared_at else "",
                d.recorded_by.full_name if d.recorded_by else "",
                d.waived_by.full_name if d.waived_by else "",
                d.waiver_reason,
            ]
        )
