"""The applicant's pages: dashboard, start, task list, declaration, check answers, send,
withdraw, delete, and the one route that serves an application's files."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from grants import transaction, uploads
from grants.applications import answers, dashboard, outcome_page, sections, services
from grants.applications.blueprint import bp, load, report_together
from grants.applications.forms import (
    ChooseGroupForm,
    ConfirmForm,
    DeclarationForm,
    SendForm,
    WithdrawForm,
)
from grants.applications.states import next_steps
from grants.errors import DomainError, add_to_form
from grants.extensions import db
from grants.funds.models import Round
from grants.organisations.services import visible_groups_query
from grants.pagination import paginate
from grants.permissions import Permission, requires, signed_in


def _link(application) -> str:
    return url_for("applications.show", application_id=application.id, _external=True)


@bp.route("/")
@requires(Permission.APPLY)
def index():
    page = paginate(dashboard.applications_query(current_user))
    return render_template("applications/index.html", page=page, next_steps=next_steps)


@bp.route("/start/<slug>", methods=["GET", "POST"])
@requires(Permission.APPLY)
def start(slug: str):
    """Start from the eligibility checker: choose the group (if more than one), then the task list."""
    round_ = db.session.scalar(select(Round).where(Round.slug == slug)) or abort(404)
    groups = list(db.session.scalars(visible_groups_query(current_user)))
    if not groups:
        flash("Add your group first. Then you can start your application", "information")
        return redirect(url_for("organisations.create", next=request.path))
    formdata = None
    if request.method == "POST" and len(groups) == 1 and "organisation" not in request.form:
        formdata = CombinedMultiDict([request.form, MultiDict({"organisation": str(groups[0].id)})])
    form = ChooseGroupForm(formdata=formdata) if formdata else ChooseGroupForm()
    form.organisation.choices = [(str(g.id), g.name) for g in groups]
    if len(groups) == 1 and not form.organisation.data:
        form.organisation.data = str(groups[0].id)
    if request.method == "POST" and form.validate():
        chosen = next((g for g in groups if str(g.id) == form.organisation.data), None)
        try:
            if chosen is None:
                raise DomainError("Select the group that is applying", field="organisation")
            application = services.start(current_user, round_, chosen)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect(url_for(".task_list", application_id=application.id))
    return render_template("applications/start.html", form=form, round=round_)


@bp.route("/<int:application_id>")
@signed_in
def task_list(application_id: int):
    application = load(application_id)
    if not application.can_edit:
        return redirect(url_for(".show", application_id=application.id))
    return render_template(
        "applications/task_list.html",
        application=application,
        task_list=sections.task_list(application),
        accepting=services.accepting_submissions(application),
    )


@bp.route("/<int:application_id>/view")
@signed_in
def show(application_id: int):
    application = load(application_id)
    return render_template(
        "applications/show.html",
        application=application,
        next_steps=next_steps,
        later_sections=outcome_page.sections_for(current_user, application),
    )


@bp.route("/<int:application_id>/declaration", methods=["GET", "POST"])
@signed_in
def declaration(application_id: int):
    application = load(application_id, for_editing=True)
    form = DeclarationForm(
        data={"full_name": application.declaration_name or current_user.full_name}
    )
    if not form.validate_on_submit():
        if form.is_submitted():
            problems = answers.declaration_problems(
                full_name=form.full_name.data, confirmed=form.confirm.data
            )
            report_together(form, problems)
    else:
        try:
            answers.declare(
                current_user,
                application,
                full_name=form.full_name.data,
                confirmed=form.confirm.data,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect(url_for(".check", application_id=application.id))
    return render_template(
        "applications/sections/declaration.html", application=application, form=form
    )


@bp.route("/<int:application_id>/check", methods=["GET", "POST"])
@signed_in
def check(application_id: int):
    application = load(application_id, for_editing=True)
    form = SendForm()
    if form.validate_on_submit():
        try:
            services.submit(current_user, application, link_for=_link)
        except services.AlreadySent:
            transaction.rollback()
            return redirect(url_for(".confirmation", application_id=application.id))
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect(url_for(".confirmation", application_id=application.id))
    return render_template(
        "applications/check.html",
        form=form,
        application=application,
        missing=sections.incomplete(application),
        ready=sections.ready_to_submit(application),
    )


@bp.route("/<int:application_id>/confirmation")
@signed_in
def confirmation(application_id: int):
    application = load(application_id)
    if application.reference is None:
        return redirect(url_for(".task_list", application_id=application.id))
    return render_template("applications/confirmation.html", application=application)


@bp.route("/<int:application_id>/delete", methods=["GET", "POST"])
@signed_in
def delete(application_id: int):
    application = load(application_id, for_editing=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.delete_draft(current_user, application)
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your draft application has been deleted", "success")
            return redirect(
                url_for(".index") if current_user.can(Permission.APPLY) else url_for("pages.home")
            )
    return render_template("applications/delete.html", form=form, application=application)


@bp.route("/<int:application_id>/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw(application_id: int):
    application = load(application_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(current_user, application, form.reason.data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your application has been withdrawn", "success")
            return redirect(url_for(".show", application_id=application.id))
    return render_template("applications/withdraw.html", form=form, application=application)


@bp.route("/<int:application_id>/files/<int:document_id>")
@signed_in
def download(application_id: int, document_id: int):
    """Files are only ever served here: access-checked, as attachments, never rendered inline."""
    application = load(application_id)
    document = next((d for d in application.documents if d.id == document_id), None) or abort(404)
    path = uploads.path_of(document.stored_name)
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=uploads.download_name(document.original_name, document.content_type),
        max_age=0,
    )
