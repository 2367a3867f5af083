"""Public pages, each person's home after sign-in, and the health check."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from grants.extensions import db, limiter, talisman
from grants.funds.display import grant_range
from grants.funds.models import RoundStatus
from grants.funds.services import rounds_not_closed
from grants.pages.home import home_for
from grants.permissions import public, signed_in

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def home():
    """The front door: rounds open now and rounds opening soon (closed rounds are not listed)."""
    rounds = rounds_not_closed()
    return render_template(
        "pages/home.html",
        open_rounds=[r for r in rounds if r.status() == RoundStatus.OPEN],
        upcoming_rounds=[r for r in rounds if r.status() == RoundStatus.UPCOMING],
        grant_range=grant_range,
    )


@bp.route("/home")
@signed_in
def your_home():
    """Where everyone lands after sign-in: what each of their roles and groups has waiting."""
    return render_template("pages/your_home.html", home=home_for(current_user))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/healthz")
@public
@limiter.exempt
@talisman(force_https=False)
def healthz():
    """200 after a database round trip; 503 when the database cannot be reached."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
