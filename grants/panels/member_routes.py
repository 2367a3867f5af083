"""Panel members' pages: their list and progress, guidance, declaring interests before seeing an
application, scoring it, its documents, and their printable scoring pack. Also the officer's side
of the same things: the register of interests, waivers, paper scores and reopening a sheet."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from grants import uploads
from grants.accounts.models import User
from grants.applications.models import Application
from grants.errors import DomainError, InvalidInput, add_to_form, flash_refusal
from grants.extensions import db
from grants.funds.models import Round
from grants.numbers import NO_SUCH_ID, record_id
from grants.panels import access, blind, conflicts, declarations, freeze, pack, scoring, services
from grants.panels.member_forms import (
    DeclarationForm,
    MemberDeclarationForm,
    ReasonForm,
    scoring_form,
    values_from,
)
from grants.panels.models import (
    INTEREST_LABELS,
    Assignment,
    AssignmentStatus,
    Declaration,
    Panel,
    ScoreSheet,
)
from grants.pdf import pdf_response
from grants.permissions import Permission, requires

bp = Blueprint("scoring", __name__, url_prefix="/scoring")
MEMBER = Permission.SCORE_APPLICATIONS
OFFICER = Permission.MANAGE_PANELS


@bp.route("/")
@requires(MEMBER)
def index():
    return render_template("panels/member/index.html", progress=scoring.progress_of(current_user))


@bp.route("/guidance")
@requires(MEMBER)
def guidance():
    return render_template("panels/member/guidance.html", interest_labels=INTEREST_LABELS)


# --- declaring, before anything is shown ----------------------------------------------------


@bp.route("/<int:application_id>/declare", methods=["GET", "POST"])
@requires(MEMBER)
def declare(application_id: int):
    application = access.load(application_id)
    access.check_may_declare(current_user, application)
    declaration = access.declaration_of(current_user, application)
    if declaration is not None and request.method == "GET":
        return redirect(url_for(".application", application_id=application.id))
    freeze.check_not_frozen(application)  # so the form is not offered only to be refused
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            declaration = declarations.declare(
                current_user, application, form.kind.data, form.description.data
            )
        except DomainError as error:
            add_to_form(form, error, "kind")
        else:
            if declaration.is_conflict:
                flash("Thank you. You will not see or score this application", "success")
                return redirect(url_for(".index"))
            return redirect(url_for(".application", application_id=application.id))
    return render_template(
        "panels/member/declare.html",
        form=form,
        declaration_form=form,
        view=blind.member_view(application),
        decline_form=ReasonForm(formdata=None, prefix="decline"),
    )


@bp.route("/<int:application_id>/decline", methods=["POST"])
@requires(MEMBER)
def decline(application_id: int):
    application = access.load(application_id)
    assignment = access.check_may_declare(current_user, application)
    form = ReasonForm(prefix="decline")
    if form.validate_on_submit():
        try:
            services.decline_assignment(current_user, assignment, form.reason.data)
        except DomainError as error:
            add_to_form(form, error, "reason")
        else:
            flash(
                "You have declined this application. The programme officer will be told", "success"
            )
            return redirect(url_for(".index"))
    return render_template(
        "panels/member/declare.html",
        form=form,
        declaration_form=DeclarationForm(formdata=None),
        view=blind.member_view(application),
        decline_form=form,
    )


# --- the application and its score sheet ----------------------------------------------------


def _open(application_id: int):
    """The application, once the member may open it; until they have declared, the declaration."""
    application = access.load(application_id)
    refusal = access.open_refusal(current_user, application)
    if refusal == access.DECLARE_FIRST:
        return application, redirect(url_for(".declare", application_id=application.id))
    access.check_may_open(current_user, application)
    return application, None


def _render_sheet(application, member, form, *, on_paper=False):
    sheet = access.sheet_of(member, application)
    return render_template(
        "panels/member/application.html",
        view=blind.member_view(application),
        criteria=scoring.criteria_of(application),
        form=form,
        sheet=sheet,
        member=member,
        on_paper=on_paper,
        window_closed=access.scoring_window_closed(application),
        frozen=freeze.is_frozen(application),
        may_see_others=not on_paper and access.may_see_others(member, application),
        reopen_form=ReasonForm(formdata=None, prefix="reopen"),
    )


def _save(actor, member, application, form):
    """Save or submit the sheet from the form; a redirect when it worked, else None."""
    criteria = scoring.criteria_of(application)
    values = values_from(form, criteria)
    submitting = bool(form.submit.data)
    try:
        if submitting:
            scoring.submit(actor, member, application, values)
        else:
            scoring.save_draft(actor, member, application, values)
    except InvalidInput as error:  # a refusal to score at all (NotAllowed) answers 403
        add_to_form(form, error)
        return None
    flash("Scores submitted" if submitting else "Your draft has been saved", "success")
    return True


@bp.route("/<int:application_id>", methods=["GET", "POST"])
@requires(MEMBER)
def application(application_id: int):
    application, declare_first = _open(application_id)
    if declare_first:
        return declare_first
    criteria = scoring.criteria_of(application)
    sheet = access.sheet_of(current_user, application)
    if request.method == "POST" and sheet is not None and sheet.is_submitted:
        flash(scoring.SUBMITTED)  # a double click, or an old tab: nothing changes
        return redirect(url_for(".application", application_id=application.id))
    form = scoring_form(criteria, sheet)
    if form.validate_on_submit() and _save(current_user, current_user, application, form):
        return redirect(url_for(".application", application_id=application.id))
    return _render_sheet(application, current_user, form)


@bp.route("/<int:application_id>/documents/<int:document_id>")
@requires(MEMBER)
def document(application_id: int, document_id: int):
    """A document of an application the member may open, as an attachment, under a neutral name
    in a blind round."""
    application = access.load(application_id)
    access.check_may_open(current_user, application)
    found = next((d for d in application.documents if d.id == document_id), None)
    if found is None:
        abort(404)
    path = uploads.path_of(found.stored_name)
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=uploads.download_name(
            blind.member_view(application).document_name(found), found.content_type
        ),
        max_age=0,
    )


@bp.route("/<int:application_id>/scores")
@requires(MEMBER)
def scores(application_id: int):
    """The panel's scores, once the member's own are in and the window has closed."""
    application = access.load(application_id)
    access.check_may_open(current_user, application)
    if not access.may_see_others(current_user, application):
        abort(403)
    return render_template(
        "panels/member/scores.html",
        view=blind.member_view(application),
        criteria=scoring.criteria_of(application),
        sheets=scoring.counted_sheets(application),
        summary=scoring.summary_of(application),
    )


@bp.route("/pack.pdf")
@requires(MEMBER)
def my_pack():
    return pdf_response(pack.scoring_pack(current_user), "Scoring pack.pdf", private=True)


# --- officers, acting for members -----------------------------------------------------------


def _round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _member_choices(round_: Round):
    assignments = db.session.scalars(
        select(Assignment)
        .join(Panel, Panel.id == Assignment.panel_id)
        .where(Panel.round_id == round_.id, Assignment.status == AssignmentStatus.ASSIGNED)
    ).all()
    members = {a.user_id: a.user.full_name for a in assignments}
    applications = {
        a.application_id: f"{a.application.reference or a.application_id}: "
        f"{a.application.title or 'Untitled'}"
        for a in assignments
    }
    return (
        [
            ("", "Choose a member"),
            *sorted(((str(k), v) for k, v in members.items()), key=lambda c: c[1]),
        ],
        [("", "Choose an application"), *sorted((str(k), v) for k, v in applications.items())],
    )


def _member_form(round_: Round, formdata=...) -> MemberDeclarationForm:
    form = MemberDeclarationForm() if formdata is ... else MemberDeclarationForm(formdata=formdata)
    form.member.choices, form.application.choices = _member_choices(round_)
    # The officer's own groups' applications are a colleague's to record declarations on.
    own = {str(i) for i in conflicts.officer_conflicted_ids(current_user, round_.id)}
    form.application.choices = [c for c in form.application.choices if c[0] not in own]
    return form


def _register_page(round_, member_form=None):
    return render_template(
        "panels/member/register.html",
        round=round_,
        declarations=declarations.register_of_interests(round_),
        status_of=declarations.status_of,
        member_form=member_form or _member_form(round_, formdata=None),
        waive_form=ReasonForm(formdata=None, prefix="waive"),
        frozen=freeze.frozen_ids(round_.id),
        own_group_ids=conflicts.officer_conflicted_ids(current_user, round_.id),
    )


@bp.route("/rounds/<int:round_id>/interests", methods=["GET", "POST"])
@requires(OFFICER)
def register(round_id: int):
    """The round's register of interests, and recording a declaration for a member."""
    round_ = _round(round_id)
    form = _member_form(round_) if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        member = db.session.get(User, record_id(form.member.data) or NO_SUCH_ID)
        application = db.session.get(Application, record_id(form.application.data) or NO_SUCH_ID)
        if member is None:
            form.add_error("member", "Choose a panel member")
        if application is None or application.round_id != round_.id:
            form.add_error("application", "Choose an application")
        if member is not None and application is not None and application.round_id == round_.id:
            try:
                declarations.record_for_member(
                    current_user, member, application, form.kind.data, form.description.data
                )
            except DomainError as error:
                add_to_form(form, error, "kind")
            else:
                flash("Declaration recorded", "success")
                return redirect(url_for(".register", round_id=round_.id))
    return _register_page(round_, form)


