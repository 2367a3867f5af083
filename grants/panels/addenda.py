"""Storing the decision record and its addenda, each once, with its SHA-256.

The record is number 0; addenda are numbered 1, 2, ... in the order they happened, so they are
always listed after the record they amend, and each names the SHA-256 of the record (when it has
been drawn) so a reader can tell which record it belongs to. Nothing here is ever overwritten.

:func:`add_addendum` is the one way to add to a frozen record: a decision changed after release
or close, and a conflict of interest found automatically after that point.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from grants import audit, uploads
from grants.accounts.models import User
from grants.clock import utcnow
from grants.extensions import db
from grants.funds.models import Round
from grants.panels.meeting_models import Meeting
from grants.panels.models import Panel
from grants.panels.record_models import RecordDocument, RecordKind
from grants.pdf import render_pdf

PDF = "application/pdf"
TEXT_MAX_LENGTH = 5000


def panel_of(target: Round | Panel | Meeting) -> Panel:
    if isinstance(target, Panel):
        return target
    if isinstance(target, Meeting):
        return db.session.get(Panel, target.panel_id)
    panel = db.session.scalar(select(Panel).where(Panel.round_id == target.id))
    if panel is None:
        raise ValueError(f"round {target.id} has no panel, so it has no decision record")
    return panel


def documents_of(panel: Panel) -> list[RecordDocument]:
    """The record, then its addenda in order."""
    return list(
        db.session.scalars(
            select(RecordDocument)
            .where(RecordDocument.panel_id == panel.id)
            .order_by(RecordDocument.number)
        )
    )


def stored_record(panel: Panel) -> RecordDocument | None:
    return db.session.scalar(
        select(RecordDocument).where(
            RecordDocument.panel_id == panel.id, RecordDocument.number == 0
        )
    )


def addendum(panel: Panel, number: int) -> RecordDocument | None:
    if not 1 <= number <= 2**31 - 1:  # an addendum number, never a row beyond the column's range
        return None
    return db.session.scalar(
        select(RecordDocument).where(
            RecordDocument.panel_id == panel.id, RecordDocument.number == number
        )
    )


def read(document: RecordDocument) -> bytes:
    return uploads.path_of(document.stored_name).read_bytes()


def _lock(panel: Panel) -> None:
    """Put writers of the same panel's documents in order (PostgreSQL row lock, SQLite write
    lock), so two at once never take the same number."""
    db.session.execute(
        update(Panel)
        .where(Panel.id == panel.id)
        .values(round_id=Panel.round_id)
        .execution_options(synchronize_session=False)
    )


def keep(
    panel: Panel,
    kind: RecordKind,
    content: bytes,
    actor: User | None,
    *,
    number: int,
    summary: str | None = None,
) -> RecordDocument:
    kept = uploads.keep_once(content)
    document = RecordDocument(
        panel_id=panel.id,
        number=number,
        kind=kind,
        summary=summary,
        stored_name=kept.stored_name,
        content_type=PDF,
        sha256=kept.sha256,
        size_bytes=kept.size_bytes,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        actor,
        "decision_record.stored",
        document,
        after={"kind": kind.value, "number": number, "sha256": kept.sha256, "summary": summary},
    )
    return document


def store_record(panel: Panel, content: bytes, actor: User | None) -> RecordDocument:
    """Keep the drawn record as number 0; a record already kept is returned unchanged."""
    _lock(panel)
    existing = stored_record(panel)
    if existing is not None:
        return existing
    return keep(panel, RecordKind.RECORD, content, actor, number=0)


def add_addendum(
    target: Round | Panel | Meeting, kind: RecordKind | str, text: str, actor: User | None
) -> RecordDocument:
    """Add an addendum to the round's decision record: a PDF of its own, stored once with its
    SHA-256 and numbered after the record and every earlier addendum. ``actor`` is whoever's
    action caused it (None when the service found it on its own)."""
    kind = RecordKind(kind)
    if kind == RecordKind.RECORD:
        raise ValueError("an addendum cannot be the record itself")
    text = " ".join((text or "").split())[:TEXT_MAX_LENGTH]
    if not text:
        raise ValueError("an addendum needs its text")
    panel = panel_of(target)
    _lock(panel)
    latest = db.session.scalar(
        select(func.max(RecordDocument.number)).where(RecordDocument.panel_id == panel.id)
    )
    number = max(latest or 0, 0) + 1
    content = render_pdf(
        "pdf/record_addendum.html",
        round=panel.round,
        kind=kind,
        number=number,
        text=text,
        actor=actor,
        record=stored_record(panel),
        added_at=utcnow(),
    )
    return keep(panel, kind, content, actor, number=number, summary=text)
