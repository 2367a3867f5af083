"""Register, sign in and out, reset a password, accept a staff invitation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from grants.accounts import services
from grants.accounts.forms import (
    AcceptInvitationForm,
    ForgottenPasswordForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from grants.errors import DomainError, add_to_form
from grants.extensions import limiter
from grants.permissions import public, signed_in

bp = Blueprint("accounts", __name__)


def _safe_next(default: str) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_applicant(
                email=form.email.data, full_name=form.full_name.data, password=form.password.data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            login_user(user)
            flash("Your account has been created", "success")
            # Straight to the groups page: adding or joining a group is a new person's next step.
            return redirect(_safe_next(url_for("organisations.index")))
    return render_template("accounts/register.html", form=form)


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user)
            return redirect(_safe_next(url_for("pages.your_home")))
        form.add_error("email", "Enter a correct email address and password")
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("pages.home"))


@bp.route("/password-reset", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
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
    invitation = services.open_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html", what="invitation"), 410
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, full_name=form.full_name.data, password=form.password.data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            login_user(user)
            flash("Your account has been created", "success")
            return redirect(url_for("pages.your_home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/account")
@signed_in
def account():
    return render_template("accounts/account.html")
