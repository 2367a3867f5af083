"""The group's report blueprint, at /reports, and the one way its routes load a report.

Importing this module loads every route module of the blueprint (at the bottom), so whoever
registers ``bp`` gets all its pages.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")


# The route modules add their views to ``bp``.
from grants.monitoring.report import (  # noqa: E402, F401
    change_routes,
    routes,
    story_routes,
)
