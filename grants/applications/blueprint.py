"""The applicant's blueprint and the one way its routes load an application."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from grants.applications import access
from grants.applications.display import SUMMARY_GLOBALS
from grants.applications.models import Application
from grants.errors import NotAllowed, NotFound

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.record_once
def _share_summary_labels(state) -> None:
    state.app.jinja_env.globals.update(SUMMARY_GLOBALS)


def load(application_id: int, *, for_editing: bool = False) -> Application:
    """The application if the signed-in person may see it (404 otherwise).

    Asked for editing when it can no longer change, people are sent to its page with the reason.
    """
    try:
        application = access.get_for_viewing(current_user, application_id)
        if for_editing:
            access.get_for_editing(current_user, application_id)
    except NotFound:
        abort(404)
    except NotAllowed as refusal:
        flash(refusal.message, "information")
        abort(redirect(url_for("applications.show", application_id=application_id)))
    return application
