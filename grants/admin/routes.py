"""Admin pages: people and roles, staff invitations, the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants import audit
from grants.accounts import services as accounts
from grants.accounts.forms import ChangeRoleForm, InviteForm
from grants.accounts.models import User
from grants.admin.forms import AuditFilterForm
from grants.errors import DomainError, add_to_form
from grants.extensions import db
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


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def change_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ChangeRoleForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.change_role(
                current_user, user, Role(form.role.data), representing=form.representing.data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{user.full_name} is now a {user.role.label.lower()}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/change_role.html", form=form, user=user)


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
