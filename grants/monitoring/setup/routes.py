"""A round's report templates, beside the round's set-up pages.

Every change writes the template's next version, so the pages always show the current one and
say its number; reports already started keep the version they began on. Reordering and removing
are small POST forms, so everything works without JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from grants.errors import DomainError, add_to_form, flash_refusal
from grants.forms import BaseForm
from grants.funds.services import get_round
from grants.funds.setup_forms import KIND_LABELS
from grants.monitoring.access import check_id
from grants.monitoring.setup import templates
from grants.monitoring.setup.forms import ReportMoveForm, build_report_question_form
from grants.permissions import Permission, requires

bp = Blueprint("report_setup", __name__, url_prefix="/funds/rounds/<int:round_id>/reports")
KINDS = "<any(interim, final):kind>"


def _round(round_id: int):
    return get_round(check_id(round_id))


def _load(round_id: int, kind: str):
    round_ = _round(round_id)
    return round_, templates.get_template(round_, kind)


@bp.route("/")
@requires(Permission.MANAGE_FUNDS)
def index(round_id: int):
    round_ = _round(round_id)
    owed = templates.owed_in(round_)
    listed = [(o, templates.template_for(round_.id, o.kind)) for o in owed]
    return render_template(
        "monitoring/setup/index.html",
        round=round_,
        listed=listed,
        questions_of=templates.questions_of,
        kind_labels=KIND_LABELS,
    )


@bp.route(f"/{KINDS}/preview")
@requires(Permission.MANAGE_FUNDS)
def preview(round_id: int, kind: str):
    round_, template = _load(round_id, kind)
    return render_template(
        "monitoring/setup/preview.html",
        round=round_,
        template=template,
        questions=templates.questions_of(template.current),
    )


@bp.route(f"/{KINDS}/questions/new", methods=["GET", "POST"])
@bp.route(f"/{KINDS}/questions/<key>", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def question(round_id: int, kind: str, key: str | None = None):
    round_, template = _load(round_id, kind)
    existing = templates.get_question(template, key) if key else None
    form = build_report_question_form(existing)
    if form.validate_on_submit():
        try:
            if key:
                templates.edit_question(current_user, template, key, form.details())
            else:
                templates.add_question(current_user, template, form.details())
        except DomainError as error:
            add_to_form(form, error, "label")
        else:
            flash(f"“{form.label.data.strip()}” has been saved", "success")
            return redirect(url_for(".index", round_id=round_.id))
    elif form.is_submitted():
        form.add_further_errors(templates.question_errors(form.details()))
    return render_template(
        "monitoring/setup/question_form.html",
        form=form,
        round=round_,
        template=template,
        question=existing,
    )


@bp.route(f"/{KINDS}/questions/<key>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_FUNDS)
def remove_question(round_id: int, kind: str, key: str):
    round_, template = _load(round_id, kind)
    existing = templates.get_question(template, key)
    form = BaseForm()
    listing = url_for(".index", round_id=round_.id)
    if form.validate_on_submit():
        try:
            templates.remove_question(current_user, template, key)
        except DomainError as error:
            flash_refusal(error, "error")
            return redirect(listing)
        flash(f"“{existing['label']}” has been removed", "success")
        return redirect(listing)
    return render_template(
        "monitoring/setup/remove.html",
        form=form,
        round=round_,
        template=template,
        question=existing,
        back=listing,
    )


@bp.route(f"/{KINDS}/questions/<key>/move", methods=["POST"])
@requires(Permission.MANAGE_FUNDS)
def move_question(round_id: int, kind: str, key: str):
    round_, template = _load(round_id, kind)
    templates.get_question(template, key)
    form = ReportMoveForm()
    if form.validate_on_submit():
        try:
            templates.move_question(
                current_user, template, key, form.direction.data, seen=form.seen()
            )
        except DomainError as error:
            flash_refusal(error, "error")
    return redirect(url_for(".index", round_id=round_.id))
