"""Task-list sections about the project itself: the group, the project, where it happens, the
principles it serves, who benefits and its planned outcomes. Each saves on its own."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import undefer

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
from grants.applications.files import PendingFile
from grants.applications.forms import (
    OWN_OUTCOME,
    BeneficiariesForm,
    ConfirmForm,
    PrinciplesForm,
    ProjectForm,
    WhereForm,
    build_outcome_form,
    parse_ids,
)
from grants.applications.models import DocumentKind
from grants.errors import DomainError, add_to_form, flash_refusal
from grants.extensions import db
from grants.funds import indicators
from grants.permissions import signed_in
from grants.reference import services as reference
from grants.reference.maps import MapArea, render_svg
from grants.reference.models import Neighbourhood


@bp.route("/<int:application_id>/group", methods=["GET", "POST"])
@signed_in
def group(application_id: int):
    application = load(application_id, for_editing=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        answers.confirm_group(current_user, application)
        return saved_and_back(application)
    return render_section("group", application, form)


@bp.route("/<int:application_id>/project", methods=["GET", "POST"])
@signed_in
def project(application_id: int):
    application = load(application_id, for_editing=True)
    form = ProjectForm(obj=application)
    recording = PendingFile(
        request.files.get("description_recording"),
        DocumentKind.RECORDING,
        "description_recording",
        "description",
    )
    if not form.validate_on_submit():
        if form.is_submitted():
            report_together(
                form,
                answers.project_problems(
                    application,
                    summary=form.summary.data,
                    description=form.description.data,
                    recording=recording,
                ),
            )
    else:
        try:
            answers.save_project(
                current_user,
                application,
                title=form.title.data,
                summary=form.summary.data,
                description=form.description.data,
                recording=recording,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return saved_and_back(application)
    return render_section("project", application, form)


@bp.route("/<int:application_id>/where", methods=["GET", "POST"])
@signed_in
def where(application_id: int):
    application = load(application_id, for_editing=True)
    options = [n for n in reference.active_neighbourhoods() if application.round.covers(n.id)]
    form = WhereForm(data={"neighbourhoods": [str(n.id) for n in application.neighbourhoods]})
    form.neighbourhoods.choices = [(str(n.id), n.name) for n in options]
    if form.validate_on_submit():
        try:
            answers.save_neighbourhoods(
                current_user, application, parse_ids(form.neighbourhoods.data)
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return saved_and_back(application)
    chosen = {n.id for n in application.neighbourhoods}
    boundaries = (
        db.session.query(Neighbourhood)
        .options(undefer(Neighbourhood.boundary))
        .filter(Neighbourhood.id.in_([n.id for n in options]))
    )
    area_map = render_svg(
        [MapArea(n.code, n.name, n.boundary or {}, n.id in chosen) for n in boundaries],
        title="Map of the neighbourhoods you can choose; your chosen ones are shaded",
    )
    return render_section("where", application, form, area_map=area_map)


@bp.route("/<int:application_id>/principles", methods=["GET", "POST"])
@signed_in
def principles(application_id: int):
    application = load(application_id, for_editing=True)
    active = reference.principles(include_inactive=False)
    form = PrinciplesForm(
        data={
            "main_principle": str(application.main_principle_id or ""),
            "other_principles": [str(p.id) for p in application.other_principles],
        }
    )
    choices = [(str(p.id), p.name) for p in active]
    form.main_principle.choices, form.other_principles.choices = choices, choices
    if form.validate_on_submit():
        main = parse_ids([form.main_principle.data])
        try:
            answers.save_principles(
                current_user,
                application,
                main_id=main[0] if main else None,
                other_ids=parse_ids(form.other_principles.data),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return saved_and_back(application)
    return render_section("principles", application, form, principles=active)


@bp.route("/<int:application_id>/beneficiaries", methods=["GET", "POST"])
@signed_in
def beneficiaries(application_id: int):
    application = load(application_id, for_editing=True)
    form = BeneficiariesForm(
        data={
            "people_reached": application.people_reached,
            "groups": application.beneficiary_groups,
        }
    )
    if not form.validate_on_submit():
        if form.is_submitted():
            report_together(
                form,
                answers.beneficiaries_problems(
                    people_reached=form.people_reached.data, groups=form.groups.data or []
                ),
            )
    else:
        try:
            answers.save_beneficiaries(
                current_user,
                application,
                people_reached=form.people_reached.data,
                groups=form.groups.data or [],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return saved_and_back(application)
    return render_section("beneficiaries", application, form)


@bp.route("/<int:application_id>/outcomes", methods=["GET", "POST"])
@signed_in
def outcomes(application_id: int):
    application = load(application_id, for_editing=True)
    offered = indicators.active_indicators(application.round.fund_id)
    form = build_outcome_form(offered, reference.principles(include_inactive=False))
    typed = ["measure", *form.OWN_FIELDS, *form.target_fields()]
    if form.save_and_return.data and nothing_typed(form, *typed):
        return redirect(back_to_application(application))
    choice = form.choice()
    if not form.validate_on_submit():
        if form.is_submitted() and choice is not None:
            problems = answers.outcome_problems(application, **choice)
            report_together(form, {form.ERROR_FIELDS.get(k, k): m for k, m in problems.items()})
    else:
        try:
            answers.add_outcome(current_user, application, **choice)
        except DomainError as error:
            add_to_form(form, error, "measure")
        else:
            if form.save_and_return.data:
                return saved_and_back(application, "Outcome added")
            flash("Outcome added", "success")
            return redirect(url_for(".outcomes", application_id=application.id, **return_args()))
    return render_section(
        "outcomes", application, form, offered=offered, chosen=_chosen(form, offered)
    )


def _chosen(form, offered) -> object | None:
    """What the group chose to count: an indicator, OWN_OUTCOME, or None (ask first).

    The page asks in two steps, so nothing is hidden or revealed by script: first what they will
    count (a plain GET form), then the target for that one, or their own words."""
    if not offered:
        return OWN_OUTCOME
    measure = (request.form.get("measure") if form.is_submitted() else None) or request.args.get(
        "measure"
    )
    if measure == OWN_OUTCOME:
        return OWN_OUTCOME
    chosen = next((i for i in offered if str(i.id) == (measure or "").strip()), None)
    if chosen is None and measure is not None and not form.measure.errors:
        form.measure.errors = ["Select what you will count from the list"]
    return chosen


@bp.route("/<int:application_id>/outcomes/<int:outcome_id>/remove", methods=["POST"])
@signed_in
def remove_outcome(application_id: int, outcome_id: int):
    application = load(application_id, for_editing=True)
    if ConfirmForm().validate_on_submit():
        try:
            answers.remove_outcome(current_user, application, outcome_id)
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for(".outcomes", application_id=application.id, **return_args()))
