"""The officers' monitoring pages, at /monitoring."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
