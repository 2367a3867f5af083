"""Required supporting documents an assisted application may go without.

Groups who apply by phone, on paper or in person are often small and informal: a phone-only
group may have no written safeguarding policy or accounts. The programme officer entering the
application can agree that it goes without one, with a written reason that stays on the
application for screening and the panel to read. Groups who apply online cannot waive their own
documents, and nobody waives one for a group they belong to, or have belonged to since the
application was made (grants.applications.conflicts).
"""

from __future__ import annotations

from grants import audit
from grants.accounts.models import User
from grants.applications.conflicts import own_group_conflict
from grants.applications.models import (
    SUPPORTING_DOCUMENTS,
    Application,
    DocumentKind,
    DocumentWaiver,
)
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Permission

MAX_REASON = 2000


NOT_ENTERING = "Only a programme officer entering an assisted application can waive a document"


def waive_refusal(user: User, application: Application) -> str | None:
    """Why this person may not waive (or withdraw a waiver of) the application's documents."""
    if not (
        user.is_authenticated
        and user.can(Permission.SCREEN_APPLICATIONS)
        and application.is_assisted
        and application.can_edit
    ):
        return NOT_ENTERING
    return own_group_conflict(user, application, "waive documents for")


def may_waive(user: User, application: Application) -> bool:
    return waive_refusal(user, application) is None


def check_may_waive(user: User, application: Application) -> None:
    refusal = waive_refusal(user, application)
    if refusal:
        raise NotAllowed(refusal)


def _check_may_waive(actor: User, application: Application, kind: DocumentKind) -> None:
    check_may_waive(actor, application)
    if kind not in SUPPORTING_DOCUMENTS:
        raise DomainError("Only a required supporting document can be waived")


def waive(actor: User, application: Application, kind: DocumentKind, reason: str) -> None:
    """Record (or change the reason for) going without one required document. Audited."""
    _check_may_waive(actor, application, kind)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the group can go without this document", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"Reason must be {MAX_REASON:,} characters or fewer", field="reason")
    waiver = application.waiver_for(kind)
    before = {"document": kind.value, "reason": waiver.reason} if waiver else {}
    if waiver is None:
        waiver = DocumentWaiver(kind=kind)
        application.document_waivers.append(waiver)
    waiver.reason, waiver.waived_by_id, waiver.waived_at = reason, actor.id, utcnow()
    db.session.flush()
    audit.record(
        actor,
        "application.document_waived",
        application,
        before=before,
        after={"document": kind.value, "reason": reason},
    )


def withdraw_waiver(actor: User, application: Application, kind: DocumentKind) -> None:
    """The document is needed after all (say, the group found its policy). Audited."""
    _check_may_waive(actor, application, kind)
    waiver = application.waiver_for(kind)
    if waiver is None:
        raise DomainError("That document is no longer waived")
    application.document_waivers.remove(waiver)
    audit.record(
        actor,
        "application.document_waiver_removed",
        application,
        before={"document": kind.value, "reason": waiver.reason},
    )
    db.session.flush()
