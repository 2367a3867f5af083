"""A round's report templates, beside the round's set-up pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("report_setup", __name__, url_prefix="/funds/rounds/<int:round_id>/reports")
