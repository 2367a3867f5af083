"""An award's pages: finance prepares and sends the offer; the group reads, accepts or declines
it; both download the issued documents."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.awards import (
    access,
    documents,
    ledger,
    offer_views,
    offers,
    services,  # also registers awards for released decisions
    terms,
)
from grants.awards.models import Award, DocumentKind
from grants.awards.offer_forms import (
    AcceptForm,
    AdjustForm,
    ApproveIncreaseForm,
    ConfirmForm,
    DeclineForm,
    IndexFilterForm,
    PaperAcceptanceForm,
    RecordDeclineForm,
    ReissueForm,
    TermsForm,
    WithdrawForm,
)
from grants.awards.pages import award_link, award_page, bank_details_link
from grants.awards.states import AwardStatus
from grants.errors import DomainError, InvalidInput, NotFound, add_to_form, flash_refusal
from grants.extensions import db
from grants.funds.models import Round
from grants.numbers import whole_number
from grants.pagination import paginate
from grants.pdf import pdf_response
from grants.permissions import Permission, requires, signed_in

bp = Blueprint("awards", __name__, url_prefix="/awards")
FINANCE = Permission.MANAGE_PAYMENTS
STATUS_VALUES = frozenset(s.value for s in AwardStatus)


def _to_award(award: Award):
    return redirect(url_for(".show", award_id=award.id))


def _finance_award(award_id: int) -> Award:
    """The award, for a finance officer who may act on it (403 for one in the group)."""
    award = access.get_for_viewing(current_user, award_id)
    access.check_finance(current_user, award)
    return award


def _refused(form, error: DomainError, award: Award, field: str):
    """A problem with what was typed goes on the form (None: draw it again); any other refusal
    (the award moved on meanwhile) is a banner on the award's page."""
    if isinstance(error, InvalidInput) or error.field:
        add_to_form(form, error, field)
        return None
    flash_refusal(error)
    return _to_award(award)


@bp.route("/")
@requires(FINANCE)
def index():
    status = request.args.get("status", "")
    filters = offer_views.IndexFilters(
        status=AwardStatus(status) if status in STATUS_VALUES else None,
        round_id=whole_number(request.args.get("round")),
    )
    form = IndexFilterForm(request.args)
    form.round.choices = [form.round.choices[0], *offer_views.round_choices()]
    page = paginate(offer_views.index_query(filters), size=offer_views.INDEX_PAGE_SIZE)
    ids = [award.id for award in page.items]
    money = {m.award_id: m for m in ledger.award_money(Award.id.in_(ids))} if ids else {}
    return render_template("awards/index.html", filters_form=form, page=page, money=money)


@bp.route("/<int:award_id>")
@signed_in
def show(award_id: int):
    award = offer_views.load_for_page(current_user, award_id)
    return render_template(
        "awards/show.html",
        award=award,
        for_group=access.is_group_member(current_user, award),
        finance=current_user.can(FINANCE),
        lapsed=offers.has_lapsed(award),
        actions=offer_views.actions_for(current_user, award),
        confirm_form=ConfirmForm(),
        sections=award_page.for_viewer(current_user, award),
    )


@bp.route("/rounds/<int:round_id>/terms", methods=["GET", "POST"], endpoint="terms")
@requires(FINANCE)
def terms_page(round_id: int):
    round_ = db.session.get(Round, round_id) or abort(404)
    access.check_finance(current_user)
    saved = terms.current_terms(round_)
    form = TermsForm()
    if not form.is_submitted():
        form.fill(saved)
    if form.validate_on_submit():
        try:
            terms.save_terms(current_user, round_, form.answer())
            flash(f"The award terms for {round_.title} have been saved", "success")
            return redirect(url_for(".terms", round_id=round_id))
        except DomainError as error:
            add_to_form(form, error, "percent_1")
    elif form.is_submitted():
        form.add_further_errors(terms.terms_errors(form.answer())[1])
    return render_template("awards/terms.html", round=round_, form=form, saved=saved)


@bp.route("/<int:award_id>/adjust", methods=["GET", "POST"])
@requires(FINANCE)
def adjust(award_id: int):
    award = _finance_award(award_id)
    if not award.can_adjust:
        flash_refusal(
            DomainError("The offer has been sent, so the award can change only by a variation")
        )
        return _to_award(award)
    form = AdjustForm()
    form.fill(award, services.contributions_for(award))
    if form.validate_on_submit():
        try:
            services.adjust(current_user, award, form.answer())
            flash("The award has been changed", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "amount")) is not None:
                return response
    elif form.is_submitted():
        form.add_further_errors(services.change_errors(award, form.answer()))
    return render_template("awards/adjust.html", award=award, form=form)


@bp.route("/<int:award_id>/approve-increase", methods=["POST"])
@requires(FINANCE)
def approve_increase(award_id: int):
    """A second finance officer approves an amount above the panel's decision."""
    award = _finance_award(award_id)
    form = ApproveIncreaseForm()
    if form.validate_on_submit():
        try:
            services.approve_increase(current_user, award, form.seen_amount())
            flash("The increase has been approved: the offer can be sent", "success")
        except DomainError as error:
            flash_refusal(error)
    return _to_award(award)


