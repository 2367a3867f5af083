"""Register, sign in and out, reset a password, accept a staff invitation."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from grants import transaction
from grants.accounts import confirmation, services, staff_invitations
from grants.accounts.forms import (
    AcceptInvitationForm,
    ForgottenPasswordForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from grants.accounts.sessions import start_session
from grants.errors import DomainError, add_to_form
from grants.extensions import limiter
from grants.forms import BaseForm
from grants.permissions import before_email_confirmed, public, signed_in
from grants.urls import local_path

bp = Blueprint("accounts", __name__)


def _safe_next(default: str) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    return local_path(request.args.get("next")) or default


def _password_reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _confirmation_link(token: str) -> str:
    return url_for("accounts.confirm_email", token=token, _external=True)


# Remembers, in this browser, the address just registered and where to go next, so following the
# confirmation link from the same browser signs the new person straight in.
REGISTRATION = "registration"


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_registration_limit, methods=["POST"])
def register():
    """The same answer whether or not the address has an account (see the service)."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_applicant(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                link_for=_confirmation_link,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            session[REGISTRATION] = {
                "email": services.normalise_email(form.email.data),
                # Adding or joining a group is a new person's next step.
                "next": _safe_next(url_for("organisations.index")),
            }
            return render_template("accounts/check_email.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@bp.route("/confirm-email/<token>")
@public
def confirm_email(token: str):
    try:
        user, newly_confirmed = confirmation.confirm_email(token)
    except DomainError:
        return render_template("accounts/link_expired.html", what="confirmation link"), 410
    registration = session.pop(REGISTRATION, None) or {}
    if current_user.is_authenticated and current_user.id == user.id:
        flash("Your email address is confirmed", "success")
        return redirect(registration.get("next") or url_for("pages.your_home"))
    if newly_confirmed and registration.get("email") == user.email:
        start_session(user)
        flash("Your account has been created", "success")
        return redirect(registration["next"])
    flash("Your email address is confirmed. Sign in to continue", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/confirm-email")
@signed_in
@before_email_confirmed
def confirm_your_email():
    """Where every page sends a signed-in person until their address is confirmed."""
    if current_user.email_confirmed:
        return redirect(url_for("pages.your_home"))
    return render_template("accounts/confirm_your_email.html", form=BaseForm())


@bp.route("/confirm-email/resend", methods=["POST"])
@signed_in
@before_email_confirmed
@limiter.limit(_password_reset_limit)
def resend_confirmation():
    if BaseForm().validate_on_submit():
        confirmation.send_confirmation(current_user, _confirmation_link)
        flash(f"We have sent a new link to {current_user.email}", "success")
    return redirect(url_for("accounts.confirm_your_email"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """Limited by failures, not by sign-ins: see :mod:`grants.accounts.throttle`."""
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(
                form.email.data, form.password.data, address=get_remote_address()
            )
        except DomainError as refusal:
            # Shown without rolling back: a failure that locks an account emails its owner.
            form.add_error(refusal.field, refusal.message)
        else:
            start_session(user)
            return redirect(_safe_next(url_for("pages.your_home")))
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
@before_email_confirmed
def sign_out():
    services.end_sessions(current_user)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("pages.home"))


@bp.route("/password-reset", methods=["GET", "POST"])
@public
@limiter.limit(_password_reset_limit, methods=["POST"])
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            link_for=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgotten_password.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("accounts/link_expired.html", what="password reset link"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your password has been changed. Sign in with your new password", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    invitation = staff_invitations.open_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html", what="invitation"), 410
    if services.find_by_email(invitation.email):
        return _accept_role(invitation, token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = staff_invitations.accept_invitation(
                token, full_name=form.full_name.data, password=form.password.data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            start_session(user)
            flash("Your account has been created", "success")
            return redirect(url_for("pages.your_home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


def _accept_role(invitation, token: str):
    """An invitation to an address that has an account: its owner, signed in, accepts the role."""
    if not current_user.is_authenticated:
        flash("Sign in to accept your new role", "information")
        return redirect(url_for("accounts.sign_in", next=request.path))
    form = BaseForm()
    error = None
    if form.validate_on_submit():
        try:
            person = staff_invitations.accept_role_invitation(
                current_user._get_current_object(), token
            )
        except DomainError as refusal:
            transaction.rollback()
            error = refusal.message
        else:
            start_session(person)  # a change of roles ends the person's other sessions
            if invitation.role:
                flash(f"You are now a {invitation.role.label.lower()}", "success")
            return redirect(url_for("pages.your_home"))
    return render_template(
        "accounts/accept_role.html", form=form, invitation=invitation, error=error
    )


@bp.route("/account")
@signed_in
def account():
    return render_template("accounts/account.html")
