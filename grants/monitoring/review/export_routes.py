"""The monitoring exports, streamed: reports and outcome values, as CSV or XLSX."""

from __future__ import annotations

from flask import Response, request, stream_with_context

from grants.awards.exports import XLSX_MIMETYPE
from grants.monitoring import exports
from grants.monitoring.review.blueprint import bp
from grants.numbers import record_id
from grants.permissions import Permission, requires

KINDS = "<any(reports, outcomes):kind>"


def _download(body, mimetype: str, name: str) -> Response:
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _round_id() -> int | None:
    return record_id(request.args.get("round"))


@bp.route(f"/exports/{KINDS}.csv", endpoint="export_csv")
@requires(Permission.REVIEW_REPORTS)
def export_csv(kind: str):
    _, headings, rows = exports.EXPORTS[kind]
    body = exports.as_csv(headings, rows(_round_id()))
    return _download(body, "text/csv", exports.filename(f"monitoring-{kind}", "csv"))


@bp.route(f"/exports/{KINDS}.xlsx", endpoint="export_xlsx")
@requires(Permission.REVIEW_REPORTS)
def export_xlsx(kind: str):
    title, headings, rows = exports.EXPORTS[kind]
    body = exports.as_xlsx(title, headings, rows(_round_id()))
    return _download(body, XLSX_MIMETYPE, exports.filename(f"monitoring-{kind}", "xlsx"))
