"""Bank details and payments: the group gives its bank details; finance verifies them, raises,
approves and pays instalments and exports payment runs.

Acting on a payment or on bank details is checked here first (``access.check_finance``), so a
finance officer who belongs to the group gets the 403 page; the services' other refusals (the
raiser approving, a payment already approved) come back as a banner or a form error.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from grants.awards import access, bank, payments, run_changes
from grants.awards import runs as payment_runs
from grants.awards.bank_forms import BankDetailsForm, RevealForm, VerifyForm
from grants.awards.models import BankDetails, Payment
from grants.awards.pages import award_link, award_page
from grants.awards.payment_forms import (
    BankAnswerForm,
    ConfirmForm,
    PaidForm,
    ReasonForm,
    RunForm,
)
from grants.awards.states import PaymentStatus
from grants.clock import uk_today
from grants.errors import DomainError, NotAllowed, NotFound, add_to_form, flash_refusal
from grants.extensions import db
from grants.organisations.call_back import call_back_number
from grants.organisations.services import is_member
from grants.pagination import paginate
from grants.permissions import Permission, requires, signed_in

bp = Blueprint("payments", __name__, url_prefix="/payments")
FINANCE = Permission.MANAGE_PAYMENTS
STATUSES = {s.value: s for s in PaymentStatus}


def _payment_for_action(payment_id: int) -> Payment:
    payment = payments.get_payment(payment_id)
    access.check_finance(current_user, payment.award)
    return payment


def _to_payment(payment: Payment) -> BaseResponse:
    return redirect(url_for(".show", payment_id=payment.id))


def _details(details_id: int) -> BankDetails:
    details = db.session.get(BankDetails, details_id)
    if details is None:
        raise NotFound("Bank details not found")
    return details


@bp.route("/")
@requires(FINANCE)
def index():
    status = STATUSES.get(request.args.get("status", ""))
    page = paginate(payments.payments_query(status))
    details = payments.current_details_by_group({p.award.organisation_id for p in page.items})
    waits = {
        p.id: payments.describe_wait(
            p, current_user, uk_today(), details=details.get(p.award.organisation_id)
        )
        for p in page.items
    }
    return render_template(
        "payments/index.html", page=page, status=status, statuses=PaymentStatus, waits=waits
    )


@bp.route("/<int:payment_id>")
@requires(FINANCE)
def show(payment_id: int):
    payment = payments.get_payment(payment_id)
    return render_template(
        "payments/show.html",
        payment=payment,
        award=payment.award,
        actions=payments.actions_for(current_user, payment),
        wait=payments.describe_wait(payment, current_user, uk_today()),
        confirm_form=ConfirmForm(),
        payee=bank.payee_for(payment.award.organisation_id),
    )


def _confirmed_action(payment_id: int, act, done: str) -> BaseResponse:
    """A button on the payment's page (raise, approve, release): one POST, then back."""
    payment = _payment_for_action(payment_id)
    if ConfirmForm().validate_on_submit():
        try:
            act(current_user, payment)
            flash(done, "success")
        except DomainError as error:
            flash_refusal(error)
    return _to_payment(payment)


@bp.route("/<int:payment_id>/raise", methods=["POST"])
@requires(FINANCE)
def raise_payment(payment_id: int):
    return _confirmed_action(
        payment_id,
        payments.raise_payment,
        "Payment raised: another finance officer must approve it",
    )


@bp.route("/<int:payment_id>/approve", methods=["POST"])
@requires(FINANCE)
def approve(payment_id: int):
    return _confirmed_action(payment_id, payments.approve, "Payment approved")


@bp.route("/<int:payment_id>/release", methods=["POST"])
@requires(FINANCE)
def release(payment_id: int):
    return _confirmed_action(payment_id, payments.release_hold, "Payment released from hold")


@bp.route("/<int:payment_id>/stop", methods=["GET", "POST"])
@requires(FINANCE)
def stop(payment_id: int):
    """The bank was asked to stop a payment whose run file had gone before the details changed."""
    payment = _payment_for_action(payment_id)
    form = BankAnswerForm()
    if form.validate_on_submit():
        try:
            run_changes.record_bank_answer(current_user, payment, form.answer())
            flash("What the bank said is recorded", "success")
            return _to_payment(payment)
        except DomainError as error:
            add_to_form(form, error, "stopped")
    return render_template("payments/stop.html", payment=payment, form=form)


@bp.route("/<int:payment_id>/paid", methods=["GET", "POST"])
@requires(FINANCE)
def mark_paid(payment_id: int):
    payment = _payment_for_action(payment_id)
    form = PaidForm()
    if form.validate_on_submit():
        try:
            payments.mark_paid(
                current_user,
                payment,
                form.paid_on.data,
                form.remittance_reference.data,
                link=award_link(payment.award),
            )
            flash("Payment recorded as paid; the group has been told", "success")
            return _to_payment(payment)
        except DomainError as error:
            add_to_form(form, error, "paid_on")
    return render_template("payments/paid.html", payment=payment, form=form)


