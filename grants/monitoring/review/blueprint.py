"""The officers' monitoring blueprint, at /monitoring.

Importing this module loads every route module of the blueprint (at the bottom), so whoever
registers ``bp`` gets all its pages.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")


# The route modules add their views to ``bp``.
from grants.monitoring.review import (  # noqa: E402, F401
    answer_routes,
    export_routes,
    letter_routes,
    routes,
)
