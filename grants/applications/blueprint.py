"""The applicant's blueprint, the one way its routes load an application, and the helpers every
task-list section shares.

Importing this module loads every route module of the blueprint (at the bottom), so whoever
registers ``bp`` gets all its pages: ``create_app`` only registers blueprints.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
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


def returning_to_check() -> bool:
    """Whether the section was opened from "Change" on check your answers. Only this one known
    value is honoured, so a forged ``return_to`` (another site's address) is never followed."""
    return request.args.get("return_to") == "check"


def return_args() -> dict[str, str]:
    """The query to carry through a section's own redirects so "Change" still returns to check."""
    return {"return_to": "check"} if returning_to_check() else {}


def back_to_application(application: Application) -> str:
    endpoint = "applications.check" if returning_to_check() else "applications.task_list"
    return url_for(endpoint, application_id=application.id)


def saved_and_back(application: Application, message: str = "Your answers have been saved"):
    flash(message, "success")
    return redirect(back_to_application(application))


def nothing_typed(form, *names: str) -> bool:
    """True when the person left every one of these fields empty: "Save and return" then simply
    returns, rather than complaining about a line they never meant to add."""
    return not any(str(value).strip() for name in names for value in form[name].raw_data or [])


def report_together(form, problems: dict[str, str]) -> None:
    """Add the service's own rules to the form's, so the first submit shows every problem.

    A field the form already found wrong keeps only the form's message.
    """
    for name, message in problems.items():
        field = getattr(form, name, None)
        if field is None or not field.errors:
            form.add_error(name, message)


def render_section(template: str, application: Application, form, **context):
    return render_template(
        f"applications/sections/{template}.html",
        application=application,
        form=form,
        back_url=back_to_application(application),
        return_args=return_args(),
        **context,
    )


# The route modules add their views to ``bp``; they import only the names above from here.
from grants.applications import (  # noqa: E402, F401
    budget_routes,
    document_routes,
    project_routes,
    routes,
)
