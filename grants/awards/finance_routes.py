"""Finance's own pages: the finance home, the ledger, partners' contributions, exports,
variations and money recovered."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from grants.awards import (
    access,
    closing,
    contributions,
    exports,
    finance_home,
    recoveries,
    reports,
    variations,
)
from grants.awards.finance_forms import (
    VARIATION_FORMS,
    CloseForm,
    ConfirmForm,
    ContributionForm,
    RecoveryForm,
)
from grants.awards.ledger import money_of
from grants.awards.models import Award, VariationKind, VariationStatus
from grants.awards.pages import award_link, award_page
from grants.errors import (
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
    add_to_form,
    flash_refusal,
)
from grants.extensions import db
from grants.formatting import long_date
from grants.funds.models import Fund, Round
from grants.money import format_pence
from grants.numbers import whole_number
from grants.pagination import paginate
from grants.permissions import Permission, requires

bp = Blueprint("finance", __name__, url_prefix="/finance")
FINANCE = Permission.MANAGE_PAYMENTS

award_page.register("finance/_award_variations.html", variations.section)
award_page.register("finance/_award_money.html", recoveries.section)


def _award(award_id: int, *, acting: bool = True) -> Award:
    """The award; a finance officer in the award's group may look but not act (403)."""
    award = access.get_for_viewing(current_user, award_id)
    if acting:
        access.check_finance(current_user, award)
    return award


def _to_award(award: Award):
    return redirect(url_for("awards.show", award_id=award.id))


def _refused(form, error: DomainError, award: Award, field: str | None = None):
    """A problem with what was typed goes on the form (None: draw it again); any other refusal
    (the award moved on meanwhile) is a banner on the award's page."""
    if isinstance(error, InvalidInput) or error.field or field:
        add_to_form(form, error, field)
        return None
    flash_refusal(error)
    return _to_award(award)


def _filters() -> tuple[int | None, int | None]:
    return whole_number(request.args.get("fund")), whole_number(request.args.get("round"))


@bp.route("/")
@requires(FINANCE)
def home():
    return render_template("finance/home.html", home=finance_home.home_for(current_user))


# Funds and contributions


@bp.route("/funds/")
@requires(FINANCE)
def funds():
    return render_template("finance/funds.html", table=reports.ledger().by_fund)


@bp.route("/funds/<int:fund_id>")
@requires(FINANCE)
def fund(fund_id: int):
    fund = contributions.get_fund(fund_id)
    ledger = reports.ledger(fund_id=fund.id)
    return render_template(
        "finance/fund.html",
        fund=fund,
        ledger=ledger,
        budget=fund.budget_pence,
        rounds_total=contributions.rounds_total(fund),
        named=contributions.named_by_awards(fund),
        confirm_form=ConfirmForm(),
    )


@bp.route("/funds/<int:fund_id>/contributions/new", methods=["GET", "POST"])
@bp.route("/funds/<int:fund_id>/contributions/<int:contribution_id>", methods=["GET", "POST"])
@requires(FINANCE)
def contribution(fund_id: int, contribution_id: int | None = None):
    fund = contributions.get_fund(fund_id)
    found = contributions.get_contribution(fund, contribution_id) if contribution_id else None
    form = ContributionForm(obj=found)
    if form.validate_on_submit():
        try:
            if found is None:
                contributions.add(current_user, fund, form.details())
            else:
                contributions.correct(current_user, found, form.details())
            flash("The contribution has been saved", "success")
            return redirect(url_for(".fund", fund_id=fund.id))
        except DomainError as error:
            add_to_form(form, error, "amount_pence")
    elif form.is_submitted():
        form.add_further_errors(contributions.errors(form.details()))
    return render_template(
        "finance/contribution_form.html", form=form, fund=fund, contribution=found
    )


@bp.route("/funds/<int:fund_id>/contributions/<int:contribution_id>/remove", methods=["POST"])
@requires(FINANCE)
def remove_contribution(fund_id: int, contribution_id: int):
    fund = contributions.get_fund(fund_id)
    found = contributions.get_contribution(fund, contribution_id)
    if ConfirmForm().validate_on_submit():
        try:
            contributions.remove(current_user, found)
            flash("The contribution has been removed", "success")
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for(".fund", fund_id=fund.id))


# The ledger and its exports


@bp.route("/ledger")
@requires(FINANCE)
def ledger():
    fund_id, round_id = _filters()
    return render_template(
        "finance/ledger.html",
        ledger=reports.ledger(fund_id=fund_id, round_id=round_id),
        funds=list(db.session.scalars(select(Fund).order_by(Fund.name))),
        rounds=list(db.session.scalars(select(Round).order_by(Round.title, Round.id))),
        fund_id=fund_id,
        round_id=round_id,
        args={k: v for k, v in (("fund", fund_id), ("round", round_id)) if v},
    )


def _download(body, mimetype: str, name: str) -> Response:
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


