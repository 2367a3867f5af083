"""Single-use secrets sent by email: the link carries the token, the database keeps its hash."""

import hashlib
import secrets
from datetime import UTC, datetime


def new_token() -> tuple[str, str]:
    """Return (token for the link, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
