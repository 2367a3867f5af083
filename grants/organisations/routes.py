"""Community group pages: list, create, view, edit, invite and remove members, accept an
invitation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants import transaction
from grants.accounts import confirmation
from grants.accounts import services as accounts
from grants.accounts.forms import AcceptInvitationForm
from grants.accounts.sessions import start_session
from grants.errors import DomainError, NotAllowed, NotFound, add_to_form, flash_refusal
from grants.forms import BaseForm
from grants.organisations import group_page, handover, offline, removals, services
from grants.organisations.forms import GroupForm, InviteMemberForm, OfflineGroupForm
from grants.organisations.models import Organisation
from grants.pagination import paginate
from grants.permissions import Permission, public, requires, signed_in
from grants.urls import local_path

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
    "contact_phone",
)


def _details(form: GroupForm) -> services.GroupDetails:
    return services.GroupDetails(
        **{field: getattr(form, field).data or "" for field in DETAIL_FIELDS}
    )


def _contact(form: OfflineGroupForm) -> offline.OfflineContact:
    return offline.OfflineContact(
        name=form.contact_name.data or "",
        phone=form.contact_phone.data,
        email=form.contact_email.data,
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
    """Add a group, then go back to where the person was (``next``: starting an application)."""
    form = GroupForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_group(current_user, _details(form))
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{organisation.name} has been created", "success")
            return redirect(
                local_path(request.args.get("next"))
                or url_for(".show", organisation_id=organisation.id)
            )
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>")
@signed_in
def show(organisation_id: int):
    organisation = _load(organisation_id)
    is_member = services.is_member(current_user, organisation.id)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        memberships=services.memberships_of(organisation),
        is_member=is_member,
        can_change=is_member or services.looks_after(current_user, organisation),
        can_invite=services.can_invite(current_user, organisation),
        removal_requests=removals.pending_for(organisation),
        may_decide_removals=removals.may_decide(current_user, organisation),
        sections=group_page.sections_for(current_user, organisation),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires(Permission.APPLY)
def edit(organisation_id: int):
    """Members change their group; an officer changes a group they look after (and its contact)."""
    organisation = _load(organisation_id)
    looked_after = services.looks_after(current_user, organisation)
    if not looked_after:
        organisation = _load(organisation_id, manage=True)
    form = (OfflineGroupForm if looked_after else GroupForm)(obj=organisation)
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        try:
            if looked_after:
                offline.update_offline_group(
                    current_user, organisation, _details(form), _contact(form)
                )
            else:
                services.update_group(current_user, organisation, _details(form))
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your changes have been saved", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template(
        "organisations/form.html", form=form, organisation=organisation, offline=looked_after
    )


@bp.route("/<int:organisation_id>/invite", methods=["GET", "POST"])
@signed_in
def invite(organisation_id: int):
    """Members invite each other; an officer proposes to hand a group they added for someone
    without an account to its first member, which another officer approves (``handover``)."""
    organisation = _load(organisation_id)
    services.check_can_invite(current_user, organisation)
    handing_over = services.looks_after(current_user, organisation)
    form = InviteMemberForm()
    if form.validate_on_submit():
        try:
            if handing_over:
                handover.propose(
                    current_user,
                    organisation,
                    form.email.data,
                    approve_link=url_for(".handovers", _external=True),
                )
            else:
                services.invite_member(
                    current_user,
                    organisation,
                    form.email.data,
                    link_for=lambda token: url_for(".accept", token=token, _external=True),
                )
        except DomainError as error:
            add_to_form(form, error)
        else:
            if handing_over:
                flash(
                    "Another programme officer must approve this handover. We will send the"
                    f" invitation to {form.email.data} once they have",
                    "success",
                )
            else:
                flash(f"We have sent an invitation to {form.email.data}", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template(
        "organisations/invite.html",
        form=form,
        organisation=organisation,
        handing_over=handing_over,
    )


@bp.route("/new-for-someone", methods=["GET", "POST"])
@requires(Permission.SCREEN_APPLICATIONS)
def create_offline():
    """A programme officer adds a group that applies by phone, on paper or in person."""
    form = OfflineGroupForm()
    if form.validate_on_submit():
        try:
            organisation = offline.create_offline_group(
                current_user, _details(form), _contact(form)
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{organisation.name} has been added", "success")
            return redirect(url_for("screening.start_assisted", organisation=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None, offline=True)


@bp.route("/<int:organisation_id>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@requires(Permission.APPLY)
def remove_member(organisation_id: int, membership_id: int):
    """Ask first, then remove a member (or leave, when it is the person's own membership). A
    removal that needs the main contact's agreement is asked for instead (``removals``)."""
    organisation = _load(organisation_id)
    membership = services.get_membership(current_user, organisation, membership_id)
    leaving = membership.user_id == current_user.id
    needs_agreement = services.needs_agreement(current_user, organisation, membership)
    form = BaseForm()
    if form.validate_on_submit():
        try:
            if needs_agreement:
                link = url_for(".show", organisation_id=organisation.id, _external=True)
                removals.request_removal(current_user, organisation, membership.id, link)
            else:
                services.remove_member(current_user, organisation, membership.id)
        except DomainError as error:  # the last member, or a removal a moment before
            flash_refusal(error)
            return redirect(url_for(".show", organisation_id=organisation.id))
        if needs_agreement:
            flash(f"We have asked {organisation.contact_display_name} to agree", "success")
        elif leaving:
            flash(f"You have left {organisation.name}", "success")
            return redirect(url_for(".index"))
        else:
            flash(f"{membership.user.full_name} has been removed from the group", "success")
        return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template(
        "organisations/remove_member.html",
        form=form,
        organisation=organisation,
        membership=membership,
        leaving=leaving,
        needs_agreement=needs_agreement,
    )


@bp.route(
    "/<int:organisation_id>/removals/<int:request_id>/<any(agree, refuse):answer>",
    methods=["POST"],
)
@requires(Permission.APPLY)
def decide_removal(organisation_id: int, request_id: int, answer: str):
    """The main contact (or an officer outside the group) agrees to a removal or refuses it;
    the member who asked may withdraw it."""
    organisation = _load(organisation_id)
    if not BaseForm().validate_on_submit():
        return redirect(url_for(".show", organisation_id=organisation.id))
    try:
        if answer == "agree":
            membership = removals.agree(current_user, organisation, request_id)
            flash(f"{membership.user.full_name} has been removed from the group", "success")
        else:
            removals.refuse(current_user, organisation, request_id)
            flash("The request has been closed: nobody was removed", "success")
    except (NotAllowed, NotFound):
        raise
    except DomainError as error:
        flash_refusal(error)
    return redirect(url_for(".show", organisation_id=organisation.id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    """Public, so someone without an account is offered to create one here and join at once."""
    invitation = services.open_group_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html", what="invitation"), 410
    if not current_user.is_authenticated:
        return render_template("organisations/accept.html", invitation=invitation, token=token)
    form = BaseForm()
    error = None
    if form.validate_on_submit():
        try:
            organisation = services.accept_group_invitation(current_user, token)
            # The invitation went to their address, so following it proves the address.
            confirmation.mark_email_proven(current_user._get_current_object())
        except DomainError as problem:
            transaction.rollback()
            error = problem.message
        else:
            flash(f"You are now a member of {organisation.name}", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template(
        "organisations/accept.html", form=form, invitation=invitation, error=error
    )


@bp.route("/invitations/<token>/register", methods=["GET", "POST"])
@public
def register_to_join(token: str):
    """Someone new creates their account from the invitation and is a member at once: the
    emailed link proved their address, so there is no second link to follow."""
    invitation = services.open_group_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html", what="invitation"), 410
    if current_user.is_authenticated or accounts.find_by_email(invitation.email):
        return redirect(url_for("accounts.sign_in", next=url_for(".accept", token=token)))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            person = accounts.register_invited(
                email=invitation.email, full_name=form.full_name.data, password=form.password.data
            )
            organisation = services.accept_group_invitation(person, token)
        except DomainError as error:
            add_to_form(form, error, default_field="full_name")
        else:
            start_session(person)
            flash(
                f"Your account has been created. You are a member of {organisation.name}", "success"
            )
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/register.html", form=form, invitation=invitation)


# The officers' handover and letter pages add their views to ``bp``.
from grants.organisations import handover_routes  # noqa: E402, F401
