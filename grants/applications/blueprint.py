"""The applicant's blueprint, the one way its routes load an application, and the helpers every
task-list section shares.

Importing this module loads every route module of the blueprint (at the bottom), so whoever
registers ``bp`` gets all its pages: ``create_app`` only registers blueprints.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.applications import access
from grants.applications.display import SUMMARY_GLOBALS
from grants.applications.models import Application
from grants.errors import NotAllowed

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.record_once
def _share_summary_labels(state) -> None:
    state.app.jinja_env.globals.update(SUMMARY_GLOBALS)


def load(application_id: int, *, for_editing: bool = False) -> Application:
    """The application if the signed-in person may see it (NotFound, so 404, otherwise).

    Asked for editing when it can no longer change, people are sent to its page with the reason.
    """
    application = access.get_for_viewing(current_user, application_id)
    if for_editing:
        try:
            access.get_for_editing(current_user, application_id)
        except NotAllowed as refusal:
            flash(refusal.message, "information")
            abort(redirect(url_for("applications.show", application_id=application_id)))
    return application


def saved_and_back(application: Application, message: str = "Your answers have been saved"):
    flash(message, "success")
    return redirect(url_for("applications.task_list", application_id=application.id))


def render_section(template: str, application: Application, form, **context):
    return render_template(
        f"applications/sections/{template}.html", application=application, form=form, **context
    )


# The route modules add their views to ``bp``; they import only the names above from here.
from grants.applications import (  # noqa: E402, F401
    budget_routes,
    document_routes,
    project_routes,
    routes,
)
