"""Who may do what.

Every endpoint declares its access with exactly one of ``@public``, ``@signed_in`` or
``@requires(Permission.X)``. The declaration is also the enforcement: a ``before_request`` hook
reads it, so an endpoint without one is refused (and a test walking ``app.url_map`` fails).
Object-level rules (a group sees only its own bids) live in the services, not here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user


class Role(enum.StrEnum):
    """A staff or panel role. A person holds any set of them, or none.

    Belonging to a community group is not a role: anyone signed in may create or join a group, and
    membership is what opens a group's applications (checked in the services).
    """

    PANEL_MEMBER = "panel_member"
    PROGRAMME_OFFICER = "programme_officer"
    FINANCE_OFFICER = "finance_officer"
    # Sees a group's full bank details (every reveal audited); not every finance officer needs to.
    BANK_DETAILS_VIEWER = "bank_details_viewer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Roles that work for the council and see every group. Panel members are residents and partners:
# they see only the bids put in front of them.
STAFF_ROLES = frozenset(
    {Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER, Role.ADMIN}
)


class Permission(enum.StrEnum):
    """The closed set of capabilities. Add one here before any route can ask for it."""

    APPLY = "apply"  # create or join groups and work on their applications: everyone signed in
    VIEW_ALL_GROUPS = "view_all_groups"
    MANAGE_FUNDS = "manage_funds"
    SCREEN_APPLICATIONS = "screen_applications"
    SCORE_APPLICATIONS = "score_applications"
    MANAGE_PANELS = "manage_panels"  # set up panels, assign, record interests and paper scores
    MANAGE_PAYMENTS = "manage_payments"  # awards, bank details (masked), payments, the ledger
    REVIEW_REPORTS = "review_reports"  # monitoring: review, accept, enter and reschedule reports
    REVEAL_BANK_DETAILS = "reveal_bank_details"
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE_DATA = "manage_reference_data"
    VIEW_AUDIT_LOG = "view_audit_log"


# What every signed-in person may do, whatever their roles. Kept as a permission (rather than a
# bare signed-in check) so a suspended or restricted account can later lose it in one place.
SIGNED_IN_PERMISSIONS: frozenset[Permission] = frozenset({Permission.APPLY})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PANEL_MEMBER: frozenset({Permission.SCORE_APPLICATIONS}),
    Role.PROGRAMME_OFFICER: frozenset(
        {
            Permission.VIEW_ALL_GROUPS,
            Permission.MANAGE_FUNDS,
            Permission.SCREEN_APPLICATIONS,
            Permission.MANAGE_PANELS,
            Permission.REVIEW_REPORTS,
        }
    ),
    Role.FINANCE_OFFICER: frozenset({Permission.VIEW_ALL_GROUPS, Permission.MANAGE_PAYMENTS}),
    Role.BANK_DETAILS_VIEWER: frozenset(
        {Permission.VIEW_ALL_GROUPS, Permission.REVEAL_BANK_DETAILS}
    ),
    Role.ADMIN: frozenset(
        {
            Permission.VIEW_ALL_GROUPS,
            Permission.MANAGE_USERS,
            Permission.MANAGE_REFERENCE_DATA,
            Permission.VIEW_AUDIT_LOG,
        }
    ),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """A signed-in person's permissions: the baseline plus the union over their roles."""
    granted = set(SIGNED_IN_PERMISSIONS)
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


@dataclass(frozen=True)
class Access:
    """A route's declared access: public, any signed-in user, or one permission."""

    kind: str  # "public" | "signed_in" | "permission"
    permission: Permission | None = None


F = TypeVar("F", bound=Callable)
ACCESS_ATTRIBUTE = "_grants_access"


def _declare(view: F, access: Access) -> F:
    if hasattr(view, ACCESS_ATTRIBUTE):
        raise TypeError(f"{view.__name__} declares its access twice")
    setattr(view, ACCESS_ATTRIBUTE, access)
    return view


def public(view: F) -> F:
    return _declare(view, Access("public"))


def signed_in(view: F) -> F:
    return _declare(view, Access("signed_in"))


def requires(permission: Permission) -> Callable[[F], F]:
    if not isinstance(permission, Permission):
        raise TypeError(f"unknown permission {permission!r}")
    return lambda view: _declare(view, Access("permission", permission))


def access_of(view: Callable) -> Access | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


BEFORE_CONFIRMATION_ATTRIBUTE = "_grants_before_confirmation"


def before_email_confirmed(view: F) -> F:
    """Open this signed-in page to someone whose email address is not confirmed yet (confirming,
    resending the link, signing out). Every other signed-in page sends them to confirm first."""
    setattr(view, BEFORE_CONFIRMATION_ATTRIBUTE, True)
    return view


def enforce_access():
    """``before_request`` hook: apply the endpoint's declaration; refuse undeclared endpoints."""
    if request.endpoint is None:
        return None  # 404 or 405: let Flask answer
    view = current_app.view_functions.get(request.endpoint)
    access = access_of(view) if view else None
    if access is None:
        abort(403)
    if access.kind == "public":
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    if not current_user.email_confirmed and not getattr(view, BEFORE_CONFIRMATION_ATTRIBUTE, False):
        return redirect(url_for("accounts.confirm_your_email"))
    if access.kind == "permission" and not current_user.can(access.permission):
        abort(403)
    return None
