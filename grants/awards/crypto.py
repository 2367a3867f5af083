"""Groups' bank details encrypted at rest.

The account name, sort code and number are one Fernet token made with the keys in
``BANK_DETAILS_KEYS``. MultiFernet encrypts with the first key and decrypts with any of them, so a
key is rotated by putting a new one first, running ``flask rotate-bank-details-key`` (which
re-encrypts every row with it) and only then removing the old one.

Duplicate accounts are found by a fingerprint: HMAC-SHA256 of the sort code and account number
under a key derived from the first bank-details key (or ``BANK_DETAILS_FINGERPRINT_KEY`` when
set), so equal accounts have equal fingerprints without anyone decrypting every row. Rotating the
first key changes the derived key, so the rotation command recomputes every fingerprint too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import select

from grants.extensions import db


class BankDetailsKeyError(RuntimeError):
    """No key is configured, or none of the keys opens a stored token."""


def _fernet() -> MultiFernet:
    keys = _keys()
    if not keys:
        raise BankDetailsKeyError("BANK_DETAILS_KEYS is not set")
    return MultiFernet([Fernet(key) for key in keys])


def _keys() -> list[str]:
    keys = current_app.config.get("BANK_DETAILS_KEYS") or []
    if isinstance(keys, str):
        keys = [key.strip() for key in keys.split(",") if key.strip()]
    return keys


def _fingerprint_key() -> bytes:
    configured = current_app.config.get("BANK_DETAILS_FINGERPRINT_KEY")
    if configured:
        return configured.encode()
    keys = _keys()
    if not keys:
        raise BankDetailsKeyError("BANK_DETAILS_KEYS is not set")
    # A separate key for hashing, never the encryption key itself.
    return hmac.new(base64.urlsafe_b64decode(keys[0]), b"account-fingerprint", "sha256").digest()


def fingerprint(sort_code: str, account_number: str, *, key: bytes | None = None) -> str:
    """The account's keyed hash, over digits only (so "30-94-30" and "309430" match)."""
    digits = re.sub(r"\D", "", sort_code) + ":" + re.sub(r"\D", "", account_number)
    return hmac.new(key or _fingerprint_key(), digits.encode(), hashlib.sha256).hexdigest()


def encrypt_bytes(content: bytes) -> str:
    return _fernet().encrypt(content).decode()


def decrypt_bytes(token: str) -> bytes:
    try:
        return _fernet().decrypt(token.encode())
    except InvalidToken as error:
        raise BankDetailsKeyError("None of BANK_DETAILS_KEYS opens this file") from error


def encrypt(details: dict) -> str:
    return _fernet().encrypt(json.dumps(details, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise BankDetailsKeyError("None of BANK_DETAILS_KEYS opens these bank details") from error


def rotate_all() -> int:
    """Re-encrypt every stored row (bank details and payment run files) with the first key, and
    recompute every fingerprint with the key derived from it. Returns how many bank details rows
    were rewritten. Runs in the caller's transaction (the CLI command commits it)."""
    from grants.awards.models import BankDetails, PaymentRun

    fernet = _fernet()
    key = _fingerprint_key()
    count = 0
    for details in db.session.scalars(select(BankDetails).order_by(BankDetails.id)):
        try:
            details.encrypted = fernet.rotate(details.encrypted.encode()).decode()
        except InvalidToken as error:
            raise BankDetailsKeyError(
                f"None of BANK_DETAILS_KEYS opens bank details {details.id}"
            ) from error
        data = json.loads(fernet.decrypt(details.encrypted.encode()))
        details.account_fingerprint = fingerprint(
            data["sort_code"], data["account_number"], key=key
        )
        count += 1
    for run in db.session.scalars(select(PaymentRun).where(PaymentRun.file_encrypted.is_not(None))):
        try:
            run.file_encrypted = fernet.rotate(run.file_encrypted.encode()).decode()
        except InvalidToken as error:
            raise BankDetailsKeyError(f"None of BANK_DETAILS_KEYS opens run {run.id}") from error
    db.session.flush()
    return count
