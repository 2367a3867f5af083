"""Groups' bank details encrypted at rest.

The account name, sort code and number are one Fernet token made with the keys in
``BANK_DETAILS_KEYS``. MultiFernet encrypts with the first key and decrypts with any of them, so a
key is rotated by putting a new one first, running ``flask rotate-bank-details-key`` (which
re-encrypts every row with it) and only then removing the old one.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import select

from grants.extensions import db


class BankDetailsKeyError(RuntimeError):
    """No key is configured, or none of the keys opens a stored token."""


def _fernet() -> MultiFernet:
    keys = current_app.config.get("BANK_DETAILS_KEYS") or []
    if isinstance(keys, str):
        keys = [key.strip() for key in keys.split(",") if key.strip()]
    if not keys:
        raise BankDetailsKeyError("BANK_DETAILS_KEYS is not set")
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(details: dict) -> str:
    return _fernet().encrypt(json.dumps(details, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise BankDetailsKeyError("None of BANK_DETAILS_KEYS opens these bank details") from error


def rotate_all() -> int:
    """Re-encrypt every stored row with the first key. Returns how many rows were rewritten.
    Runs in the caller's transaction (the CLI command commits it)."""
    from grants.awards.models import BankDetails

    fernet = _fernet()
    count = 0
    for details in db.session.scalars(select(BankDetails).order_by(BankDetails.id)):
        try:
            details.encrypted = fernet.rotate(details.encrypted.encode()).decode()
        except InvalidToken as error:
            raise BankDetailsKeyError(
                f"None of BANK_DETAILS_KEYS opens bank details {details.id}"
            ) from error
        count += 1
    db.session.flush()
    return count
