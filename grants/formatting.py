"""Template filters and globals: money, dates and the service's own names."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from grants.clock import LONDON
from grants.markdown import render_markdown
from grants.money import format_pence
from grants.permissions import Permission


def local_datetime(moment: datetime | None) -> str:
    """'21 November 2026 at 3:05pm', in UK time whatever the server's clock."""
    if moment is None:
        return ""
    from grants.clock import as_aware

    local = as_aware(moment).astimezone(LONDON)
    time = local.strftime("%I:%M%p").lstrip("0").lower()
    return f"{local.day} {local:%B %Y} at {time}"


def register(app: Flask) -> None:
    app.add_template_filter(format_pence, "money")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(render_markdown, "markdown")
    app.jinja_env.globals["Permission"] = Permission

    @app.context_processor
    def service_names():
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "council_name": current_app.config["COUNCIL_NAME"],
        }
