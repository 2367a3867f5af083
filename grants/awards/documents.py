"""An award's issued documents: the offer letter and grant agreement, the countersigned
agreement and the scan of a paper acceptance.

Each is written once to the uploads folder under a new random name, with its SHA-256 and size,
as the next version of its kind. Nothing is ever overwritten or deleted, so what the group was
sent, and what it signed, can always be shown again byte for byte and checked against its hash.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from grants import audit, uploads
from grants.accounts.models import User
from grants.awards.models import Award, AwardDocument, DocumentKind
from grants.awards.schedule import terms_for
from grants.clock import uk_today, utc_to_uk
from grants.extensions import db
from grants.pdf import render_pdf, render_pdf_html

PDF = "application/pdf"
# What each kind is called in a download's file name: "CIF-2026-0001-AW-offer-v2.pdf".
FILE_NAMES = {
    DocumentKind.OFFER: "offer",
    DocumentKind.COUNTERSIGNED: "agreement-countersigned",
    DocumentKind.SIGNED_SCAN: "signed-acceptance",
}
# A paper acceptance is a scan or a photo of the signed page.
SCAN_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG image", "image/png": "PNG image"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


sha256_of = uploads.sha256_of


def next_version(award: Award, kind: DocumentKind) -> int:
    latest = db.session.scalar(
        select(func.max(AwardDocument.version)).where(
            AwardDocument.award_id == award.id, AwardDocument.kind == kind
        )
    )
    return (latest or 0) + 1


def latest(award: Award, kind: DocumentKind) -> AwardDocument | None:
    return db.session.scalar(
        select(AwardDocument)
        .where(AwardDocument.award_id == award.id, AwardDocument.kind == kind)
        .order_by(AwardDocument.version.desc())
        .limit(1)
    )


def _record(
    actor: User,
    award: Award,
    kind: DocumentKind,
    stored_name: str,
    content_type: str,
    sha: str,
    size: int,
) -> AwardDocument:
    document = AwardDocument(
        award_id=award.id,
        kind=kind,
        version=next_version(award, kind),
        stored_name=stored_name,
        content_type=content_type,
        sha256=sha,
        size_bytes=size,
        created_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    db.session.expire(award, ["documents"])
    audit.record(
        actor,
        "award.document_issued",
        award,
        after={"kind": kind.value, "version": document.version, "sha256": sha, "size": size},
    )
    return document


def store(
    actor: User, award: Award, kind: DocumentKind, content: bytes, content_type: str = PDF
) -> AwardDocument:
    """Keep ``content`` as the next version of ``kind``, written once (``uploads.keep_once``)."""
    kept = uploads.keep_once(content)
    return _record(actor, award, kind, kept.stored_name, content_type, kept.sha256, kept.size_bytes)


def store_upload(actor: User, award: Award, upload) -> AwardDocument:
    """Keep a scan of a signed acceptance (already checked by ``uploads.store``, which raises a
    DomainError against the field ``scan``)."""
    stored = uploads.store(upload, allowed=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES, field="scan")
    content = uploads.path_of(stored.stored_name).read_bytes()
    return _record(
        actor,
        award,
        DocumentKind.SIGNED_SCAN,
        stored.stored_name,
        stored.content_type,
        sha256_of(content),
        stored.size_bytes,
    )


def read(document: AwardDocument) -> bytes:
    return uploads.path_of(document.stored_name).read_bytes()


def download_name(award: Award, document: AwardDocument) -> str:
    extension = uploads.EXTENSIONS.get(document.content_type, (".pdf",))[0]
    return f"{award.reference}-{FILE_NAMES[document.kind]}-v{document.version}{extension}"


def offer_context(award: Award, *, issued_on: date, accept_link: str) -> dict:
    """What the offer letter and grant agreement print: one place, so the countersigned copy
    repeats the agreement exactly as it was offered."""

    offered = award.offered_terms
    return {
        "award": award,
        "application": award.application,
        "organisation": award.organisation,
        "fund": award.round.fund,
        "terms_text": offered if offered is not None else terms_for(award.round_id).terms,
        "issued_on": issued_on,
        "accept_link": accept_link,
    }


def offer_html(award: Award, *, accept_link: str, issued_on: date | None = None) -> str:
    context = offer_context(award, issued_on=issued_on or uk_today(), accept_link=accept_link)
    return render_pdf_html("pdf/award_offer.html", **context)


def issue_offer(actor: User, award: Award, *, accept_link: str) -> AwardDocument:
    """Draw the offer letter and grant agreement as it stands now and keep it as a new version."""
    context = offer_context(award, issued_on=uk_today(), accept_link=accept_link)
    return store(actor, award, DocumentKind.OFFER, render_pdf("pdf/award_offer.html", **context))


def countersigned_context(award: Award, offer: AwardDocument, accepted_at: datetime) -> dict:
    return {
        **offer_context(award, issued_on=utc_to_uk(offer.created_at).date(), accept_link=""),
        "offer": offer,
        "accepted_at": accepted_at,
        "countersigned_by": award.offered_by,
    }


def issue_countersigned(actor: User, award: Award, offer: AwardDocument) -> AwardDocument:
    """The agreement with the acceptance recorded and the council's countersignature, naming the
    SHA-256 of the offer version that was accepted."""
    context = countersigned_context(award, offer, award.accepted_at)
    return store(
        actor,
        award,
        DocumentKind.COUNTERSIGNED,
        render_pdf("pdf/award_countersigned.html", **context),
    )
