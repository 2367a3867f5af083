"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256


def _hasher() -> PasswordHasher:
    # Tests use the cheapest parameters so the suite stays quick; everyone else gets the defaults.
    if current_app.config.get("PASSWORD_HASH_FAST"):
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_nothing(password: str) -> None:
    """Spend the same effort as a real check, so sign-in timing does not reveal who has an account."""
    _hasher().hash(password[:MAX_LENGTH])


def password_problem(password: str, *, user_inputs: list[str] = ()) -> str | None:
    """Explain what is wrong with a proposed password, or return None when it is acceptable.

    Length first (the rule people know), then zxcvbn's estimate, which rejects the most common
    passwords, keyboard patterns and passwords built from the person's own name or email.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    strength = zxcvbn(password[:100], user_inputs=[value.lower() for value in user_inputs if value])
    if strength["score"] < 3:
        return (
            "Password is too easy to guess. Use three or more random words, "
            "and avoid common passwords and your name or email"
        )
    return None
