"""Security headers on every response, and production-only protections."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from config import ProductionConfig
from grants import create_app


def test_content_security_policy_uses_a_fresh_nonce_per_request(client):
    first = client.get("/")
    second = client.get("/")
    policy = first.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert nonce != re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"])[1]
    page = first.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline_scripts, "the template's js-enabled script is inline"
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline_scripts)


@pytest.mark.parametrize("path", ["/", "/sign-in", "/no-such-page"])
def test_protective_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # not over plain development HTTP


# A valid Fernet key for production-config tests (production refuses to start without one).
PRODUCTION_TEST_KEY = "dGVzdC1vbmx5LW5vdC1hLXNlY3JldC1rZXktMDAwMDI="


@pytest.fixture
def production_app(monkeypatch, app, make_app):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("BASE_URL", "https://grants.example.org")
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")
    monkeypatch.setenv("BANK_DETAILS_KEYS", PRODUCTION_TEST_KEY)
    return make_app(ProductionConfig)


def test_production_sends_hsts_and_secure_cookies(production_app):
    client = production_app.test_client()
    response = client.get("/sign-in", base_url="https://grants.example.org")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert production_app.config["SESSION_COOKIE_SECURE"] is True


def test_production_redirects_plain_http_to_https(production_app):
    response = production_app.test_client().get("/", base_url="http://grants.example.org")
    assert response.status_code in (301, 302)
    assert response.headers["Location"].startswith("https://")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "BASE_URL"])
def test_production_refuses_to_start_without_secrets(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/grants")
    monkeypatch.setenv("BASE_URL", "https://grants.example.org")
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app(ProductionConfig)


def test_production_refuses_to_count_rate_limits_in_memory_unless_told(monkeypatch, make_app, app):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("BASE_URL", "https://grants.example.org")
    monkeypatch.setenv("BANK_DETAILS_KEYS", PRODUCTION_TEST_KEY)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app(ProductionConfig)
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")
    assert make_app(ProductionConfig).config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_answers_only_its_own_host(production_app):
    client = production_app.test_client()
    assert client.get("/sign-in", base_url="https://grants.example.org").status_code == 200
    assert client.get("/sign-in", base_url="https://evil.example").status_code == 400
    with production_app.app_context():
        link = url_for("accounts.reset_password", token="t")
    assert link == "https://grants.example.org/password-reset/t"


def test_postgres_urls_use_psycopg_3():
    from config import database_url

    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def _with_huge_ids(rule) -> str:
    """The rule's URL with every id beyond 64 bits and every other part a harmless word."""
    path = re.sub(r"<int:[^>]+>", "99999999999999999999", rule.rule)
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", "x", path)


def _rules_with_ids(app):
    return [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]


def test_ids_beyond_64_bits_are_not_found_on_every_route(app, client):
    """Before: /applications/99999999999999999999 was a 500 (too big for the database)."""
    from grants.permissions import Role
    from tests.factories import make_user, sign_in

    rules = _rules_with_ids(app)
    assert len(rules) > 20  # the walker really walks
    sign_in(client, make_user(*Role))
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_with_huge_ids(rule), method=method)
            assert response.status_code == 404, (method, rule.rule, response.status_code)


def test_signed_in_pages_and_downloads_are_never_cached(client):
    from tests.factories import make_user, sign_in

    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in(client, make_user())
    for path in ("/", "/home", "/groups/"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
    asset = client.get("/assets/application.css")
    asset.close()  # a file response: release the file it streams from
    assert "no-store" not in asset.headers.get("Cache-Control", "")
