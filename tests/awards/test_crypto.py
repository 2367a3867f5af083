"""Bank details are encrypted with keys from configuration, and the keys rotate."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet

from config import DevelopmentConfig, ProductionConfig, TestConfig
from grants import create_app, transaction
from grants.awards import crypto
from grants.awards.models import BankDetails
from grants.extensions import db
from tests.awards.test_payments_setup import FULL_NUMBER, ready_award

DETAILS = {"account_name": "Group", "sort_code": "309430", "account_number": FULL_NUMBER}


def test_details_round_trip_and_the_token_hides_them():
    token = crypto.encrypt(DETAILS)
    assert FULL_NUMBER not in token
    assert crypto.decrypt(token) == DETAILS


def test_development_and_test_keys_are_fixed_and_not_secret():
    for config in (DevelopmentConfig, TestConfig):
        [key] = config.BANK_DETAILS_KEYS
        Fernet(key)  # a real key...
        assert b"not" in base64.urlsafe_b64decode(key)  # ...saying it is no secret


def test_no_key_is_an_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_DETAILS_KEYS", [])
    with pytest.raises(crypto.BankDetailsKeyError):
        crypto.encrypt(DETAILS)


def test_a_token_no_key_opens_is_an_error(app, monkeypatch):
    token = crypto.encrypt(DETAILS)
    monkeypatch.setitem(app.config, "BANK_DETAILS_KEYS", [Fernet.generate_key().decode()])
    with pytest.raises(crypto.BankDetailsKeyError):
        crypto.decrypt(token)


@pytest.mark.usefixtures("reference_data")
def test_rotating_the_key_re_encrypts_every_row(app, runner, monkeypatch):
    old = app.config["BANK_DETAILS_KEYS"][0]
    ready = ready_award()
    transaction.commit()
    details_id = ready.details.id
    before = ready.details.encrypted

    new = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "BANK_DETAILS_KEYS", [new, old])
    assert crypto.decrypt(before)["account_number"] == FULL_NUMBER  # the old key still opens it
    result = runner.invoke(args=["rotate-bank-details-key"])
    assert result.exit_code == 0, result.output
    assert "Bank details re-encrypted: 1." in result.output

    db.session.expire_all()
    after = db.session.get(BankDetails, details_id).encrypted
    assert after != before
    monkeypatch.setitem(app.config, "BANK_DETAILS_KEYS", [new])  # the old key is gone
    assert crypto.decrypt(after)["account_number"] == FULL_NUMBER
    with pytest.raises(crypto.BankDetailsKeyError):
        crypto.decrypt(before)


def _production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/grants")
    monkeypatch.setenv("BASE_URL", "https://grants.example.org")
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")


def test_production_refuses_to_start_without_a_key(monkeypatch):
    _production_env(monkeypatch)
    monkeypatch.delenv("BANK_DETAILS_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="BANK_DETAILS_KEYS"):
        create_app(ProductionConfig)


def test_production_refuses_a_key_that_is_not_a_fernet_key(monkeypatch):
    _production_env(monkeypatch)
    monkeypatch.setenv("BANK_DETAILS_KEYS", "not-a-key")
    with pytest.raises(RuntimeError, match="Fernet keys"):
        ProductionConfig.required_settings()


def test_production_takes_several_keys(monkeypatch):
    _production_env(monkeypatch)
    keys = [Fernet.generate_key().decode() for _ in range(2)]
    monkeypatch.setenv("BANK_DETAILS_KEYS", ",".join(keys))
    assert ProductionConfig.required_settings()["BANK_DETAILS_KEYS"] == keys
