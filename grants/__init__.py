"""grants: a council's community investment fund, from application to open data."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, send_from_directory
from flask_talisman import Talisman
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, ProductionConfig
from grants import urls
from grants.extensions import csrf, db, limiter, login_manager, mail, migrate
from grants.permissions import enforce_access, public

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR.parent / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config: type[Config] | str | None = None) -> Flask:
    """Build the application. ``config`` is a Config class or one of CONFIGS' names."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("GRANTS_ENV", "development")]
    app = urls.Application(
        __name__, static_folder=None, instance_path=str(PACKAGE_DIR.parent / "instance")
    )
    app.config.from_object(config)
    if issubclass(config, ProductionConfig):
        app.config.update(config.required_settings())
    Path(app.instance_path).mkdir(exist_ok=True)
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_templates(app)
    _init_extensions(app)
    urls.register(app)  # before any route is added
    _register_blueprints(app)
    _register_assets(app)
    from grants import cli, handlers, transaction

    transaction.register(app)
    handlers.register(app)
    cli.register(app)
    app.before_request(enforce_access)
    return app


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from govuk_frontend_wtf.main import WTFormsHelpers

    from grants import formatting

    WTFormsHelpers(app)
    formatting.register(app)


def _init_extensions(app: Flask) -> None:
    import grants.models  # noqa: F401  (the whole schema, for migrations and relationships)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PACKAGE_DIR.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    if not app.config.get("MAIL_BACKEND"):
        app.config["MAIL_BACKEND"] = "smtp" if app.config.get("MAIL_SERVER") else "file"
    mail.init_app(app)
    limiter.init_app(app)
    # Talisman keeps its settings on the instance, so each app gets its own: building a
    # production app (in a test, say) must not switch HTTPS redirects on for another app.
    Talisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )

    from grants.accounts.models import AnonymousUser, User
    from grants.numbers import whole_number

    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.anonymous_user = AnonymousUser
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        identifier, _, token = user_id.partition(":")
        number = whole_number(identifier)
        if number is None:
            return None
        user = db.session.get(User, number)
        # A closed account's sessions end with it: Flask-Login checks is_active only at sign-in.
        if user is None or user.session_token != token or not user.is_active_account:
            return None
        return user


def _register_blueprints(app: Flask) -> None:
    """Each blueprint's module brings its own routes; here they are only registered."""
    from grants.accounts.routes import bp as accounts
    from grants.admin.routes import bp as admin
    from grants.applications.blueprint import bp as applications
    from grants.applications.pdf_routes import bp as pdfs
    from grants.awards.finance_routes import bp as finance
    from grants.awards.offer_routes import bp as awards
    from grants.awards.payment_routes import bp as payments
    from grants.funds.public_routes import bp as rounds
    from grants.funds.routes import bp as funds
    from grants.funds.setup_routes import bp as round_setup
    from grants.monitoring.report.blueprint import bp as reports
    from grants.monitoring.review.blueprint import bp as monitoring
    from grants.monitoring.setup.routes import bp as report_setup
    from grants.organisations.routes import bp as organisations
    from grants.pages.routes import bp as pages
    from grants.panels.meeting_routes import bp as meetings
    from grants.panels.member_routes import bp as scoring
    from grants.panels.officer_routes import bp as panels
    from grants.reference.routes import bp as reference
    from grants.screening.routes import bp as screening

    for blueprint in (pages, accounts, organisations, reference, admin):
        app.register_blueprint(blueprint)
    for blueprint in (funds, round_setup, rounds, applications, pdfs, screening):
        app.register_blueprint(blueprint)
    app.register_blueprint(scoring)
    app.register_blueprint(panels)
    app.register_blueprint(meetings)
    for blueprint in (awards, payments, finance):
        app.register_blueprint(blueprint)
    for blueprint in (reports, monitoring, report_setup):
        app.register_blueprint(blueprint)


def _register_assets(app: Flask) -> None:
    """Serve the built GOV.UK Frontend assets at /assets, where its compiled CSS expects them."""

    @public
    def static(filename: str):
        return send_from_directory(STATIC_DIR, filename, max_age=60 * 60)

    app.add_url_rule("/assets/<path:filename>", endpoint="static", view_func=static)
