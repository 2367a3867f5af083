"""Community group pages: list, create, view, edit, invite members, accept an invitation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from grants import transaction
from grants.errors import DomainError, add_to_form
from grants.forms import BaseForm
from grants.organisations import services
from grants.organisations.forms import GroupForm, InviteMemberForm, OfflineGroupForm
from grants.organisations.models import Organisation
from grants.pagination import paginate
from grants.permissions import Permission, requires, signed_in

bp = Blueprint("organisations", __name__, url_prefix="/groups")

DETAIL_FIELDS = (
    "name",
    "org_type",
    "charity_number",
    "company_number",
    "society_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "income_band",
)


def _details(form: GroupForm) -> services.GroupDetails:
    return services.GroupDetails(
        **{field: getattr(form, field).data or "" for field in DETAIL_FIELDS}
    )


def _load(organisation_id: int, *, manage: bool = False) -> Organisation:
    """The group, or NotFound / NotAllowed (the app's handlers answer 404 / 403)."""
    if manage:
        return services.get_for_member(current_user, organisation_id)
    return services.get_for(current_user, organisation_id)


@bp.route("/")
@signed_in
def index():
    page = paginate(services.visible_groups_query(current_user))
    return render_template("organisations/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.APPLY)
def create():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_group(current_user, _details(form))
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{organisation.name} has been created", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>")
@signed_in
def show(organisation_id: int):
    organisation = _load(organisation_id)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        members=services.members_of(organisation),
        is_member=services.is_member(current_user, organisation.id),
        can_invite=services.can_invite(current_user, organisation),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires(Permission.APPLY)
def edit(organisation_id: int):
    organisation = _load(organisation_id, manage=True)
    form = GroupForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_group(current_user, organisation, _details(form))
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your changes have been saved", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)


@bp.route("/<int:organisation_id>/invite", methods=["GET", "POST"])
@signed_in
def invite(organisation_id: int):
    """Members invite each other; officers invite the contact of a group they added for them."""
    organisation = _load(organisation_id)
    if not services.can_invite(current_user, organisation):
        abort(403)
    form = InviteMemberForm()
    if form.validate_on_submit():
        try:
            services.invite_member(
                current_user,
                organisation,
                form.email.data,
                link_for=lambda token: url_for(".accept", token=token, _external=True),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"We have sent an invitation to {form.email.data}", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/invite.html", form=form, organisation=organisation)


@bp.route("/new-for-someone", methods=["GET", "POST"])
@requires(Permission.SCREEN_APPLICATIONS)
def create_offline():
    """A programme officer adds a group that applies by phone, on paper or in person."""
    form = OfflineGroupForm()
    if form.validate_on_submit():
        contact = services.OfflineContact(
            name=form.contact_name.data or "",
            phone=form.contact_phone.data,
            email=form.contact_email.data,
        )
        try:
            organisation = services.create_offline_group(current_user, _details(form), contact)
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{organisation.name} has been added", "success")
            return redirect(url_for("screening.start_assisted", organisation=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None, offline=True)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@signed_in
def accept(token: str):
    invitation = services.open_group_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html", what="invitation"), 410
    form = BaseForm()
    error = None
    if form.validate_on_submit():
        try:
            organisation = services.accept_group_invitation(current_user, token)
        except DomainError as problem:
            transaction.rollback()
            error = problem.message
        else:
            flash(f"You are now a member of {organisation.name}", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template(
        "organisations/accept.html", form=form, invitation=invitation, error=error
    )
