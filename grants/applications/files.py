"""Files attached to an application: document slots, recorded answers and answers to file questions.

A page may carry several files and other answers. Every file is checked (and written under its
random name) before anything is saved; if one is refused, the new files are removed again and
nothing already saved changes. Replaced files leave the disk only after the database commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants import limits, transaction, uploads
from grants.accounts.models import User
from grants.applications.models import Application, Document, DocumentKind
from grants.clock import utcnow
from grants.errors import DomainError
from grants.extensions import db


@dataclass(frozen=True)
class PendingFile:
    """A chosen file and the slot it goes in; ``field`` names the form field for errors."""

    upload: FileStorage
    kind: DocumentKind
    field: str
    answer_key: str | None = None


@dataclass(frozen=True)
class StagedFile:
    pending: PendingFile
    stored: uploads.StoredFile


def chosen(files: Iterable[PendingFile]) -> list[PendingFile]:
    """Only the slots where someone actually chose a file."""
    return [f for f in files if f.upload is not None and f.upload.filename]


def _stage_one(pending: PendingFile) -> StagedFile:
    recording = pending.kind == DocumentKind.RECORDING
    stored = uploads.store(
        pending.upload,
        allowed=uploads.RECORDING_TYPES if recording else uploads.DOCUMENT_TYPES,
        max_bytes=current_app.config["MAX_RECORDING_BYTES" if recording else "MAX_DOCUMENT_BYTES"],
        field=pending.field,
    )
    return StagedFile(pending, stored)


def stage(files: Iterable[PendingFile]) -> list[StagedFile]:
    """Check and write every file, or none: a refusal removes the ones already written."""
    staged: list[StagedFile] = []
    try:
        for pending in files:
            staged.append(_stage_one(pending))
    except DomainError:
        unstage(staged)
        raise
    return staged


def stage_each(files: Iterable[PendingFile]) -> tuple[list[StagedFile], dict[str, str]]:
    """Check and write each file on its own: the good ones are kept even when another is refused,
    so nobody has to find a good file again because the one beside it was too big. Returns the
    staged files and, for each refused one, its field and a message naming the file and why."""
    staged, refused = [], {}
    for pending in files:
        try:
            staged.append(_stage_one(pending))
        except DomainError as refusal:
            reason = refusal.message[0].lower() + refusal.message[1:]
            name = uploads.safe_name(pending.upload.filename)
            refused[pending.field] = f"{name} was not uploaded: {reason}"
    return staged, refused


def unstage(staged: Iterable[StagedFile]) -> None:
    for item in staged:
        uploads.discard(item.stored.stored_name)


def _make_room_for(application: Application, staged: list[StagedFile]) -> None:
    """Refuse (removing the new files again) when the files kept would pass the cap: a file
    replaces the one in its own slot, so only new slots count."""
    transaction.claim(application, id=application.id)  # two uploads at once count in turn
    slots = {(item.pending.kind, item.pending.answer_key) for item in staged}
    saved = db.session.scalars(select(Document).where(Document.application_id == application.id))
    kept = [d for d in saved if (d.kind, d.answer_key) not in slots]
    if len(kept) + len(staged) > limits.MAX_DOCUMENTS:
        unstage(staged)
        raise DomainError(
            f"An application can have up to {limits.MAX_DOCUMENTS} files. "
            "Remove one to add another",
            field=staged[0].pending.field if staged else None,
        )


def place(
    actor: User, application: Application, staged: Iterable[StagedFile]
) -> tuple[list, list[str]]:
    """Put staged files in their slots (no commit). Returns (audit notes, stored names to hand to
    :func:`forget`)."""
    staged = list(staged)
    _make_room_for(application, staged)
    notes, replaced_names = [], []
    for item in staged:
        pending, stored = item.pending, item.stored
        for old in [
            d
            for d in application.documents
            if d.kind == pending.kind and d.answer_key == pending.answer_key
        ]:
            application.documents.remove(old)
            replaced_names.append(old.stored_name)
        application.documents.append(
            Document(
                kind=pending.kind,
                answer_key=pending.answer_key,
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                uploaded_by_id=actor.id,
                uploaded_at=utcnow(),
            )
        )
        notes.append(
            {
                "kind": pending.kind.value,
                "name": stored.original_name,
                "answer_key": pending.answer_key,
            }
        )
    return notes, replaced_names


def forget(stored_names: Iterable[str]) -> None:
    """Replaced or removed files go from disk once the change that dropped them commits."""
    for name in stored_names:
        uploads.discard_after_commit(name)
