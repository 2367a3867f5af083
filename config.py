"""Configuration classes. Every setting can come from the environment so one build runs anywhere."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_list(name: str) -> list[str] | None:
    """A comma-separated setting as a list, or None when it is not set."""
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else None


def _is_fernet_key(key: str) -> bool:
    from cryptography.fernet import Fernet

    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


class Config:
    """Settings shared by every environment; secure defaults, overridden only where needed."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'grants.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # The name shown in the header, emails and page titles; any council can change it.
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Community Investment Fund")
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Wigan Council")
    SERVICE_EMAIL = os.environ.get("SERVICE_EMAIL", "communityfund@example.org")

    # Where people reach the service. Every link in an email is built from it, never from the
    # request's Host header, which whoever sends the request chooses.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Host names the service answers to; a request for any other gets 400. None answers any host
    # (development only: production defaults to BASE_URL's host).
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per 5 minutes")
    # Failed sign-ins, not sign-ins: one account, then one address (a library or community
    # centre shares one). A successful sign-in never counts.
    SIGN_IN_FAILURES_PER_ACCOUNT = os.environ.get(
        "SIGN_IN_FAILURES_PER_ACCOUNT", "5 per 15 minutes"
    )
    SIGN_IN_FAILURES_PER_ADDRESS = os.environ.get(
        "SIGN_IN_FAILURES_PER_ADDRESS", "50 per 15 minutes"
    )
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "30 per hour")

    # Email: SMTP when MAIL_SERVER is set, otherwise files in the outbox folder.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() == "true"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", SERVICE_EMAIL)
    MAIL_BACKEND = None  # chosen when the app starts: "smtp" with a MAIL_SERVER, else "file"
    MAIL_FILE_PATH = os.environ.get("MAIL_OUTBOX", str(INSTANCE / "outbox"))
    # A message that fails this many times is no longer retried by `flask deliver-email`; admins
    # see it under "Undelivered email", with its last error, and can try again.
    EMAIL_MAX_ATTEMPTS = _env_int("EMAIL_MAX_ATTEMPTS", 5)

    # Uploads live outside the web root; point UPLOAD_FOLDER at persistent storage in production.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    MAX_DOCUMENT_BYTES = _env_int("MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)
    MAX_RECORDING_BYTES = _env_int("MAX_RECORDING_BYTES", 200 * 1024 * 1024)
    # The largest request Flask accepts at all (a recording plus the rest of the form).
    MAX_CONTENT_LENGTH = MAX_RECORDING_BYTES + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    # Granting a finance or admin role is proposed by one admin and confirmed by another. A
    # deployment with a single admin may turn this off: grants then take effect at once and every
    # finance officer, bank-details viewer and admin is emailed about each one.
    TWO_PERSON_ROLE_GRANTS = os.environ.get(
        "TWO_PERSON_ROLE_GRANTS", "true"
    ).strip().lower() not in (
        "0",
        "false",
        "no",
    )

    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 60 * 60)
    INVITATION_MAX_AGE_DAYS = _env_int("INVITATION_MAX_AGE_DAYS", 7)
    EMAIL_CONFIRMATION_MAX_AGE = _env_int("EMAIL_CONFIRMATION_MAX_AGE", 3 * 24 * 60 * 60)
    PAGE_SIZE = 50

    # Fernet keys for groups' bank details, comma-separated: the first encrypts, every one
    # decrypts, so a new key goes first and the old one stays until `flask
    # rotate-bank-details-key` has re-encrypted every row. Production has no default.
    BANK_DETAILS_KEYS = _env_list("BANK_DETAILS_KEYS")
    # The key of the accounts' fingerprints (duplicate accounts across groups). Unset, it is
    # derived from the first bank-details key, and a key rotation recomputes every fingerprint.
    BANK_DETAILS_FINGERPRINT_KEY = os.environ.get("BANK_DETAILS_FINGERPRINT_KEY") or None

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "community-fund-demo")
    ALLOW_DEMO_DATA = True
    FORCE_HTTPS = False
    PROXY_FIX = False


class DevelopmentConfig(Config):
    DEBUG = False
    # base64 of "development-only-not-secret-key1": never protects real bank details.
    BANK_DETAILS_KEYS = _env_list("BANK_DETAILS_KEYS") or [
        "ZGV2ZWxvcG1lbnQtb25seS1ub3Qtc2VjcmV0LWtleTE="
    ]


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    BASE_URL = "http://localhost"
    # The test client's host, and the browser tests' live server.
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    # conftest.py points SQLite at a temporary file so a browser test's server thread shares it.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    MAIL_BACKEND = "locmem"
    PASSWORD_HASH_FAST = True
    # base64 of "test-only-not-a-secret-key-00001": tests only.
    BANK_DETAILS_KEYS = ["dGVzdC1vbmx5LW5vdC1hLXNlY3JldC1rZXktMDAwMDE="]


class ProductionConfig(Config):
    """Refuses to start without the secrets and database a real deployment must provide."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    ALLOW_DEMO_DATA = False
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "true").lower() == "true"
    # Behind a TLS-terminating proxy, trust one hop of X-Forwarded-For/-Proto/-Host.
    PROXY_FIX = os.environ.get("PROXY_FIX", "true").lower() == "true"

    @staticmethod
    def required_settings() -> dict:
        """The settings a deployment must give; read when the app starts, not at import."""
        required = ("SECRET_KEY", "DATABASE_URL", "BASE_URL", "BANK_DETAILS_KEYS")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "ProductionConfig needs these environment variables: " + ", ".join(missing)
            )
        base_url = os.environ["BASE_URL"]
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname:
            raise RuntimeError(
                "BASE_URL must be a full address, such as https://grants.example.org"
            )
        # Limits counted in one process's memory are lost on restart and not shared between
        # workers, so an attacker's failed sign-ins spread over workers would barely count.
        storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        if storage.startswith("memory://") and not _env_flag("RATELIMIT_ALLOW_MEMORY"):
            raise RuntimeError(
                "ProductionConfig needs RATELIMIT_STORAGE_URI (such as redis://...) for rate "
                "limits; set RATELIMIT_ALLOW_MEMORY=1 to run a single process without one"
            )
        keys = _env_list("BANK_DETAILS_KEYS") or []
        if not keys or not all(_is_fernet_key(key) for key in keys):
            raise RuntimeError(
                "BANK_DETAILS_KEYS must be one or more Fernet keys, comma-separated (make one "
                'with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())")'
            )
        return {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url(os.environ["DATABASE_URL"]),
            "BASE_URL": base_url,
            "TRUSTED_HOSTS": _env_list("TRUSTED_HOSTS") or [urlsplit(base_url).hostname],
            "BANK_DETAILS_KEYS": _env_list("BANK_DETAILS_KEYS"),
        }


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
