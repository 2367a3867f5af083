"""(Routes of the group's report; see blueprint.py.)"""

from __future__ import annotations

from grants.monitoring.report.blueprint import bp  # noqa: F401
