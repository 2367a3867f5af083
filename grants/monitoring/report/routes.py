"""The group's report pages: start, the task list, what happened, spending, people and
outcomes, questions, check your answers, declaration and send, the confirmation, the stored
PDFs and the recording. (The story and the changes sections have route modules of their own.)

Every page loads the report through ``monitoring.access`` (404 for anyone who may not see it);
the section pages need someone who may write it (403 otherwise) and a report that can still
change (a sent one goes to its read-only page instead).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from grants import transaction, uploads
from grants.applications.forms import ConfirmForm
from grants.applications.models import BENEFICIARY_GROUPS, Channel
from grants.awards.access import is_group_member
from grants.clock import uk_today
from grants.errors import DomainError, NotAllowed, add_to_form, flash_refusal
from grants.monitoring import access, spending
from grants.monitoring.models import MonitoringReport
from grants.monitoring.report import forms, pdf, sections, services
from grants.monitoring.report.blueprint import bp
from grants.monitoring.states import FileKind
from grants.pdf import pdf_response
from grants.permissions import signed_in


@bp.record_once
def _share_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        report_due_text=sections.due_text, changes_asked=sections.changes_asked
    )


def _load(report_id: int, *, for_editing: bool = False) -> MonitoringReport:
    report = access.get_for_viewing(current_user, report_id)
    if for_editing:
        access.check_may_write(current_user, report.award)
        if not report.can_edit:
            flash(access.LOCKED, "information")
            abort(redirect(url_for(".check", report_id=report.id)))
    return report


def may_write(report: MonitoringReport) -> bool:
    try:
        access.check_may_write(current_user, report.award)
    except NotAllowed:
        return False
    return True


def _return_args() -> dict[str, str]:
    """Only the one known value is honoured, so a forged address is never followed."""
    return {"return_to": "check"} if request.args.get("return_to") == "check" else {}


def _back(report: MonitoringReport) -> str:
    endpoint = ".check" if _return_args() else ".task_list"
    return url_for(endpoint, report_id=report.id)


def _saved_and_back(report: MonitoringReport):
    flash("Your answers have been saved", "success")
    return redirect(_back(report))


def _section(template: str, report: MonitoringReport, form, **context):
    return render_template(
        f"monitoring/report/{template}.html",
        report=report,
        form=form,
        back_url=_back(report),
        **context,
    )


def _add_problems(form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        if not getattr(getattr(form, name, None), "errors", None):
            form.add_error(name, message)


@bp.route("/due/<int:report_due_id>/start", methods=["GET", "POST"])
@signed_in
def start(report_due_id: int):
    due = access.get_due_for_viewing(current_user, report_due_id)
    access.check_may_write(current_user, due.award)
    started = services.existing_for(due)
    if started is not None:
        return redirect(url_for(".task_list", report_id=started.id))
    assisted = not is_group_member(current_user, due.award)
    form = forms.StartForm()
    if form.validate_on_submit():
        try:
            channel = Channel(form.channel.data) if assisted else Channel.ONLINE
        except ValueError:
            channel = Channel.ONLINE  # refused below: an officer must say how it reached them
        try:
            report = services.start(current_user, due, channel=channel)
        except DomainError as error:
            add_to_form(form, error, default_field="channel" if assisted else None)
        else:
            return redirect(url_for(".task_list", report_id=report.id))
    return render_template(
        "monitoring/report/start.html", form=form, due=due, assisted=assisted, today=uk_today()
    )


@bp.route("/<int:report_id>")
@signed_in
def task_list(report_id: int):
    report = _load(report_id)
    if not report.can_edit or not may_write(report):
        return redirect(url_for(".check", report_id=report.id))
    return render_template(
        "monitoring/report/task_list.html",
        report=report,
        task_list=sections.task_list(report),
        today=uk_today(),
    )


@bp.route("/<int:report_id>/what-happened", methods=["GET", "POST"])
@signed_in
def what_happened(report_id: int):
    report = _load(report_id, for_editing=True)
    form = forms.WhatHappenedForm(data={"what_happened": report.what_happened or ""})
    if form.validate_on_submit():
        try:
            services.save_what_happened(
                current_user,
                report,
                form.what_happened.data,
                recording=request.files.get("recording"),
            )
        except DomainError as error:
            add_to_form(form, error, default_field="what_happened")
        else:
            return _saved_and_back(report)
    return _section("what_happened", report, form, remove_form=ConfirmForm())


@bp.route("/<int:report_id>/recording/<int:file_id>/remove", methods=["POST"])
@signed_in
def remove_recording(report_id: int, file_id: int):
    report = _load(report_id, for_editing=True)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_recording(current_user, report, file_id)
        except DomainError as error:
            flash_refusal(error)
        else:
            flash("The recording has been removed", "success")
    return redirect(url_for(".what_happened", report_id=report.id, **_return_args()))


@bp.route("/<int:report_id>/recording/<int:file_id>")
@signed_in
def recording(report_id: int, file_id: int):
    """The recording of what happened, for whoever may see the report; as a download only."""
    report = _load(report_id)
    found = next(
        (f for f in report.files if f.id == file_id and f.kind == FileKind.RECORDING), None
    )
    path = uploads.path_of(found.stored_name) if found else None
    if path is None or not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=uploads.download_name(found.original_name, found.content_type),
        max_age=0,
    )


@bp.route("/<int:report_id>/spending", methods=["GET", "POST"], endpoint="spending")
@signed_in
def spending_page(report_id: int):
    report = _load(report_id, for_editing=True)
    form = forms.spending_form(report, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            services.save_spending(current_user, report, forms.spends_from(form, report))
        except DomainError as error:
            add_to_form(form, error)
        else:
            check = spending.check(report)
            if check.complete:
                return _saved_and_back(report)
            # What was given is kept (this page commits); what is missing is listed.
            _add_problems(form, {p.field: p.message for p in check.errors})
    elif form.is_submitted():
        typed = spending.problems_in(report, forms.spends_from(form, report))
        _add_problems(form, {p.field: p.message for p in typed})
    return _section("spending", report, form, check=spending.check(report))


@bp.route("/<int:report_id>/outcomes", methods=["GET", "POST"])
@signed_in
def outcomes(report_id: int):
    report = _load(report_id, for_editing=True)
    form = forms.outcomes_form(report, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            reach, values = forms.outcomes_from(form, report)
            services.save_outcomes(current_user, report, reach=reach, values=values)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return _saved_and_back(report)
    elif form.is_submitted():
        reach, values = forms.outcomes_from(form, report)
        _add_problems(form, services.outcome_problems(report, reach=reach, values=values))
    return _section("outcomes", report, form, group_labels=BENEFICIARY_GROUPS)


@bp.route("/<int:report_id>/questions", methods=["GET", "POST"])
@signed_in
def questions(report_id: int):
    report = _load(report_id, for_editing=True)
    if not sections.questions_of(report):
        abort(404)
    form = forms.questions_form(report, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            services.save_answers(current_user, report, forms.answers_from(form, report))
        except DomainError as error:
            add_to_form(form, error)
        else:
            return _saved_and_back(report)
    elif form.is_submitted():
        _add_problems(form, services.answer_problems(report, forms.answers_from(form, report)))
    return _section(
        "questions",
        report,
        form,
        questions=sections.questions_of(report),
        field_name=forms.question_field_name,
    )


@bp.route("/<int:report_id>/check")
@signed_in
def check(report_id: int):
    """Check your answers; once sent (or for someone who may only read it), the report itself."""
    report = _load(report_id)
    editable = report.can_edit and may_write(report)
    return render_template(
        "monitoring/report/check.html",
        report=report,
        editable=editable,
        check=spending.check(report),
        missing=sections.incomplete(report) if editable else [],
        questions=sections.questions_of(report),
        group_labels=BENEFICIARY_GROUPS,
        today=uk_today(),
    )


def review_link(report: MonitoringReport) -> str:
    return url_for("monitoring.review", report_id=report.id, _external=True)


@bp.route("/<int:report_id>/declaration", methods=["GET", "POST"])
@signed_in
def declaration(report_id: int):
    report = _load(report_id, for_editing=True)
    form = forms.DeclarationForm(
        data={
            "full_name": report.declaration_name or current_user.full_name,
            "role": report.declaration_role or "",
        }
    )
    if form.validate_on_submit():
        try:
            services.send(
                current_user,
                report,
                form.full_name.data,
                form.role.data,
                form.confirm.data,
                review_link=review_link,
            )
        except services.AlreadySent:
            transaction.rollback()
            return redirect(url_for(".sent", report_id=report.id))
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect(url_for(".sent", report_id=report.id))
    elif form.is_submitted():
        _add_problems(
            form,
            services.declaration_problems(
                name=form.full_name.data, role=form.role.data, confirmed=form.confirm.data
            ),
        )
    return _section("declaration", report, form, missing=sections.incomplete(report))


@bp.route("/<int:report_id>/sent")
@signed_in
def sent(report_id: int):
    report = _load(report_id)
    if report.sent_count == 0:
        return redirect(url_for(".task_list", report_id=report.id))
    return render_template(
        "monitoring/report/confirmation.html",
        report=report,
        for_group=is_group_member(current_user, report.award),
    )


@bp.route("/<int:report_id>/pdf/<int:version>", endpoint="pdf")
@signed_in
def pdf_download(report_id: int, version: int):
    report = _load(report_id)
    document = pdf.document_for(report, version) or abort(404)
    return pdf_response(pdf.read(document), pdf.download_name(report, document), private=True)
