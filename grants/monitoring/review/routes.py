"""The officers' monitoring pages: the queue and its CSV, a report's review (accept, or ask for
changes), a new due date for a report, and a report entered for a group."""

from __future__ import annotations

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from grants.awards.exports import as_csv
from grants.awards.pages import award_link
from grants.clock import uk_today
from grants.errors import DomainError, InvalidInput, add_to_form, flash_refusal
from grants.monitoring import access
from grants.monitoring.models import MonitoringReport
from grants.monitoring.review import queue as report_queue
from grants.monitoring.review import services, view
from grants.monitoring.review.blueprint import bp
from grants.monitoring.review.forms import (
    AcceptForm,
    DueDateForm,
    EnterForm,
    QueueFilterForm,
    RequestChangesForm,
)
from grants.permissions import Permission, requires

OFFICER = Permission.REVIEW_REPORTS


def group_link(report: MonitoringReport) -> str:
    """Where the group's emails lead: their report."""
    return url_for("reports.task_list", report_id=report.id, _external=True)


def links_for(report: MonitoringReport) -> services.Links:
    return services.Links(report=group_link(report), award=award_link(report.award))


@bp.route("/")
@requires(OFFICER)
def queue():
    filters = report_queue.QueueFilters.from_args(request.args)
    form = QueueFilterForm(request.args)
    for name, choices in report_queue.filter_choices().items():
        form[name].choices = [form[name].choices[0], *choices]
    counts = report_queue.bucket_counts(filters)
    return render_template(
        "monitoring/review/queue.html",
        filters=filters,
        filters_form=form,
        counts=counts,
        open_total=sum(counts[bucket] for bucket in report_queue.SHOWN),
        page=report_queue.page_of_rows(filters),
        tabs=report_queue.SHOWN,
        Bucket=report_queue.Bucket,
    )


@bp.route("/export.csv")
@requires(OFFICER)
def queue_csv():
    """The queue as filtered, streamed so a large fund never sits in memory."""
    filters = report_queue.QueueFilters.from_args(request.args)
    body = as_csv(report_queue.CSV_HEADINGS, report_queue.csv_rows(filters))
    response = Response(stream_with_context(body), mimetype="text/csv")
    name = f"monitoring-reports-{uk_today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report(report_id: int) -> MonitoringReport:
    """The report, for an officer free of its group (403 saying why otherwise)."""
    report = access.get_for_viewing(current_user, report_id)
    access.check_conflict_free(current_user, report.award)
    return report


def _reviewable(report_id: int) -> MonitoringReport:
    """The report, for an officer who may decide on it (403 saying why otherwise)."""
    report = _report(report_id)
    access.check_may_review(current_user, report)
    return report


def _review_page(report: MonitoringReport, *, changes_form=None, status: int = 200):
    return render_template(
        "monitoring/review/review.html",
        page=view.page_for(current_user, report),
        accept_form=AcceptForm(formdata=None),
        changes_form=changes_form or RequestChangesForm(formdata=None),
        form=changes_form,  # the one with errors, for the page's error summary
        finance=current_user.can(Permission.MANAGE_PAYMENTS),
    ), status


@bp.route("/reports/<int:report_id>")
@requires(OFFICER)
def review(report_id: int):
    return _review_page(_report(report_id))


@bp.route("/reports/<int:report_id>/accept", methods=["POST"])
@requires(OFFICER)
def accept(report_id: int):
    report = _reviewable(report_id)
    if AcceptForm().validate_on_submit():
        try:
            services.accept(current_user, report, links=links_for(report))
            flash("The report has been accepted. The group and finance have been told", "success")
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for(".review", report_id=report.id))


@bp.route("/reports/<int:report_id>/changes", methods=["POST"])
@requires(OFFICER)
def request_changes(report_id: int):
    report = _reviewable(report_id)
    form = RequestChangesForm()
    if form.validate_on_submit():
        try:
            services.request_changes(
                current_user, report, form.message.data, links=links_for(report)
            )
            flash("The report has gone back to the group with your message", "success")
            return redirect(url_for(".review", report_id=report.id))
        except InvalidInput as error:
            add_to_form(form, error, "message")
        except DomainError as error:
            flash_refusal(error)
            return redirect(url_for(".review", report_id=report.id))
    return _review_page(report, changes_form=form)


def _due(report_due_id: int):
    due = access.get_due_for_viewing(current_user, report_due_id)
    services.check_may_reschedule(current_user, due)
    return due


@bp.route("/due/<int:report_due_id>/due-date", methods=["GET", "POST"])
@requires(OFFICER)
def due_date(report_due_id: int):
    due = _due(report_due_id)
    form = DueDateForm()
    if form.validate_on_submit():
        try:
            services.new_due_date(
                current_user, due, form.due_on.data, form.reason.data, link=award_link(due.award)
            )
            flash("The report has a new due date. The group has been told", "success")
            return redirect(url_for(".queue"))
        except DomainError as error:
            add_to_form(form, error, "due_on")
    elif form.is_submitted():
        form.add_further_errors(services.due_date_errors(due, form.due_on.data, form.reason.data))
    waiting = services.waiting_instalments(due)
    return render_template("monitoring/review/due_date.html", due=due, form=form, waiting=waiting)


@bp.route("/due/<int:report_due_id>/enter", methods=["GET", "POST"])
@requires(OFFICER)
def enter(report_due_id: int):
    due = _due(report_due_id)
    form = EnterForm()
    if form.validate_on_submit():
        try:
            report = services.enter_for_group(current_user, due, form.channel.data)
            flash("The report has been started for the group", "success")
            return redirect(url_for("reports.task_list", report_id=report.id))
        except DomainError as error:
            add_to_form(form, error, "channel")
    return render_template(
        "monitoring/review/enter.html", due=due, form=form, report=services.report_for(due)
    )
