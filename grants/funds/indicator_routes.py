"""Programme officers' pages for a fund's indicator library: the list, add, correct, retire,
offer again and delete (only one no outcome uses, after a confirm page).

Every action is a form, so all of it works without JavaScript. A change the rules forbid (a used
indicator's unit) is refused by the service and shown against its field.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.errors import DomainError, add_to_form, flash_refusal
from grants.funds import indicators
from grants.funds.indicator_forms import UNIT_HINTS, ConfirmForm, build_indicator_form
from grants.funds.routes import bp, load_fund
from grants.permissions import Permission, requires
from grants.reference.services import principles


@bp.route("/<int:fund_id>/indicators")
@requires(Permission.MANAGE_FUNDS)
def indicators_list(fund_id: int):
    fund = load_fund(fund_id)
    return render_template(
        "funds/indicators/index.html",
        fund=fund,
        library=indicators.library(fund),
        form=ConfirmForm(),
    )


@bp.route("/<int:fund_id>/indicators/new", methods=["GET", "POST"])
@bp.route("/<int:fund_id>/indicators/<int:indicator_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def indicator(fund_id: int, indicator_id: int | None = None):
    fund = load_fund(fund_id)
    item = indicators.get_indicator(fund, indicator_id) if indicator_id is not None else None
    uses = indicators.use_count(item) if item is not None else 0
    form = build_indicator_form(item, principles(include_inactive=item is not None), used=uses > 0)
    if form.validate_on_submit():
        try:
            if item is None:
                saved = indicators.add_indicator(current_user, fund, form.details())
            else:
                saved = indicators.update_indicator(current_user, item, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{saved.name} has been saved", "success")
            return redirect(url_for(".indicators_list", fund_id=fund.id))
    elif form.is_submitted():
        form.add_further_errors(indicators.indicator_errors(form.details(), fund, item))
    return render_template(
        "funds/indicators/form.html",
        form=form,
        fund=fund,
        indicator=item,
        uses=uses,
        unit_hints=UNIT_HINTS,
    )


def _set_active(fund_id: int, indicator_id: int, active: bool):
    fund = load_fund(fund_id)
    item = indicators.get_indicator(fund, indicator_id)
    if ConfirmForm().validate_on_submit():
        try:
            changed = indicators.set_active(current_user, item, active)
        except DomainError as error:
            flash_refusal(error, "error")
        else:
            if changed:
                state = "offered to groups again" if active else "retired"
                flash(f"{item.name} has been {state}", "success")
    return redirect(url_for(".indicators_list", fund_id=fund.id))


@bp.route("/<int:fund_id>/indicators/<int:indicator_id>/retire", methods=["POST"])
@requires(Permission.MANAGE_FUNDS)
def retire_indicator(fund_id: int, indicator_id: int):
    return _set_active(fund_id, indicator_id, False)


@bp.route("/<int:fund_id>/indicators/<int:indicator_id>/reactivate", methods=["POST"])
@requires(Permission.MANAGE_FUNDS)
def reactivate_indicator(fund_id: int, indicator_id: int):
    return _set_active(fund_id, indicator_id, True)


@bp.route("/<int:fund_id>/indicators/<int:indicator_id>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def delete_indicator(fund_id: int, indicator_id: int):
    fund = load_fund(fund_id)
    item = indicators.get_indicator(fund, indicator_id)
    listing = url_for(".indicators_list", fund_id=fund.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            indicators.delete_indicator(current_user, item)
        except DomainError as error:
            flash_refusal(error, "error")
        else:
            flash(f"{item.name} has been deleted", "success")
        return redirect(listing)
    return render_template(
        "funds/indicators/delete.html",
        form=form,
        fund=fund,
        indicator=item,
        uses=indicators.use_count(item),
        back=listing,
    )
