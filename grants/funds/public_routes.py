"""Public pages: a round's page and its eligibility checker, one question per page.

The checker is open to anyone, signed in or not. It runs while a round is open or upcoming;
once a round closes, its pages send people back to the round page, which says it has closed.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from grants.funds import checker, display, services
from grants.funds.checker_forms import checker_form
from grants.funds.eligibility import (
    income_band_straddles_limit,
    other_rounds_that_fit,
    reasons_answers_are_ineligible,
)
from grants.funds.models import Round, RoundStatus
from grants.permissions import Permission, public

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

STEP_CONVERTER = "any(" + ", ".join(f"'{step}'" for step in checker.STEPS) + ")"


def _round(slug: str) -> Round:
    return services.get_round_by_slug(slug)


def _step_url(round_: Round, step: str | None) -> str:
    if step is None:
        return url_for(".show", slug=round_.slug)
    if step == checker.RESULT:
        return url_for(".check_result", slug=round_.slug)
    return url_for(".check", slug=round_.slug, step=step)


@bp.route("/<slug>")
@public
def show(slug: str):
    round_ = _round(slug)
    return render_template(
        "rounds/show.html",
        round=round_,
        status=round_.status(),
        display=display,
        can_preview=current_user.can(Permission.MANAGE_FUNDS),
    )


@bp.route(f"/<slug>/check/<{STEP_CONVERTER}:step>", methods=["GET", "POST"])
@public
def check(slug: str, step: str):
    round_ = _round(slug)
    if round_.status() == RoundStatus.CLOSED:
        return redirect(url_for(".show", slug=round_.slug))
    form = checker_form(step, checker.saved_answers(round_.slug).get(step))
    if form.validate_on_submit():
        checker.remember(round_.slug, step, form.answer.data)
        answers = checker.resolve(checker.saved_answers(round_.slug))
        return redirect(_step_url(round_, checker.where_next(round_, answers)))
    answers = checker.resolve(checker.saved_answers(round_.slug))
    back = _step_url(round_, checker.step_before(round_, step, answers))
    return render_template(
        "rounds/check_question.html", form=form, round=round_, step=step, back=back
    )


@bp.route("/<slug>/check/result")
@public
def check_result(slug: str):
    round_ = _round(slug)
    if round_.status() == RoundStatus.CLOSED:
        return redirect(url_for(".show", slug=round_.slug))
    answers = checker.resolve(checker.saved_answers(round_.slug))
    next_step = checker.where_next(round_, answers)
    if next_step != checker.RESULT:
        return redirect(_step_url(round_, next_step))
    reasons = reasons_answers_are_ineligible(round_, answers)
    return render_template(
        "rounds/check_result.html",
        round=round_,
        status=round_.status(),
        reasons=reasons,
        answers=answers,
        other_rounds=other_rounds_that_fit(round_, answers, services.open_rounds()),
        income_may_fit=bool(
            answers.income_band and income_band_straddles_limit(round_, answers.income_band)
        ),
        back=_step_url(round_, checker.step_before(round_, checker.RESULT, answers)),
        can_start=round_.status() == RoundStatus.OPEN,
        service_email=current_app.config["SERVICE_EMAIL"],
        grant_range=display.grant_range,
    )
