"""Limits on failed sign-ins: tight for one account, looser for one network address.

Fifteen people signing in from one library or community centre connection share an address, so
a limit on every sign-in from an address locks out a whole session of a digital skills class.
Only failures count: 5 for one account in 15 minutes locks that account (its owner is emailed,
once per lock), and 50 from one address in 15 minutes stops someone trying many accounts.

The counts live in the rate limiter's storage (Redis in production), not the database: a refused
sign-in rolls its request back, and the count must survive that. A moving window means a lock
lasts the full period after the failures that caused it, whatever the clock says.

A completed password reset lifts the account's lock (:func:`lift_account_lock`): only the owner of
the mailbox can do that, so whoever keeps failing on purpose cannot keep the owner out for ever.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

from grants.extensions import limiter

ACCOUNT = "sign-in-failures-account"
ADDRESS = "sign-in-failures-address"


def _window() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _limit(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


def _account_limit() -> RateLimitItem:
    return _limit("SIGN_IN_FAILURES_PER_ACCOUNT")


def _address_limit() -> RateLimitItem:
    return _limit("SIGN_IN_FAILURES_PER_ADDRESS")


def lock_minutes() -> int:
    return _account_limit().get_expiry() // 60


def account_locked(email: str) -> bool:
    return not _window().test(_account_limit(), ACCOUNT, email)


def address_blocked(address: str) -> bool:
    return not _window().test(_address_limit(), ADDRESS, address)


def record_failure(email: str, address: str) -> bool:
    """Count one failed sign-in. True when this failure is the one that locks the account."""
    window = _window()
    window.hit(_address_limit(), ADDRESS, address)
    counted = window.hit(_account_limit(), ACCOUNT, email)
    return counted and account_locked(email)


def lift_account_lock(email: str) -> None:
    """Forget the account's failed sign-ins (its address's count stays: that one is the guesser's)."""
    _window().clear(_account_limit(), ACCOUNT, email)
