"""Admin pages: people and roles, staff invitations, roles waiting for a second admin, closing
accounts, undelivered email, the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants import audit
from grants import email as outbound
from grants.accounts import grant_decisions, role_grants, staff_invitations
from grants.accounts import services as accounts
from grants.accounts.forms import InviteForm, RolesForm
from grants.accounts.models import Invitation, User
from grants.admin import outbox
from grants.admin.audit_entries import entries
from grants.admin.forms import AuditFilterForm, DeactivateForm, PeopleSearchForm
from grants.errors import DomainError, add_to_form, flash_refusal
from grants.extensions import db
from grants.organisations import services as organisations
from grants.pagination import paginate
from grants.permissions import Permission, Role, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@requires(Permission.MANAGE_USERS)
def users():
    form = PeopleSearchForm(request.args)
    matching = form.q.data if form.validate() and form.q.data else ""
    page = paginate(accounts.list_users_query(matching))
    return render_template("admin/users.html", form=form, page=page, matching=matching)


def _invitation_link(token: str) -> str:
    """The link emailed with an invitation, whether sent for the first time or again."""
    return url_for("accounts.accept_invitation", token=token, _external=True)


@bp.route("/users/invite", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = staff_invitations.invite(
                current_user,
                email=form.email.data,
                role=Role(form.role.data),
                link_for=_invitation_link,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            if role_grants.is_held_back(invitation):
                flash(
                    f"Another admin must confirm the {invitation.role.label.lower()} role. We "
                    f"will send the invitation to {invitation.email} once they do",
                    "success",
                )
                return redirect(url_for(".role_grants_waiting"))
            flash(f"We have sent an invitation to {form.email.data}", "success")
            return redirect(url_for(".invitations"))
    return render_template("admin/invite.html", form=form)


@bp.route("/invitations")
@requires(Permission.MANAGE_USERS)
def invitations():
    """Invitations nobody has accepted or revoked yet, to send again or revoke."""
    page = paginate(staff_invitations.pending_invitations_query())
    held = role_grants.held_back_ids(invitation.id for invitation in page.items)
    return render_template("admin/invitations.html", page=page, held=held)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def resend_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    try:
        staff_invitations.resend_invitation(current_user, invitation, link_for=_invitation_link)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            f"We have sent a new invitation to {invitation.email}. The old link no longer works",
            "success",
        )
    return redirect(url_for(".invitations"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    try:
        staff_invitations.revoke_invitation(current_user, invitation)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"Invitation to {invitation.email} revoked. Its link no longer works", "success")
    return redirect(url_for(".invitations"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def person(user_id: int):
    """One person: their details and a checkbox for each role, to grant and remove any of them."""
    user = db.session.get(User, user_id) or abort(404)
    form = RolesForm(data={"roles": [r.value for r in user.sorted_roles], **_representing(user)})
    if form.validate_on_submit():
        try:
            accounts.set_roles(
                current_user, user, form.chosen_roles(), representing=form.representing.data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(_roles_saved(user), "success")
            return redirect(url_for(".users"))
    groups = organisations.groups_of(user)
    pending = role_grants.pending_for(user)
    return render_template(
        "admin/person.html",
        form=form,
        user=user,
        groups=groups,
        pending=pending,
        two_person_grants=role_grants.two_person_grants(),
    )


def _roles_saved(user: User) -> str:
    message = f"Roles saved. {user.full_name} has: {user.roles_label.lower()}"
    waiting = [grant.role.label.lower() for grant in role_grants.pending_for(user)]
    if waiting:
        message += f". Another admin must confirm: {', '.join(waiting)}"
    return message


def _representing(user: User) -> dict:
    return {"representing": user.representing or ""}


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def deactivate(user_id: int):
    """Confirm closing someone's account, with the reason kept in the audit log."""
    user = db.session.get(User, user_id) or abort(404)
    form = DeactivateForm()
    if form.validate_on_submit():
        try:
            accounts.deactivate_user(current_user, user, reason=form.reason.data)
        except DomainError as error:
            add_to_form(form, error, default_field="reason")
        else:
            flash(
                f"{user.full_name}'s account is deactivated. They can no longer sign in", "success"
            )
            return redirect(url_for(".person", user_id=user.id))
    return render_template("admin/deactivate.html", form=form, user=user)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def reactivate(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    try:
        accounts.reactivate_user(current_user, user)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"{user.full_name}'s account is active again. They can sign in", "success")
    return redirect(url_for(".person", user_id=user.id))


@bp.route("/audit")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_log():
    form = AuditFilterForm(request.args)
    filters = {}
    if form.validate():
        filters = {
            name: (form[name].data or "").strip() for name in ("action", "object_type", "actor")
        }
    page = paginate(audit.search(**filters))
    return render_template("admin/audit.html", form=form, page=page, entries=entries(page.items))


@bp.route("/role-grants")
@requires(Permission.MANAGE_USERS)
def role_grants_waiting():
    """Finance and admin roles proposed by one admin, waiting for another to confirm them."""
    page = paginate(role_grants.pending_query())
    return render_template(
        "admin/role_grants.html",
        page=page,
        two_person=role_grants.two_person_grants(),
        is_for=grant_decisions.is_for,
    )


@bp.route("/role-grants/<int:grant_id>/confirm", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def confirm_role_grant(grant_id: int):
    grant = grant_decisions.get_grant(current_user, grant_id)
    try:
        grant_decisions.confirm(current_user, grant, link_for=_invitation_link)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"Confirmed: {grant.grantee_label} is a {grant.role.label.lower()}", "success")
    return redirect(url_for(".role_grants_waiting"))


@bp.route("/role-grants/<int:grant_id>/refuse", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def refuse_role_grant(grant_id: int):
    grant = grant_decisions.get_grant(current_user, grant_id)
    try:
        grant_decisions.refuse(current_user, grant)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(f"{grant.grantee_label} will not be a {grant.role.label.lower()}", "success")
    return redirect(url_for(".role_grants_waiting"))


@bp.route("/undelivered-email")
@requires(Permission.MANAGE_USERS)
def undelivered_email():
    """Email the service gave up sending, with the last error, to fix and send again."""
    page = paginate(outbound.undelivered_query())
    return render_template("admin/undelivered_email.html", page=page)


@bp.route("/undelivered-email/<int:message_id>/retry", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def retry_email(message_id: int):
    message = outbox.get_undelivered(current_user, message_id)
    try:
        outbox.retry(current_user, message)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            f"We are sending the email to {message.recipient} again. If it fails, it stays here",
            "success",
        )
    return redirect(url_for(".undelivered_email"))
