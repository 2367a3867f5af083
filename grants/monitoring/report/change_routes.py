"""Section 5 of the report: what got in the way, and the changes the group asks finance for."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.errors import DomainError, NotFound, add_to_form, flash_refusal
from grants.formatting import long_date
from grants.money import format_pence
from grants.monitoring import changes
from grants.monitoring.report.blueprint import bp
from grants.monitoring.report.change_forms import CHANGE_FORMS, ChallengesForm
from grants.monitoring.report.story_forms import ConfirmForm
from grants.monitoring.report.story_routes import load_for_editing, to_task_list
from grants.monitoring.states import ChangeKind
from grants.permissions import signed_in


@bp.route("/<int:report_id>/changes", methods=["GET", "POST"], endpoint="changes")
@signed_in
def changes_section(report_id: int):
    report = load_for_editing(report_id)
    if not report.can_edit:
        return to_task_list(report)
    form = ChallengesForm(data={"challenges": report.challenges})
    if form.validate_on_submit():
        try:
            changes.save_challenges(current_user, report, form.challenges.data)
        except DomainError as error:
            add_to_form(form, error, "challenges")
        else:
            flash("Challenges and changes saved", "success")
            return to_task_list(report)
    return render_template(
        "monitoring/report/changes.html",
        report=report,
        form=form,
        kinds=list(ChangeKind),
        confirm_form=ConfirmForm(),
        max_requests=changes.MAX_REQUESTS,
    )


def _form_for(report, kind: ChangeKind):
    form = CHANGE_FORMS[kind]()
    if kind == ChangeKind.MOVE_SPEND:
        choices = [("", "Choose a budget line")] + [
            (str(line.id), f"{line.item} ({format_pence(line.amount_pence)})")
            for line in changes.budget_lines(report)
        ]
        form.from_line_id.choices = choices
        form.to_line_id.choices = choices
    return form


@bp.route("/<int:report_id>/changes/new/<kind>", methods=["GET", "POST"])
@signed_in
def ask_for_change(report_id: int, kind: str):
    if kind not in {k.value for k in ChangeKind}:
        raise NotFound("No such kind of change")
    report, kind = load_for_editing(report_id), ChangeKind(kind)
    if not report.can_edit:
        return to_task_list(report)
    form = _form_for(report, kind)
    if form.validate_on_submit():
        try:
            changes.add_request(current_user, report, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your request has been added. It goes to us when you send your report", "success")
            return redirect(url_for("reports.changes", report_id=report.id))
    elif form.is_submitted():
        form.add_further_errors(changes.change_problems(report, form.details()))
    return render_template(
        "monitoring/report/changes_ask.html",
        report=report,
        form=form,
        kind=kind,
        ends_on=long_date(report.award.end_date),
    )


@bp.route("/<int:report_id>/changes/<int:change_id>/remove", methods=["POST"])
@signed_in
def remove_change(report_id: int, change_id: int):
    report = load_for_editing(report_id)
    if ConfirmForm().validate_on_submit():
        try:
            changes.remove_request(current_user, report, change_id)
        except NotFound:
            raise
        except DomainError as error:
            flash_refusal(error)
        else:
            flash("Your request has been removed", "success")
    return redirect(url_for("reports.changes", report_id=report.id))
