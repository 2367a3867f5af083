"""Uploaded files: checked by content (not by name), stored under random names outside the web
root, and read back only through routes that check who is asking."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from werkzeug.datastructures import FileStorage

from grants import transaction
from grants.errors import DomainError

DOCUMENT_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
}
RECORDING_TYPES = {
    "audio/mpeg": "MP3 audio",
    "audio/mp4": "M4A audio",
    "audio/x-wav": "WAV audio",
    "audio/ogg": "OGG audio",
    "video/mp4": "MP4 video",
    "video/webm": "WebM video",
    "video/quicktime": "QuickTime video",
    "video/x-m4v": "M4V video",
}
# The file name extensions each type may carry; a download gets the first when its name has none
# of them (so a PDF uploaded as "minutes.html" downloads as "minutes.pdf", never as a web page).
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "audio/mpeg": (".mp3",),
    "audio/mp4": (".m4a", ".mp4"),
    "audio/x-wav": (".wav",),
    "audio/ogg": (".ogg", ".oga"),
    "video/mp4": (".mp4",),
    "video/webm": (".webm",),
    "video/quicktime": (".mov",),
    "video/x-m4v": (".m4v",),
}
# filetype names some formats differently from the registered media type.
_ALIASES = {"audio/wav": "audio/x-wav", "audio/m4a": "audio/mp4", "audio/x-m4a": "audio/mp4"}
_HEADER_BYTES = 8192


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int


def storage_dir() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    """The file on disk. Stored names are hex tokens we made, so no path can escape the folder."""
    if not stored_name or not all(c in "0123456789abcdef" for c in stored_name):
        raise DomainError("File not found")
    return storage_dir() / stored_name


def _describe(allowed: dict[str, str]) -> str:
    names = sorted(set(allowed.values()))
    return ", ".join(names[:-1]) + " or " + names[-1]


def _limit_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)}MB"


def store(
    upload: FileStorage | None, *, allowed: dict[str, str], max_bytes: int, field: str
) -> StoredFile:
    """Check and keep an upload. Raises DomainError (against ``field``) with a GOV.UK message."""
    if upload is None or not upload.filename:
        raise DomainError("Select a file", field=field)
    header = upload.stream.read(_HEADER_BYTES)
    if not header:
        raise DomainError("The selected file is empty", field=field)
    kind = filetype.guess(header)
    content_type = _ALIASES.get(kind.mime, kind.mime) if kind else None
    if content_type not in allowed:
        raise DomainError(f"The selected file must be a {_describe(allowed)}", field=field)

    stored_name = secrets.token_hex(16)
    target = storage_dir() / stored_name
    size = len(header)
    with target.open("wb") as out:
        out.write(header)
        while chunk := upload.stream.read(1024 * 1024):
            size += len(chunk)
            if size > max_bytes:
                break
            out.write(chunk)
    if size > max_bytes:
        target.unlink(missing_ok=True)
        raise DomainError(
            f"The selected file must be smaller than {_limit_text(max_bytes)}", field=field
        )
    original = safe_name(upload.filename)
    transaction.after_rollback(lambda: discard(stored_name))
    return StoredFile(stored_name, original, content_type, size)


def safe_name(filename: str) -> str:
    """The name to show and download as: no folders, no control characters (which cannot go in a
    header), at most 200 characters."""
    name = Path(filename.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-200:] or "file"


def download_name(original_name: str, content_type: str) -> str:
    """The name to download a file as: what the person called it, with the extension of the type
    its content was found to be."""
    extensions = EXTENSIONS.get(content_type)
    path = Path(original_name)
    if not extensions or path.suffix.lower() in extensions:
        return original_name
    return (path.stem if path.suffix else original_name) + extensions[0]


def discard(stored_name: str) -> None:
    """Delete a file now: only for files no committed record points to."""
    path_of(stored_name).unlink(missing_ok=True)


def discard_after_commit(stored_name: str) -> None:
    """Delete a file once the record that pointed to it is gone for good (after the commit)."""
    transaction.after_commit(lambda: discard(stored_name))


@dataclass(frozen=True)
class KeptFile:
    """A document written once: where it is, its SHA-256 and its size."""

    stored_name: str
    sha256: str
    size_bytes: int


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def keep_once(content: bytes) -> KeptFile:
    """Write a document people will rely on (an offer, a decision record) under a new random
    name. The file is created new ("x" mode), so an existing one can never be replaced; a
    rolled-back transaction deletes it again."""
    stored_name = secrets.token_hex(16)
    with (storage_dir() / stored_name).open("xb") as out:
        out.write(content)
    transaction.after_rollback(lambda: discard(stored_name))
    return KeptFile(stored_name, sha256_of(content), len(content))
