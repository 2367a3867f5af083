"""Who may screen an application, and who may record decisions on it: the staff conflicts.

Seeing an application is the applications domain's answer (grants.applications.access); every
screening page, PDF and file uses it. On top of that, screening has two conflict rules, enforced
by the services and explained on the screening page before anyone tries:

- nobody screens, or records a decision on, an application of a group they belong to, or belonged
  to at any time since it was made (grants.applications.conflicts: an officer who also runs a
  community group leaves its applications to a colleague);
- the officer who entered an assisted application does not screen it, nor give it more time to
  be sent: another officer checks what they typed in.
"""

from __future__ import annotations

from grants.accounts.models import User
from grants.applications.conflicts import check_no_conflict, own_group_conflict
from grants.applications.models import Application
from grants.errors import NotAllowed
from grants.permissions import Permission

ENTERED_IT = (
    "You entered this application for the group, so another programme officer must screen it"
)
ENTERED_IT_EXTENSION = (
    "You entered this application for the group, so another programme officer must give it"
    " more time"
)


def screening_conflict(user: User, application: Application) -> str | None:
    """Why this person may not screen this application, or None when they may."""
    conflict = own_group_conflict(user, application, "screen")
    if conflict:
        return conflict
    if application.entered_by_id is not None and application.entered_by_id == user.id:
        return ENTERED_IT
    return None


def decision_conflict(user: User, application: Application) -> str | None:
    """Why this person may not record a panel stage or decision on this application, or None."""
    return own_group_conflict(user, application, "record decisions on")


def extension_conflict(user: User, application: Application) -> str | None:
    """Why this person may not give this draft more time, or None. An extension lets a draft
    into a closed round, so it follows the screening rules: not for one's own group's draft, and
    not for a draft one entered for the group (a colleague checks that it really arrived in time).
    """
    conflict = own_group_conflict(user, application, "give more time to")
    if conflict:
        return conflict
    if application.entered_by_id is not None and application.entered_by_id == user.id:
        return ENTERED_IT_EXTENSION
    return None


def check_may_extend(user: User, application: Application) -> None:
    if not user.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers can extend a deadline")
    conflict = extension_conflict(user, application)
    if conflict:
        raise NotAllowed(conflict)


def check_no_own_group(user: User, application: Application, verb: str) -> None:
    """The window rule alone, for the screening routes to refuse (403, saying why) before they
    read a form: an officer inside the application's window acts on none of it."""
    check_no_conflict(user, application, verb)


def check_may_screen(user: User, application: Application) -> None:
    if not user.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers can screen applications")
    conflict = screening_conflict(user, application)
    if conflict:
        raise NotAllowed(conflict)


def check_may_decide(user: User, application: Application) -> None:
    if not user.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers can record panel decisions")
    conflict = decision_conflict(user, application)
    if conflict:
        raise NotAllowed(conflict)
