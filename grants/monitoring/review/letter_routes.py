"""(Routes of the officers' monitoring pages; see blueprint.py.)"""

from __future__ import annotations

from grants.monitoring.review.blueprint import bp  # noqa: F401
