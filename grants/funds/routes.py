"""Programme officers' pages for funds and rounds: list, create, change, overview and preview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.errors import DomainError, add_to_form
from grants.funds import display, indicators, locks, services
from grants.funds.forms import FundForm, build_round_form
from grants.funds.models import Fund, Round
from grants.permissions import Permission, requires

bp = Blueprint("funds", __name__, url_prefix="/funds")


def load_fund(fund_id: int) -> Fund:
    """The fund, or NotFound (the app's handler answers 404)."""
    return services.get_fund(fund_id)


def load_round(round_id: int) -> Round:
    return services.get_round(round_id)


@bp.route("/")
@requires(Permission.MANAGE_FUNDS)
def index():
    return render_template(
        "funds/index.html", funds=services.funds(), status_tag=display.status_tag
    )


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:fund_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def edit_fund(fund_id: int | None = None):
    fund = load_fund(fund_id) if fund_id is not None else None
    form = FundForm(obj=fund)
    if fund is not None:  # the budget then changes only through contributions
        del form.council_contribution_pence
    if form.validate_on_submit():
        try:
            saved = services.save_fund(current_user, fund, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{saved.name} has been saved", "success")
            return redirect(url_for(".show", fund_id=saved.id))
    elif form.is_submitted():
        form.add_further_errors(services.fund_errors(form.details(), fund))
    return render_template("funds/fund_form.html", form=form, fund=fund)


@bp.route("/<int:fund_id>")
@requires(Permission.MANAGE_FUNDS)
def show(fund_id: int):
    fund = load_fund(fund_id)
    return render_template(
        "funds/show.html",
        fund=fund,
        status_tag=display.status_tag,
        library=indicators.library(fund),
    )


@bp.route("/<int:fund_id>/rounds/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def create_round(fund_id: int):
    fund = load_fund(fund_id)
    form = build_round_form()
    if form.validate_on_submit():
        try:
            round_ = services.create_round(current_user, fund, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{round_.title} has been created. Now add its criteria and questions", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    elif form.is_submitted():
        form.add_further_errors(services.round_errors(form.details(), fund, None))
    return render_template("funds/round_form.html", form=form, fund=fund, round=None, locked={})


@bp.route("/rounds/<int:round_id>")
@requires(Permission.MANAGE_FUNDS)
def show_round(round_id: int):
    round_ = load_round(round_id)
    return render_template(
        "funds/round.html",
        round=round_,
        settings=display.settings(round_),
        status_tag=display.status_tag(round_),
        locked=locks.locked_summary(round_),
        criteria_locked=locks.criteria_lock_reason(round_),
        questions_locked=locks.questions_lock_reason(round_),
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def edit_round(round_id: int):
    round_ = load_round(round_id)
    form = build_round_form(round_)
    if form.validate_on_submit():
        try:
            services.update_round(current_user, round_, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your changes have been saved", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    elif form.is_submitted():
        form.add_further_errors(services.round_errors(form.details(), round_.fund, round_))
    return render_template(
        "funds/round_form.html",
        form=form,
        fund=round_.fund,
        round=round_,
        locked=locks.locked_fields(round_),
        settings=dict(display.settings(round_)),
    )


@bp.route("/rounds/<int:round_id>/preview")
@requires(Permission.MANAGE_FUNDS)
def preview_round(round_id: int):
    """The round's public page as applicants will see it, with its questions and criteria."""
    round_ = load_round(round_id)
    return render_template(
        "funds/preview.html", round=round_, status=round_.status(), display=display
    )


# The indicator library's pages are views of this blueprint too: loading them here means whoever
# registers ``bp`` gets them.
from grants.funds import indicator_routes  # noqa: E402, F401
