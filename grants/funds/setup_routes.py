"""Programme officers' pages for a round's scoring criteria and questions.

Reordering and removing are small POST forms, so every action works without JavaScript. A change
a lock forbids is refused by the service and its reason shown on the page.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.errors import DomainError, add_to_form, flash_refusal
from grants.forms import BaseForm
from grants.funds import criteria, locks, questions
from grants.funds.routes import load_round
from grants.funds.setup_forms import (
    KIND_LABELS,
    MoveForm,
    build_criterion_form,
    build_question_form,
)
from grants.permissions import Permission, requires
from grants.reference.services import principles

bp = Blueprint("round_setup", __name__, url_prefix="/funds/rounds/<int:round_id>")


def _found(lookup, round_, item_id):
    """The criterion or question of this round, or NotFound (the app's handler answers 404)."""
    return lookup(round_, item_id)


def _refused(error: DomainError, fallback: str):
    flash_refusal(error, "error")
    return redirect(fallback)


@bp.route("/criteria")
@requires(Permission.MANAGE_FUNDS)
def criteria_list(round_id: int):
    round_ = load_round(round_id)
    return render_template(
        "funds/criteria.html", round=round_, locked=locks.criteria_lock_reason(round_), form=None
    )


@bp.route("/criteria/new", methods=["GET", "POST"])
@bp.route("/criteria/<int:criterion_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def criterion(round_id: int, criterion_id: int | None = None):
    round_ = load_round(round_id)
    item = _found(criteria.get_criterion, round_, criterion_id) if criterion_id else None
    form = build_criterion_form(item, principles(include_inactive=item is not None))
    if form.validate_on_submit():
        try:
            saved = criteria.save_criterion(current_user, round_, item, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{saved.name} has been saved", "success")
            return redirect(url_for(".criteria_list", round_id=round_.id))
    elif form.is_submitted():
        form.add_further_errors(criteria.criterion_errors(form.details()))
    return render_template(
        "funds/criterion_form.html",
        form=form,
        round=round_,
        criterion=item,
        locked=locks.criteria_lock_reason(round_),
    )


@bp.route("/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def remove_criterion(round_id: int, criterion_id: int):
    round_ = load_round(round_id)
    item = _found(criteria.get_criterion, round_, criterion_id)
    form = BaseForm()
    listing = url_for(".criteria_list", round_id=round_.id)
    if form.validate_on_submit():
        try:
            criteria.remove_criterion(current_user, round_, item)
        except DomainError as error:
            return _refused(error, listing)
        flash(f"{item.name} has been removed", "success")
        return redirect(listing)
    return render_template(
        "funds/remove.html",
        form=form,
        round=round_,
        what=item.name,
        back=listing,
        locked=locks.criteria_lock_reason(round_),
    )


@bp.route("/criteria/<int:criterion_id>/move", methods=["POST"])
@requires(Permission.MANAGE_FUNDS)
def move_criterion(round_id: int, criterion_id: int):
    round_ = load_round(round_id)
    item = _found(criteria.get_criterion, round_, criterion_id)
    form = MoveForm()
    listing = url_for(".criteria_list", round_id=round_.id)
    if form.validate_on_submit():
        try:
            criteria.move_criterion(current_user, round_, item, form.direction.data)
        except DomainError as error:
            return _refused(error, listing)
    return redirect(listing)


@bp.route("/questions")
@requires(Permission.MANAGE_FUNDS)
def questions_list(round_id: int):
    round_ = load_round(round_id)
    return render_template(
        "funds/questions.html",
        round=round_,
        locked=locks.questions_lock_reason(round_),
        kind_labels=KIND_LABELS,
        form=None,
    )


@bp.route("/questions/new", methods=["GET", "POST"])
@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def question(round_id: int, question_id: int | None = None):
    round_ = load_round(round_id)
    item = _found(questions.get_question, round_, question_id) if question_id else None
    form = build_question_form(item)
    if form.validate_on_submit():
        try:
            saved = questions.save_question(current_user, round_, item, form.details())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"“{saved.label}” has been saved", "success")
            return redirect(url_for(".questions_list", round_id=round_.id))
    elif form.is_submitted():
        form.add_further_errors(questions.question_errors(round_, item, form.details()))
    return render_template(
        "funds/question_form.html",
        form=form,
        round=round_,
        question=item,
        locked=locks.questions_lock_reason(round_),
    )


@bp.route("/questions/<int:question_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def remove_question(round_id: int, question_id: int):
    round_ = load_round(round_id)
    item = _found(questions.get_question, round_, question_id)
    form = BaseForm()
    listing = url_for(".questions_list", round_id=round_.id)
    if form.validate_on_submit():
        try:
            questions.remove_question(current_user, round_, item)
        except DomainError as error:
            return _refused(error, listing)
        flash(f"“{item.label}” has been removed", "success")
        return redirect(listing)
    return render_template(
        "funds/remove.html",
        form=form,
        round=round_,
        what=f"“{item.label}”",
        back=listing,
        locked=questions.removal_lock_reason(round_),
    )


@bp.route("/questions/<int:question_id>/move", methods=["POST"])
@requires(Permission.MANAGE_FUNDS)
def move_question(round_id: int, question_id: int):
    round_ = load_round(round_id)
    item = _found(questions.get_question, round_, question_id)
    form = MoveForm()
    if form.validate_on_submit():
        questions.move_question(current_user, round_, item, form.direction.data)
    return redirect(url_for(".questions_list", round_id=round_.id))
