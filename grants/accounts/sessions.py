"""Starting a signed-in session, shared by every page that signs someone in."""

from __future__ import annotations

from flask import session
from flask_login import login_user

from grants.accounts.models import User


def start_session(user: User) -> None:
    """Sign in on a new session: nothing from before (a session or CSRF token planted by someone
    else, say) carries over into the signed-in one."""
    session.clear()
    login_user(user)
