"""Task-list sections about money and time: the budget, line by line, and the project timeline."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from grants.applications import answers
from grants.applications.blueprint import (
    back_to_application,
    bp,
    load,
    nothing_typed,
    render_section,
    report_together,
    return_args,
    saved_and_back,
)
from grants.applications.forms import BudgetLineForm, ConfirmForm, TimelineForm
from grants.applications.models import BUDGET_CATEGORIES
from grants.applications.sections import budget_total
from grants.errors import DomainError, add_to_form, flash_refusal
from grants.permissions import signed_in


@bp.route("/<int:application_id>/budget", methods=["GET", "POST"])
@signed_in
def budget(application_id: int):
    application = load(application_id, for_editing=True)
    form = BudgetLineForm()
    returning = form.save_and_return.data
    if returning and nothing_typed(form, "item", "category", "amount"):
        return redirect(back_to_application(application))
    if not form.validate_on_submit():
        if form.is_submitted():
            problems = answers.budget_line_problems(
                application, category=form.category.data, amount=form.amount.data
            )
            report_together(form, problems)
    else:
        try:
            answers.add_budget_line(
                current_user,
                application,
                item=form.item.data,
                category=form.category.data,
                amount=form.amount.data,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            if returning:
                return saved_and_back(application, "Added to your budget")
            flash("Added to your budget", "success")
            return redirect(url_for(".budget", application_id=application.id, **return_args()))
    return render_section(
        "budget", application, form, total=budget_total(application), categories=BUDGET_CATEGORIES
    )


@bp.route("/<int:application_id>/budget/<int:line_id>/remove", methods=["POST"])
@signed_in
def remove_budget_line(application_id: int, line_id: int):
    application = load(application_id, for_editing=True)
    if ConfirmForm().validate_on_submit():
        try:
            answers.remove_budget_line(current_user, application, line_id)
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for(".budget", application_id=application.id, **return_args()))


@bp.route("/<int:application_id>/timeline", methods=["GET", "POST"])
@signed_in
def timeline(application_id: int):
    application = load(application_id, for_editing=True)
    form = TimelineForm(obj=application)
    if not form.validate_on_submit():
        if form.is_submitted():
            problems = answers.timeline_problems(
                application, start=form.start_date.data, end=form.end_date.data
            )
            report_together(form, problems)
    else:
        try:
            answers.save_timeline(
                current_user, application, start=form.start_date.data, end=form.end_date.data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return saved_and_back(application)
    return render_section("timeline", application, form)
