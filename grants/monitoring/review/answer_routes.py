"""Finance's answers to the changes groups ask for in their reports: the open requests, and one
request with its answer form."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.awards import access as award_access
from grants.awards.pages import award_link
from grants.errors import DomainError, NotAllowed, add_to_form
from grants.monitoring import changes
from grants.monitoring.review.answer_forms import AnswerForm
from grants.monitoring.review.blueprint import bp
from grants.pagination import paginate
from grants.permissions import Permission, requires

FINANCE = Permission.MANAGE_PAYMENTS


@bp.route("/changes")
@requires(FINANCE)
def changes_list():
    page = paginate(changes.open_requests())
    return render_template("monitoring/answers/index.html", page=page)


@bp.route("/changes/<int:change_id>", methods=["GET", "POST"])
@requires(FINANCE)
def answer_change(change_id: int):
    change = changes.get_sent_change(current_user, change_id)
    award = change.report.award
    form = AnswerForm().for_kind(change.kind)
    if not form.is_submitted():
        form.reason.data = changes.prefilled_proposal_reason(change)
    own_group = award_access.is_group_member(current_user, award)
    if change.answer is not None and form.is_submitted():
        flash("This request has already been answered: nothing more was changed", "information")
        return redirect(url_for("monitoring.answer_change", change_id=change.id))
    if form.validate_on_submit():
        try:
            changes.answer(current_user, change, form.answer(), link=award_link(award))
        except NotAllowed:
            raise
        except DomainError as error:
            add_to_form(form, error, "decision")
        else:
            flash("Your answer has been sent to the group", "success")
            return redirect(url_for("monitoring.answer_change", change_id=change.id))
    elif form.is_submitted():
        form.add_further_errors(changes.answer_problems(change, form.answer()))
    return render_template(
        "monitoring/answers/show.html",
        change=change,
        report=change.report,
        award=award,
        form=form,
        own_group=own_group,
    )