@bp.route("/<int:award_id>/send-offer", methods=["POST"])
@requires(FINANCE)
def send_offer(award_id: int):
    award = _finance_award(award_id)
    if ConfirmForm().validate_on_submit():
        try:
            offers.send_offer(current_user, award, award_link)
            flash(_sent_message(award, "The offer has been sent"), "success")
        except DomainError as error:
            flash_refusal(error)
    return _to_award(award)


def _sent_message(award: Award, done: str) -> str:
    if award.organisation.contact_email_address:
        return f"{done}. The group has been emailed a link to it"
    return f"{done}. The group has no email address: print the offer and post it"


@bp.route("/<int:award_id>/reissue", methods=["GET", "POST"])
@requires(FINANCE)
def reissue(award_id: int):
    award = _finance_award(award_id)
    form = ReissueForm()
    current = documents.latest(award, DocumentKind.OFFER)
    if not form.is_submitted():
        form.seen_version.data = str(current.version if current else "")
    if form.validate_on_submit():
        try:
            offers.reissue(
                current_user,
                award,
                form.reason.data,
                award_link,
                seen_version=whole_number(form.seen_version.data),
            )
            flash(_sent_message(award, "The offer has been reissued"), "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "reason")) is not None:
                return response
    return render_template("awards/reason.html", award=award, form=form, action="reissue")


@bp.route("/<int:award_id>/withdraw", methods=["GET", "POST"])
@requires(FINANCE)
def withdraw(award_id: int):
    award = _finance_award(award_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            offers.withdraw(current_user, award, form.reason.data, award_link)
            flash("The award has been withdrawn", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "reason")) is not None:
                return response
    return render_template("awards/reason.html", award=award, form=form, action="withdraw")


@bp.route("/<int:award_id>/record-decline", methods=["GET", "POST"])
@requires(FINANCE)
def record_decline(award_id: int):
    award = _finance_award(award_id)
    form = RecordDeclineForm()
    if form.validate_on_submit():
        try:
            offers.record_decline(current_user, award, form.reason.data)
            flash("The group's decline has been recorded", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "reason")) is not None:
                return response
    return render_template("awards/reason.html", award=award, form=form, action="record_decline")


@bp.route("/<int:award_id>/paper-acceptance", methods=["GET", "POST"])
@requires(FINANCE)
def paper_acceptance(award_id: int):
    award = _finance_award(award_id)
    form = PaperAcceptanceForm()
    if form.validate_on_submit():
        try:
            offers.record_paper_acceptance(
                current_user, award, form.answer(), award_link, bank_details_link
            )
            flash("The acceptance has been recorded and the agreement countersigned", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "full_name")) is not None:
                return response
    elif form.is_submitted():
        form.add_further_errors(offers.signed_on_errors(award, form.signed_on.data))
        if not form.scan.data:
            form.add_further_errors({"scan": "Select a file"})
    return render_template("awards/paper_acceptance.html", award=award, form=form)


def _group_award(award_id: int) -> Award:
    """The award, for a member of its group (404 for outsiders, 403 for staff)."""
    award = access.get_for_viewing(current_user, award_id)
    access.check_group_member(current_user, award)
    return award


@bp.route("/<int:award_id>/accept", methods=["GET", "POST"])
@signed_in
def accept(award_id: int):
    award = _group_award(award_id)
    form = AcceptForm().for_group(award.organisation.name)
    if request.method == "GET" and not offers.is_awaiting_acceptance(award):
        flash_refusal(offers.acceptance_refusal(award))
        return _to_award(award)
    if form.validate_on_submit():
        try:
            offers.accept(current_user, award, form.answer(), award_link, bank_details_link)
            flash("You have accepted the grant. Next, give your bank details", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "full_name")) is not None:
                return response
    offer = documents.latest(award, DocumentKind.OFFER)
    return render_template("awards/accept.html", award=award, form=form, offer=offer)


@bp.route("/<int:award_id>/decline", methods=["GET", "POST"])
@signed_in
def decline(award_id: int):
    award = _group_award(award_id)
    if request.method == "GET" and not offers.is_awaiting_acceptance(award):
        flash_refusal(offers.acceptance_refusal(award))
        return _to_award(award)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            offers.decline(current_user, award, form.reason.data)
            flash("You have declined the offer. The council has been told", "success")
            return _to_award(award)
        except DomainError as error:
            if (response := _refused(form, error, award, "reason")) is not None:
                return response
    return render_template("awards/reason.html", award=award, form=form, action="decline")


@bp.route("/<int:award_id>/documents/<int:document_id>")
@signed_in
def document(award_id: int, document_id: int):
    """Issued documents are only ever served here, to whoever may see the award."""
    award = access.get_for_viewing(current_user, award_id)
    found = next((d for d in award.documents if d.id == document_id), None)
    if found is None:
        raise NotFound("Document not found")
    try:
        content = documents.read(found)
    except (DomainError, FileNotFoundError):
        abort(404)
    response = pdf_response(content, documents.download_name(award, found), private=True)
    response.mimetype = found.content_type
    return response
