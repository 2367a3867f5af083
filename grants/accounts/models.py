"""People who sign in, the roles they hold, and invitations for staff and panel members."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db
from grants.invitations import InvitationMixin
from grants.permissions import STAFF_ROLES, Permission, Role, permissions_of
from grants.statemachine import StateMachine

ROLE_TYPE = str_enum(Role, "role")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Free text such as "Resident, Hindley" or "Young person": who a panel member represents.
    representing: Mapped[str | None] = mapped_column(String(200))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the person proved they read this mailbox (a confirmation or invitation link). Until
    # then the account can only confirm: an address nobody has proven never receives our mail
    # about groups and money.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the Flask-Login id: changing it (on a password change) signs out every other session.
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token)

    # Loaded with the user in one more query (also for a whole page of users), because almost
    # every request asks what the signed-in person may do.
    role_grants: Mapped[set[UserRole]] = relationship(
        back_populates="user",
        collection_class=set,
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    # The person's roles as a set: ``Role.ADMIN in user.roles``, ``user.roles.add(role)``.
    roles: AssociationProxy[set[Role]] = association_proxy(
        "role_grants", "role", creator=lambda role: UserRole(role=role)
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def can(self, permission: Permission) -> bool:
        """Permissions are the union over the person's roles, plus what everyone signed in has."""
        return permission in permissions_of(self.roles)

    @property
    def is_staff(self) -> bool:
        return any(role in STAFF_ROLES for role in self.roles)

    @property
    def sorted_roles(self) -> list[Role]:
        """The roles in the order of :class:`Role`, for pages and the audit trail."""
        return [role for role in Role if role in self.roles]

    @property
    def roles_label(self) -> str:
        return ", ".join(role.label for role in self.sorted_roles) or "No roles"

    def audit_view(self) -> dict:
        return {
            "email": self.email,
            "full_name": self.full_name,
            "roles": [role.value for role in self.sorted_roles],
            "representing": self.representing,
            "active": self.is_active_account,
        }


class UserRole(db.Model):
    """One role held by one person. A person holds any set of roles, each at most once."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(ROLE_TYPE, primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_grants")


class AnonymousUser(AnonymousUserMixin):
    is_staff = False
    email_confirmed = False
    roles: frozenset[Role] = frozenset()

    def can(self, permission: Permission) -> bool:
        return False


class Invitation(InvitationMixin, db.Model):
    """An admin's invitation to join as staff or a panel member (token, expiry and single use:
    :mod:`grants.invitations`).

    It carries one role, granted when the account is made; an admin adds more roles on the
    person's page. ``role`` is empty only for invitations made before roles could combine, whose
    role was "applicant": they still work and make an account with no role.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role | None] = mapped_column(ROLE_TYPE)

    invited_by = relationship(User, foreign_keys="Invitation.invited_by_id")


class GrantStatus(enum.StrEnum):
    """Where a grant of a privileged role stands (:mod:`grants.accounts.role_grants`)."""

    PROPOSED = "proposed"  # waits for a second admin
    CONFIRMED = "confirmed"  # a second admin agreed
    REFUSED = "refused"  # a second admin said no
    WITHDRAWN = "withdrawn"  # its proposer took it back, or its invitation was revoked
    GRANTED_ALONE = "granted_alone"  # two-person grants are turned off: one admin granted it

    @property
    def label(self) -> str:
        return {
            GrantStatus.PROPOSED: "Waiting for another admin",
            GrantStatus.CONFIRMED: "Confirmed",
            GrantStatus.REFUSED: "Refused",
            GrantStatus.WITHDRAWN: "Withdrawn",
            GrantStatus.GRANTED_ALONE: "Granted by one admin",
        }[self]


class GrantActor(enum.StrEnum):
    PROPOSER = "proposer"
    OTHER_ADMIN = "other_admin"  # neither the proposer nor the person given the role
    SYSTEM = "system"  # the invitation it came with was revoked


G = GrantStatus
GRANTS: StateMachine[GrantStatus, GrantActor] = StateMachine(
    "A role grant",
    {
        (G.PROPOSED, G.CONFIRMED): frozenset({GrantActor.OTHER_ADMIN}),
        (G.PROPOSED, G.REFUSED): frozenset({GrantActor.OTHER_ADMIN}),
        (G.PROPOSED, G.WITHDRAWN): frozenset({GrantActor.PROPOSER, GrantActor.SYSTEM}),
    },
)
# Grants through which the person holds, or will hold once they accept the invitation, the role.
IN_EFFECT = frozenset({G.CONFIRMED, G.GRANTED_ALONE})


class RoleGrant(db.Model):
    """One admin giving someone the finance officer, bank-details viewer or admin role: to an
    existing account (``user``) or by inviting an address (``invitation``, and ``user`` once it
    is accepted). Kept for good, so "who gave this person this role, and when" always has an
    answer (the payment rule on recent grants asks it).
    """

    __tablename__ = "role_grant"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR invitation_id IS NOT NULL", name="has_grantee"),
        # Four eyes, in the database too: nobody confirms (or refuses) their own proposal; they
        # may only withdraw it.
        CheckConstraint(
            "status = 'withdrawn' OR decided_by_id IS NULL OR decided_by_id <> proposed_by_id",
            name="second_admin",
        ),
        # One proposal at a time for the same role to the same person.
        Index(
            "uq_role_grant_proposed",
            "user_id",
            "role",
            unique=True,
            sqlite_where=text("status = 'proposed' AND user_id IS NOT NULL"),
            postgresql_where=text("status = 'proposed' AND user_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[Role] = mapped_column(ROLE_TYPE)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id"), unique=True, index=True
    )
    status: Mapped[GrantStatus] = mapped_column(str_enum(GrantStatus, "role_grant_status"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the person began to hold the role: on confirmation, or when they accepted the
    # invitation it came with.
    took_effect_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invitation: Mapped[Invitation | None] = relationship(foreign_keys=[invitation_id])
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def grantee_label(self) -> str:
        """Whom it is for: the person, or the address invited."""
        if self.user is not None:
            return f"{self.user.full_name} ({self.user.email})"
        return self.invitation.email if self.invitation else ""

    def audit_view(self) -> dict:
        return {
            "role": self.role.value,
            "user_id": self.user_id,
            "invitation_id": self.invitation_id,
            "status": self.status.value,
            "proposed_by_id": self.proposed_by_id,
            "decided_by_id": self.decided_by_id,
        }
