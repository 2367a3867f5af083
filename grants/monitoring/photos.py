"""Photos for a story of change: checked by their content, re-encoded, and kept without a trace
of where or how they were taken.

A photo is read into memory (up to the size cap), opened by Pillow as a JPEG or PNG only
(whatever its name or claimed type says), refused if it would decode to more pixels than the cap
(a small file can unpack to gigabytes), turned the way its camera said, and saved afresh from its
pixels alone: no EXIF (so no GPS location, camera or time), no ICC profile, XMP or text chunks
survive. Only the re-encoded bytes are stored, with their SHA-256. The original never touches
the disk.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grants import audit, transaction, uploads
from grants.accounts.models import User
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.monitoring import access
from grants.monitoring.models import MonitoringReport, ReportFile
from grants.monitoring.states import FileKind

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# About 24 megapixels is a good phone camera; anything far larger is refused before it decodes.
MAX_PHOTO_PIXELS = 40_000_000
ALT_TEXT_MAX_LENGTH = 500
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
NOT_A_PHOTO = "The selected file must be a JPEG or PNG image"


@dataclass(frozen=True)
class PhotoDetails:
    upload: FileStorage | None
    alt_text: str | None
    people_agreed: bool


def _max_bytes() -> int:
    return current_app.config.get("MAX_PHOTO_BYTES", MAX_PHOTO_BYTES)


def _read(upload: FileStorage | None) -> bytes:
    if upload is None or not upload.filename:
        raise DomainError("Select a photo", field="photo")
    limit = _max_bytes()
    content = upload.stream.read(limit + 1)
    if not content:
        raise DomainError("The selected file is empty", field="photo")
    if len(content) > limit:
        raise DomainError(
            f"The selected photo must be smaller than {limit // (1024 * 1024)}MB", field="photo"
        )
    return content


def reencode(content: bytes) -> tuple[bytes, str]:
    """The photo saved afresh from its pixels, and its media type. Raises DomainError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(FORMATS)) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise DomainError(
                        "The selected photo has too many pixels: make it smaller and try again",
                        field="photo",
                    )
                image_format = image.format
                if image_format not in FORMATS:
                    raise DomainError(NOT_A_PHOTO, field="photo")
                image.load()
                cleaned = _clean_bytes(ImageOps.exif_transpose(image), image_format)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(
            "The selected photo has too many pixels: make it smaller and try again", field="photo"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise DomainError(NOT_A_PHOTO, field="photo") from None
    return cleaned, FORMATS[image_format]


def _clean_bytes(image: Image.Image, image_format: str) -> bytes:
    if image_format == "JPEG":
        clean = image.convert("L" if image.mode in ("1", "L", "LA") else "RGB")
    else:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        clean = image.convert("RGBA" if has_alpha else "RGB")
    clean.info = {}  # nothing the original carried (ICC, XMP, text, EXIF) may fall through
    out = io.BytesIO()
    if image_format == "JPEG":
        clean.save(out, format="JPEG", quality=88, exif=b"")
    else:
        clean.save(out, format="PNG")
    return out.getvalue()


def check_details(details: PhotoDetails) -> dict[str, str]:
    problems = {}
    alt = (details.alt_text or "").strip()
    if not alt:
        problems["alt_text"] = "Describe the photo for people who cannot see it"
    elif len(alt) > ALT_TEXT_MAX_LENGTH:
        problems["alt_text"] = f"The description must be {ALT_TEXT_MAX_LENGTH} characters or fewer"
    if not details.people_agreed:
        problems["people_agreed"] = (
            "Confirm that the people in the photo agreed to it being used, or do not add it"
        )
    return problems


def add_photo(actor: User, report: MonitoringReport, details: PhotoDetails) -> ReportFile:
    """Check, re-encode and keep one photo, with its alt text and the people's agreement."""
    access.check_may_edit(actor, report)
    problems = check_details(details)
    try:
        content = _read(details.upload)
        cleaned, content_type = reencode(content)
    except DomainError as error:
        problems = {"photo": error.message, **problems}
    if problems:
        raise InvalidInput(problems)
    transaction.claim(report, id=report.id)  # two uploads at once are counted in turn
    count = db.session.scalar(
        select(func.count(ReportFile.id)).where(
            ReportFile.report_id == report.id, ReportFile.kind == FileKind.PHOTO
        )
    )
    if count >= MAX_PHOTOS:
        raise DomainError(
            f"You can add up to {MAX_PHOTOS} photos. Remove one to add another", field="photo"
        )
    if uploads.sha256_of(cleaned) in {p.sha256 for p in _photos_now(report)}:
        # A second click, or the same photo chosen twice: it is kept once.
        raise DomainError("You have already added this photo", field="photo")
    kept = uploads.keep_once(cleaned)
    photo = ReportFile(
        report=report,
        kind=FileKind.PHOTO,
        stored_name=kept.stored_name,
        original_name=uploads.safe_name(details.upload.filename),
        content_type=content_type,
        size_bytes=kept.size_bytes,
        sha256=kept.sha256,
        alt_text=details.alt_text.strip(),
        people_agreed=True,
        created_by_id=actor.id,
    )
    db.session.add(photo)
    db.session.flush()
    audit.record(actor, "report.photo_added", photo, after=_audit_view(photo))
    return photo


def _photos_now(report: MonitoringReport) -> list[ReportFile]:
    db.session.refresh(report, ["files"])
    return report.photos()


def _audit_view(photo: ReportFile) -> dict:
    return {
        "report_id": photo.report_id,
        "sha256": photo.sha256,
        "content_type": photo.content_type,
        "size_bytes": photo.size_bytes,
        "people_agreed": photo.people_agreed,
    }


def photo_of(report: MonitoringReport, file_id: int) -> ReportFile:
    photo = next((f for f in report.photos() if f.id == file_id), None)
    if photo is None:
        raise NotFound("Photo not found")
    return photo


def remove_photo(actor: User, report: MonitoringReport, file_id: int) -> None:
    access.check_may_edit(actor, report)
    photo = photo_of(report, file_id)
    audit.record(actor, "report.photo_removed", photo, before=_audit_view(photo))
    report.files.remove(photo)
    db.session.flush()
    uploads.discard_after_commit(photo.stored_name)
