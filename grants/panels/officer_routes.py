"""Programme officers' panel pages: a round's panel and its rules, its members and whom they
represent, moving applications to the panel, assigning them and following progress. Also the
page where a member says whom they represent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from grants.accounts.models import User
from grants.clock import LONDON, as_aware
from grants.errors import DomainError, NotFound, add_to_form, flash_refusal
from grants.extensions import db
from grants.funds.models import Round
from grants.numbers import whole_number
from grants.pagination import page_of, paginate
from grants.panels import assignment, composition, conflicts, fairness, services
from grants.panels.forms import (
    AddMemberForm,
    AssignForm,
    ConfirmForm,
    MemberSearchForm,
    PanelSettingsForm,
    ProfileForm,
    ReassignForm,
)
from grants.panels.models import Panel, PanelProfile
from grants.permissions import Permission, requires
from grants.reference.models import Neighbourhood

bp = Blueprint("panels", __name__, url_prefix="/panels")
OFFICER = Permission.MANAGE_PANELS
MEMBER_PAGE_SIZE = 50


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound("Round not found")
    return round_


def _panel(round_id: int) -> Panel:
    panel = services.panel_for(_round(round_id))
    if panel is None:
        raise NotFound("This round has no panel yet")
    return panel


def _to_panel(panel: Panel, anchor: str | None = None):
    return redirect(url_for(".show", round_id=panel.round_id, _anchor=anchor))


@bp.route("/rounds/<int:round_id>")
@requires(OFFICER)
def show(round_id: int):
    round_ = _round(round_id)
    panel = services.panel_for(round_)
    if panel is None:
        return render_template("panels/officer/no_panel.html", round=round_, form=ConfirmForm())
    members = composition.members_of(panel)
    progress = assignment.progress(panel)
    return render_template(
        "panels/officer/panel.html",
        round=round_,
        panel=panel,
        composition=composition.composition(panel, members),
        progress=progress.members,
        coverage=progress.coverage,
        remove_form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@requires(OFFICER)
def open_panel(round_id: int):
    form = ConfirmForm()
    round_ = _round(round_id)
    if form.validate_on_submit():
        services.open_panel(current_user, round_)
        flash("The panel is set up with the usual rules. Check them and add its members", "success")
    return redirect(url_for(".show", round_id=round_.id))


def _settings_form(panel: Panel) -> PanelSettingsForm:
    if request.method == "POST":
        return PanelSettingsForm()
    form = PanelSettingsForm(obj=panel)
    if panel.scoring_closes_at:
        local = as_aware(panel.scoring_closes_at).astimezone(LONDON)
        form.closes_on.data = local.date()
        form.closes_at_time.data = local.strftime("%H:%M")
    return form


@bp.route("/rounds/<int:round_id>/settings", methods=["GET", "POST"])
@requires(OFFICER)
def settings(round_id: int):
    panel = _panel(round_id)
    form = _settings_form(panel)
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, panel, form.settings())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Panel settings saved", "success")
            return _to_panel(panel)
    elif form.is_submitted():
        errors, _ = services.check_settings(form.settings())
        form.add_further_errors(errors)
    return render_template("panels/officer/settings.html", panel=panel, form=form)


@bp.route("/rounds/<int:round_id>/members/add", methods=["GET", "POST"])
@requires(OFFICER)
def add_member(round_id: int):
    panel = _panel(round_id)
    search_form = MemberSearchForm(request.args)
    search = search_form.search.data or "" if search_form.validate() else ""
    page = paginate(services.candidates_query(panel, search), size=MEMBER_PAGE_SIZE)
    form = AddMemberForm()
    form.member.choices = [
        ("", "Select a person"),
        *((str(user.id), f"{user.full_name} ({user.email})") for user in page.items),
    ]
    if form.validate_on_submit():
        user_id = whole_number(form.member.data or "", max_digits=12)
        try:
            seat = services.seat_member(current_user, panel, user_id or 0)
        except DomainError as error:
            add_to_form(form, error, "member")
        else:
            flash(f"{seat.user.full_name} is on the panel", "success")
            return _to_panel(panel, "members")
    return render_template(
        "panels/officer/add_member.html",
        panel=panel,
        form=form,
        search_form=search_form,
        page=page,
    )


@bp.route("/rounds/<int:round_id>/members/<int:seat_id>/remove", methods=["POST"])
@requires(OFFICER)
def remove_member(round_id: int, seat_id: int):
    panel = _panel(round_id)
    seat = services.seat_of(panel, seat_id)
    if ConfirmForm().validate_on_submit():
        name = seat.user.full_name
        try:
            services.unseat_member(current_user, panel, seat)
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(f"{name} is no longer on the panel", "success")
    return _to_panel(panel, "members")


def _profile_form(member: User) -> ProfileForm:
    profile = db.session.get(PanelProfile, member.id)
    form = ProfileForm(obj=None if request.method == "POST" else profile)
    if request.method == "GET" and profile:
        form.representation.data = profile.representation.value
        form.neighbourhood.data = str(profile.home_neighbourhood_id or "")
    form.neighbourhood.choices = [
        ("", "Not given"),
        *(
            (str(n.id), n.name)
            for n in db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name))
        ),
    ]
    return form


def _save_profile(member: User, form: ProfileForm) -> bool:
    if not form.validate_on_submit():
        return False
    raw = form.neighbourhood.data or ""
    try:
        services.save_profile(
            current_user,
            member,
            representation=form.representation.data,
            organisation=form.organisation.data,
            neighbourhood_id=whole_number(raw, max_digits=12) if raw else None,
        )
    except DomainError as error:
        add_to_form(form, error, "representation")
        return False
    return True


@bp.route("/rounds/<int:round_id>/members/<int:seat_id>/profile", methods=["GET", "POST"])
@requires(OFFICER)
def member_profile(round_id: int, seat_id: int):
    """An officer records whom a member represents, for someone without a computer."""
    panel = _panel(round_id)
    member = services.seat_of(panel, seat_id).user
    form = _profile_form(member)
    if _save_profile(member, form):
        flash(f"Saved what {member.full_name} represents", "success")
        return _to_panel(panel, "members")
    return render_template(
        "panels/officer/profile.html", form=form, member=member, panel=panel, own=False
    )


@bp.route("/profile", methods=["GET", "POST"])
@requires(Permission.SCORE_APPLICATIONS)
def own_profile():
    form = _profile_form(current_user)
    if _save_profile(current_user, form):
        flash("Saved. Thank you for telling us whom you represent", "success")
        return redirect(url_for("pages.your_home"))
    return render_template(
        "panels/officer/profile.html", form=form, member=current_user, panel=None, own=True
    )


# Scores and fairness ---------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/scores")
@requires(OFFICER)
def scores(round_id: int):
    panel = _panel(round_id)
    return render_template("panels/officer/scores.html", panel=panel, view=fairness.fairness(panel))


# Applications ----------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/applications")
@requires(OFFICER)
def applications(round_id: int, assign_form: AssignForm | None = None):
    panel = _panel(round_id)
    progress = assignment.progress(panel)
    return render_template(
        "panels/officer/applications.html",
        panel=panel,
        eligible=list(db.session.scalars(services.eligible_query(panel.round))),
        progress=progress,
        # Those short of scorers first: they are what the officer has to act on.
        page=page_of(sorted(progress.applications, key=lambda p: not p.below_minimum)),
        move_form=ConfirmForm(),
        assign_form=assign_form or AssignForm(formdata=None),
        own_group_ids=conflicts.officer_conflicted_ids(current_user, panel.round_id),
    )


def _to_applications(panel: Panel, anchor: str | None = None):
    return redirect(url_for(".applications", round_id=panel.round_id, _anchor=anchor))


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>/move", methods=["POST"])
@requires(OFFICER)
def move(round_id: int, application_id: int):
    panel = _panel(round_id)
    application = services.application_of(panel.round, application_id)
    conflicts.check_officer_may_act(current_user, application, "send to the panel")
    if ConfirmForm().validate_on_submit():
        try:
            services.move_to_panel(current_user, panel, application)
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(f"{application.reference} is with the panel", "success")
    return _to_applications(panel)


@bp.route("/rounds/<int:round_id>/applications/move", methods=["POST"])
@requires(OFFICER)
def move_all(round_id: int):
    panel = _panel(round_id)
    if ConfirmForm().validate_on_submit():
        moved = services.move_all_eligible(current_user, panel)
        noun = "application is" if moved == 1 else "applications are"
        flash(f"{moved} {noun} now with the panel", "success")
    return _to_applications(panel)


@bp.route("/rounds/<int:round_id>/assign", methods=["POST"])
@requires(OFFICER)
def assign(round_id: int):
    panel = _panel(round_id)
    form = AssignForm()
    if form.validate_on_submit():
        try:
            mode = assignment.AssignmentMode(form.mode.data)
        except ValueError:
            form.mode.errors.append("Select how applications should be shared out")
        else:
            result = assignment.assign(current_user, panel, mode)
            message = f"{result.assigned} new assignments"
            if result.conflicts_recorded:
                message += f"; {result.conflicts_recorded} conflicts recorded (members of the applying group)"
            flash(message, "success")
            if result.left_for_colleague:
                flash(
                    f"{result.left_for_colleague} applications of groups you belong to, or have"
                    " belonged to since they applied, were left for another programme officer"
                    " to assign"
                )
            if result.short:
                flash(
                    f"{len(result.short)} applications still have fewer than "
                    f"{panel.min_scorers} scorers: add members or reassign"
                )
            return _to_applications(panel, "progress")
    return applications(round_id, assign_form=form)


@bp.route(
    "/rounds/<int:round_id>/applications/<int:application_id>/reassign", methods=["GET", "POST"]
)
@requires(OFFICER)
def reassign(round_id: int, application_id: int):
    panel = _panel(round_id)
    conflicts.check_officer_may_act(
        current_user, services.application_of(panel.round, application_id), "assign"
    )
    row = next(
        (p for p in assignment.progress(panel).applications if p.application.id == application_id),
        None,
    )
    if row is None:
        raise NotFound("That application is not with this panel")
    form = ReassignForm()
    choices = assignment.reassign_choices(panel, application_id)
    form.member.choices = [
        ("", "Select a member"),
        *((str(user.id), user.full_name) for user in choices),
    ]
    if form.validate_on_submit():
        member_id = whole_number(form.member.data or "", max_digits=12) or 0
        try:
            assigned = assignment.reassign(current_user, panel, application_id, member_id)
        except DomainError as error:
            add_to_form(form, error, "member")
        else:
            flash(
                f"{assigned.user.full_name} is asked to score {row.application.reference}",
                "success",
            )
            return _to_applications(panel, "progress")
    return render_template(
        "panels/officer/reassign.html", panel=panel, row=row, form=form, choices=choices
    )