EXPORTS = {
    "ledger": ("Ledger", exports.LEDGER_HEADINGS, exports.ledger_rows),
    "payments": ("Payments", exports.PAYMENT_HEADINGS, exports.payment_rows),
}


@bp.route("/exports/<any(ledger, payments):kind>.csv", endpoint="export_csv")
@requires(FINANCE)
def export_csv(kind: str):
    _, headings, rows = EXPORTS[kind]
    body = exports.as_csv(headings, rows(*_filters()))
    return _download(body, "text/csv", exports.filename(kind, "csv"))


@bp.route("/exports/<any(ledger, payments):kind>.xlsx", endpoint="export_xlsx")
@requires(FINANCE)
def export_xlsx(kind: str):
    title, headings, rows = EXPORTS[kind]
    body = exports.as_xlsx(title, headings, rows(*_filters()))
    return _download(body, exports.XLSX_MIMETYPE, exports.filename(kind, "xlsx"))


# Variations


@bp.route("/variations")
@requires(FINANCE)
def variations_list():
    page = paginate(variations.awaiting_decision())
    return render_template("finance/variations.html", page=page, describe=variations.describe)


@bp.route("/awards/<int:award_id>/variations/new")
@requires(FINANCE)
def variation_kinds(award_id: int):
    award = _award(award_id)
    return render_template("finance/variation_kinds.html", award=award, kinds=list(VariationKind))


def _variation_form(award: Award, kind: VariationKind):
    form = VARIATION_FORMS[kind]()
    if kind == VariationKind.SCHEDULE:
        form.payment_id.choices = [
            (
                str(p.id),
                f"Instalment {p.number}: {format_pence(p.amount_pence)}, due {long_date(p.due_on)}",
            )
            for p in variations.schedulable_payments(award)
        ]
    return form


@bp.route("/awards/<int:award_id>/variations/new/<kind>", methods=["GET", "POST"])
@requires(FINANCE)
def propose_variation(award_id: int, kind: str):
    if kind not in {k.value for k in VariationKind}:
        raise NotFound("No such kind of variation")
    award, kind = _award(award_id), VariationKind(kind)
    form = _variation_form(award, kind)
    if form.validate_on_submit():
        try:
            variations.propose(current_user, award, form.proposal())
            flash(
                "The variation has been proposed: another finance officer must approve it",
                "success",
            )
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award)) is not None:
                return response
    elif form.is_submitted():
        form.add_further_errors(variations.proposal_errors(award, form.proposal()))
    return render_template("finance/variation_form.html", award=award, kind=kind, form=form)


@bp.route("/variations/<int:variation_id>")
@requires(FINANCE)
def variation(variation_id: int):
    found = variations.get_variation(variation_id)
    _award(found.award_id, acting=False)
    return render_template(
        "finance/variation.html",
        variation=found,
        award=found.award,
        description=variations.describe(found),
        awaiting=found.status == VariationStatus.PROPOSED,
        can_decide=found.status == VariationStatus.PROPOSED
        and found.proposed_by_id != current_user.id
        and not access.is_group_member(current_user, found.award),
        confirm_form=ConfirmForm(),
    )


@bp.route("/variations/<int:variation_id>/<any(approve, reject):decision>", methods=["POST"])
@requires(FINANCE)
def decide_variation(variation_id: int, decision: str):
    found = variations.get_variation(variation_id)
    award = _award(found.award_id, acting=False)
    if ConfirmForm().validate_on_submit():
        try:
            if decision == "approve":
                variations.approve(current_user, found, link=award_link(award))
                flash("The variation has been approved and the group told", "success")
            else:
                variations.reject(current_user, found)
                flash("The variation has been rejected", "success")
        except NotAllowed:
            raise
        except DomainError as error:
            flash_refusal(error)
    return _to_award(award)


# Money returned and closing


@bp.route("/awards/<int:award_id>/money-returned", methods=["GET", "POST"])
@requires(FINANCE)
def record_recovery(award_id: int):
    award = _award(award_id)
    form = RecoveryForm()
    if form.validate_on_submit():
        try:
            recoveries.record(current_user, award, form.details())
            flash("The money returned has been recorded", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award)) is not None:
                return response
    elif form.is_submitted():
        money = money_of(award)
        form.add_further_errors(recoveries.recovery_errors(money, form.details()))
    return render_template(
        "finance/recovery_form.html", award=award, form=form, money=money_of(award)
    )


@bp.route("/awards/<int:award_id>/close", methods=["GET", "POST"])
@requires(FINANCE)
def close_award(award_id: int):
    award = _award(award_id)
    form = CloseForm()
    form.outcome.choices = [(s.value, s.label) for s in closing.outcomes_for(award)]
    if form.validate_on_submit():
        try:
            closing.close(current_user, award, form.chosen(), form.reason.data)
            flash(f"The award has been closed: {award.status.label.lower()}", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award)) is not None:
                return response
    return render_template("finance/close_form.html", award=award, form=form, money=money_of(award))