@bp.route("/rounds/<int:round_id>/interests.csv")
@requires(OFFICER)
def register_csv(round_id: int):
    round_ = _round(round_id)
    response = Response(
        stream_with_context(declarations.register_csv(round_.id)), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="register-of-interests-{round_.id}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/declarations/<int:declaration_id>/waive", methods=["POST"])
@requires(OFFICER)
def waive(declaration_id: int):
    declaration = db.session.get(Declaration, declaration_id) or abort(404)
    conflicts.check_officer_may_act(current_user, declaration.application, "waive conflicts on")
    round_ = declaration.application.round
    form = ReasonForm(prefix="waive")
    if form.validate_on_submit():
        try:
            declarations.waive(current_user, declaration, form.reason.data)
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(
                "The interest has been waived: the member can now score the application", "success"
            )
    else:
        flash("Enter why this interest is not a conflict", "information")
    return redirect(url_for(".register", round_id=round_.id))


@bp.route("/<int:application_id>/members/<int:user_id>/paper", methods=["GET", "POST"])
@requires(OFFICER)
def paper(application_id: int, user_id: int):
    """An officer types in a member's paper scores; the sheet records who entered them."""
    application = access.load(application_id)
    conflicts.check_officer_may_act(current_user, application, "enter scores for")
    member = _user(user_id)
    access.check_may_open(member, application)
    criteria = scoring.criteria_of(application)
    form = scoring_form(criteria, access.sheet_of(member, application))
    if form.validate_on_submit() and _save(current_user, member, application, form):
        return redirect(url_for(".paper", application_id=application.id, user_id=member.id))
    return _render_sheet(application, member, form, on_paper=True)


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@requires(OFFICER)
def reopen(sheet_id: int):
    sheet = db.session.get(ScoreSheet, sheet_id) or abort(404)
    conflicts.check_officer_may_act(current_user, sheet.application, "reopen scores for")
    form = ReasonForm(prefix="reopen")
    if form.validate_on_submit():
        try:
            scoring.reopen(
                current_user,
                sheet,
                form.reason.data,
                link=url_for(".application", application_id=sheet.application_id, _external=True),
            )
        except DomainError as error:
            flash_refusal(error)
        else:
            flash("The scores have been reopened and the member told", "success")
    else:
        flash("Enter why these scores are being reopened", "information")
    return redirect(url_for(".paper", application_id=sheet.application_id, user_id=sheet.user_id))


@bp.route("/members/<int:user_id>/pack.pdf")
@requires(OFFICER)
def member_pack(user_id: int):
    member = _user(user_id)
    return pdf_response(pack.scoring_pack(member), "Scoring pack.pdf", private=True)
