"""Admin pages: people and roles, staff invitations, the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants import audit
from grants.accounts import services as accounts
from grants.accounts.forms import InviteForm, RolesForm
from grants.accounts.models import User
from grants.admin.forms import AuditFilterForm
from grants.errors import DomainError, add_to_form
from grants.extensions import db
from grants.organisations import services as organisations
from grants.pagination import paginate
from grants.permissions import Permission, Role, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@requires(Permission.MANAGE_USERS)
def users():
    return render_template("admin/users.html", page=paginate(accounts.list_users_query()))


@bp.route("/users/invite", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            accounts.invite(
                current_user,
                email=form.email.data,
                role=Role(form.role.data),
                link_for=lambda token: url_for(
                    "accounts.accept_invitation", token=token, _external=True
                ),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"We have sent an invitation to {form.email.data}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/invite.html", form=form)


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
            flash(f"Roles saved. {user.full_name} has: {user.roles_label.lower()}", "success")
            return redirect(url_for(".users"))
    groups = organisations.groups_of(user)
    return render_template("admin/person.html", form=form, user=user, groups=groups)


def _representing(user: User) -> dict:
    return {"representing": user.representing or ""}


@bp.route("/audit")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_log():
    form = AuditFilterForm(request.args)
    filters = {}
    if form.validate():
        filters = {"action": form.action.data or None, "object_type": form.object_type.data or None}
        if form.actor.data:
            actor = accounts.find_by_email(form.actor.data)
            filters["actor_id"] = actor.id if actor else -1
    page = paginate(audit.search(**filters))
    return render_template("admin/audit.html", form=form, page=page)
