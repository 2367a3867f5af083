"""The PDF of a sent report: drawn once at each send, stored with its SHA-256 as
``ReportDocument(version=sent_count)``, and never redrawn (``uploads.keep_once``).

It prints everything the group sent: what happened, spending against plan, people and outcomes
against targets, the story of change with its consent and photos, challenges and changes, the
template's questions and the declaration. Photos are inlined as data: URIs, since the PDF
renderer may fetch nothing.
"""

from __future__ import annotations

import base64

from grants import audit, uploads
from grants.accounts.models import User
from grants.applications.models import BENEFICIARY_GROUPS
from grants.clock import utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.monitoring import spending
from grants.monitoring.models import MonitoringReport, ReportDocument
from grants.monitoring.report.sections import questions_of
from grants.pdf import html_to_pdf, render_pdf_html

TEMPLATE = "pdf/monitoring_report.html"


def _photo_source(photo) -> str | None:
    try:
        content = uploads.path_of(photo.stored_name).read_bytes()
    except (OSError, DomainError):
        return None
    return f"data:{photo.content_type};base64,{base64.b64encode(content).decode()}"


def report_context(report: MonitoringReport) -> dict:
    values = {value.outcome_id: value for value in report.outcome_values}
    return {
        "report": report,
        "award": report.award,
        "application": report.award.application,
        "organisation": report.award.organisation,
        "check": spending.check(report),
        "values": values,
        "group_labels": BENEFICIARY_GROUPS,
        "questions": questions_of(report),
        "photos": [(photo, _photo_source(photo)) for photo in report.photos()],
        "printed_at": utcnow(),
    }


def report_html(report: MonitoringReport) -> str:
    return render_pdf_html(TEMPLATE, **report_context(report))


def store(actor: User, report: MonitoringReport) -> ReportDocument:
    """Draw the report as just sent and keep it as this send's document. Called by the send,
    after the report's changes are flushed and inside the same transaction: a send that rolls
    back keeps no document and no file."""
    kept = uploads.keep_once(html_to_pdf(report_html(report)))
    document = ReportDocument(
        report_id=report.id,
        version=report.sent_count,
        stored_name=kept.stored_name,
        sha256=kept.sha256,
        size_bytes=kept.size_bytes,
        created_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    db.session.expire(report, ["documents"])
    audit.record(
        actor,
        "monitoring_report.document_stored",
        report,
        after={"version": document.version, "sha256": kept.sha256, "size": kept.size_bytes},
    )
    return document


def document_for(report: MonitoringReport, version: int) -> ReportDocument | None:
    return next((d for d in report.documents if d.version == version), None)


def read(document: ReportDocument) -> bytes:
    return uploads.path_of(document.stored_name).read_bytes()


def download_name(report: MonitoringReport, document: ReportDocument) -> str:
    reference = report.award.reference or f"award-{report.award_id}"
    return f"{reference}-{report.kind.value}-report-v{document.version}.pdf"
