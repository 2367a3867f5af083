"""People who sign in, and invitations for staff and panel members."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db
from grants.permissions import STAFF_ROLES, Permission, Role, role_has

ROLE_TYPE = str_enum(Role, "role")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(ROLE_TYPE, default=Role.APPLICANT, index=True)
    # Free text such as "Resident, Hindley" or "Young person": who a panel member represents.
    representing: Mapped[str | None] = mapped_column(String(200))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the Flask-Login id: changing it (on a password change) signs out every other session.
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def can(self, permission: Permission) -> bool:
        return role_has(self.role, permission)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def audit_view(self) -> dict:
        return {
            "email": self.email,
            "full_name": self.full_name,
            "role": self.role.value,
            "active": self.is_active_account,
        }


class AnonymousUser(AnonymousUserMixin):
    is_staff = False

    def can(self, permission: Permission) -> bool:
        return False


class Invitation(db.Model):
    """An admin's invitation to join as staff or a panel member. Only a hash of the token is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role] = mapped_column(ROLE_TYPE)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    invited_by = relationship(User, foreign_keys=[invited_by_id])