def _reason_action(payment_id: int, act, page: dict) -> BaseResponse | str:
    """Hold or cancel: a page asking why, then the payment's page."""
    payment = _payment_for_action(payment_id)
    form = ReasonForm()
    form.reason.label.text = page["label"]
    if form.validate_on_submit():
        try:
            act(current_user, payment, form.reason.data)
            flash(page["done"], "success")
            return _to_payment(payment)
        except DomainError as error:
            add_to_form(form, error, "reason")
    return render_template("payments/reason.html", payment=payment, form=form, page=page)


@bp.route("/<int:payment_id>/hold", methods=["GET", "POST"])
@requires(FINANCE)
def hold(payment_id: int):
    page = {"title": "Put the payment on hold", "label": "Why is it on hold?",
            "button": "Put on hold", "done": "Payment put on hold"}  # fmt: skip
    return _reason_action(payment_id, payments.hold, page)


@bp.route("/<int:payment_id>/cancel", methods=["GET", "POST"])
@requires(FINANCE)
def cancel(payment_id: int):
    page = {"title": "Cancel the payment", "label": "Why is it cancelled?",
            "button": "Cancel the payment", "done": "Payment cancelled"}  # fmt: skip
    return _reason_action(payment_id, payments.cancel, page)


@bp.route("/awards/<int:award_id>/bank-details", methods=["GET", "POST"])
@signed_in
def bank_details(award_id: int):
    """The group gives (or changes) its bank details; a finance officer may enter them from a
    bank letter for a group without a computer."""
    award = access.get_for_viewing(current_user, award_id)
    if not access.is_group_member(current_user, award):
        access.check_finance(current_user, award)
    if not award.is_in_force:
        flash_refusal(DomainError("Bank details can be given once the agreement is accepted"))
        return redirect(url_for("awards.show", award_id=award.id))
    form = BankDetailsForm()
    if form.validate_on_submit():
        try:
            bank.enter(
                current_user,
                award,
                form.account_name.data,
                form.sort_code.data,
                form.account_number.data,
            )
            flash("Bank details saved. We will check these details before paying", "success")
            return redirect(url_for("awards.show", award_id=award.id))
        except DomainError as error:
            add_to_form(form, error, "account_name")
    return render_template(
        "payments/bank_details.html",
        award=award,
        form=form,
        current=bank.current_for(award.organisation_id),
        for_group=access.is_group_member(current_user, award),
    )


@bp.route("/bank-details/<int:details_id>/verify", methods=["GET", "POST"])
@requires(FINANCE)
def verify(details_id: int):
    details = _details(details_id)
    access.check_finance(current_user)
    if is_member(current_user, details.organisation_id):
        raise NotAllowed(access.OWN_GROUP)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            bank.verify(current_user, details, form.chosen_method(), form.note.data)
            flash("Bank details verified; payments held for the change are released", "success")
            return redirect(url_for(".index"))
        except DomainError as error:
            add_to_form(form, error, "method")
    return render_template(
        "payments/verify.html",
        details=details,
        form=form,
        call_back=call_back_number(details.organisation),
        same_account=bank.groups_with_same_account(details),
    )


@bp.route("/bank-details/<int:details_id>/reveal", methods=["GET", "POST"])
@requires(Permission.REVEAL_BANK_DETAILS)
def reveal(details_id: int):
    """Bank details in full: only after pressing the button, and every press is audited."""
    details = _details(details_id)
    form = RevealForm()
    account = bank.reveal(current_user, details) if form.validate_on_submit() else None
    return render_template("payments/reveal.html", details=details, form=form, account=account)


@bp.route("/runs")
@requires(FINANCE)
def runs():
    return render_template("payments/runs.html", page=paginate(payment_runs.runs_query()))


@bp.route("/runs/new", methods=["GET", "POST"])
@requires(FINANCE)
def new_run():
    form = RunForm(data={"due_by": payment_runs.next_friday(uk_today())})
    if form.validate_on_submit():
        try:
            result = payment_runs.create_run(current_user, form.due_by.data)
            flash(f"Payment run made with {result.run.payment_count} payments", "success")
            return redirect(url_for(".run", run_id=result.run.id))
        except DomainError as error:
            add_to_form(form, error, "due_by")
    included, left_out = payment_runs.candidates(current_user)
    return render_template("payments/new_run.html", form=form, included=included, left_out=left_out)


@bp.route("/runs/<int:run_id>")
@requires(FINANCE)
def run(run_id: int):
    payment_run = payment_runs.get_run(run_id)
    if payment_run is None:
        raise NotFound("Payment run not found")
    return render_template(
        "payments/run.html",
        run=payment_run,
        left_out=payment_runs.left_out_when_made(payment_run),
        lines=payment_runs.masked_lines(payment_run),
        may_download=payment_runs.may_download(current_user),
    )


@bp.route("/runs/<int:run_id>.csv")
@requires(FINANCE)
def run_csv(run_id: int):
    payment_run = payment_runs.get_run(run_id)
    if payment_run is None:
        raise NotFound("Payment run not found")
    try:
        content = payment_runs.run_file(current_user, payment_run)
    except NotAllowed:
        raise  # the 403 page: the file needs a bank-details viewer
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for(".run", run_id=run_id))
    response = Response(content, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="payment-run-{payment_run.id}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


award_page.register("payments/_bank_section.html", bank.section_for)
award_page.register("payments/_payments_section.html", payments.section_for)
