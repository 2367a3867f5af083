"""Community groups and who belongs to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db
from grants.invitations import InvitationMixin


class OrganisationType(enum.StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    CIO = "cio"
    CHARITABLE_COMPANY = "charitable_company"
    CIC = "cic"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    CONSTITUTED_GROUP = "constituted_group"
    FAITH_GROUP = "faith_group"
    INFORMAL_GROUP = "informal_group"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]


TYPE_LABELS = {
    OrganisationType.REGISTERED_CHARITY: "Registered charity",
    OrganisationType.CIO: "Charitable incorporated organisation (CIO)",
    OrganisationType.CHARITABLE_COMPANY: "Charitable company",
    OrganisationType.CIC: "Community interest company (CIC)",
    OrganisationType.COMMUNITY_BENEFIT_SOCIETY: "Community benefit society",
    OrganisationType.COMPANY_LIMITED_BY_GUARANTEE: "Company limited by guarantee",
    OrganisationType.CONSTITUTED_GROUP: "Constituted community group",
    OrganisationType.FAITH_GROUP: "Faith group",
    OrganisationType.INFORMAL_GROUP: "Informal group",
}


class IncomeBand(enum.StrEnum):
    UNDER_10K = "under_10k"
    FROM_10K_TO_50K = "10k_to_50k"
    FROM_50K_TO_100K = "50k_to_100k"
    FROM_100K_TO_250K = "100k_to_250k"
    OVER_250K = "over_250k"

    @property
    def label(self) -> str:
        return INCOME_LABELS[self]

    @property
    def upper_pence(self) -> int | None:
        """The most a group in this band can earn a year, for eligibility rules (None: no cap)."""
        return INCOME_UPPER_PENCE[self]


INCOME_LABELS = {
    IncomeBand.UNDER_10K: "Less than £10,000",
    IncomeBand.FROM_10K_TO_50K: "£10,000 to £50,000",
    IncomeBand.FROM_50K_TO_100K: "£50,001 to £100,000",
    IncomeBand.FROM_100K_TO_250K: "£100,001 to £250,000",
    IncomeBand.OVER_250K: "More than £250,000",
}
INCOME_UPPER_PENCE = {
    IncomeBand.UNDER_10K: 1_000_000,
    IncomeBand.FROM_10K_TO_50K: 5_000_000,
    IncomeBand.FROM_50K_TO_100K: 10_000_000,
    IncomeBand.FROM_100K_TO_250K: 25_000_000,
    IncomeBand.OVER_250K: None,
}


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        # A group without an account still needs someone the officer can reach.
        CheckConstraint(
            "main_contact_id IS NOT NULL OR (contact_name IS NOT NULL"
            " AND (contact_phone IS NOT NULL OR contact_email IS NOT NULL))",
            name="reachable_contact",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    org_type: Mapped[OrganisationType] = mapped_column(str_enum(OrganisationType, "org_type"))
    charity_number: Mapped[str | None] = mapped_column(String(7))
    company_number: Mapped[str | None] = mapped_column(String(8))
    society_number: Mapped[str | None] = mapped_column(String(10))  # FCA Mutuals Public Register
    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(8))
    income_band: Mapped[IncomeBand] = mapped_column(str_enum(IncomeBand, "income_band"))
    # A group that applies by phone or on paper may have no account: an officer records who to
    # contact instead, and main_contact_id stays empty until someone from the group signs up.
    main_contact_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The call-back number finance rings to check bank details. A number changed after it was
    # first given cannot be trusted for a while: whoever changed it may be the one asking for a
    # new bank account (see grants.awards.bank).
    contact_phone_given_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contact_phone_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    main_contact = relationship("User", foreign_keys=[main_contact_id])
    # Current members only; ended memberships stay in the table as the group's history.
    memberships = relationship(
        "Membership",
        primaryjoin="and_(Membership.organisation_id == Organisation.id,"
        " Membership.ended_at.is_(None))",
        back_populates="organisation",
        cascade="all, delete-orphan",
    )

    @property
    def is_offline(self) -> bool:
        """Nobody from the group has an account yet: an officer added it and looks after it."""
        return self.main_contact_id is None

    @property
    def contact_display_name(self) -> str:
        return self.main_contact.full_name if self.main_contact else (self.contact_name or "")

    @property
    def contact_email_address(self) -> str | None:
        """Where emails about the group's applications go (None: the officer writes or phones)."""
        return self.main_contact.email if self.main_contact else self.contact_email

    def set_phone(self, number: str | None) -> None:
        """Record the group's phone number, and when it was first given or last changed."""
        if number == self.contact_phone:
            return
        if self.contact_phone is None and self.contact_phone_given_at is None:
            self.contact_phone_given_at = utcnow()
        else:
            self.contact_phone_changed_at = utcnow()
        self.contact_phone = number

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "type": self.org_type.value,
            "charity_number": self.charity_number,
            "company_number": self.company_number,
            "society_number": self.society_number,
            "address_line_1": self.address_line_1,
            "address_line_2": self.address_line_2,
            "town": self.town,
            "postcode": self.postcode,
            "income_band": self.income_band.value,
            "main_contact_id": self.main_contact_id,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "contact_email": self.contact_email,
        }


class Membership(db.Model):
    """A person's time in a group. A membership is ended, never deleted, so the conflict rule can
    ask who belonged to a group at any time since an application was made (someone who leaves,
    scores their group's bid and rejoins is still conflicted). A rejoin is a new row."""

    __tablename__ = "membership"
    __table_args__ = (
        Index(
            "uq_membership_pair",
            "organisation_id",
            "user_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        CheckConstraint("ended_at IS NULL OR ended_at >= joined_at", name="ends_after_joining"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    organisation = relationship(Organisation, back_populates="memberships")
    user = relationship("User", foreign_keys=[user_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    @classmethod
    def current(cls):
        """SQL condition: the membership has not ended."""
        return cls.ended_at.is_(None)

    @classmethod
    def held_since(cls, moment: datetime):
        """SQL condition: the person was a member at some time from ``moment`` until now."""
        return or_(cls.ended_at.is_(None), cls.ended_at >= moment)


class GroupInvitation(InvitationMixin, db.Model):
    """A member's invitation for someone else to join their group (token, expiry and single use:
    :mod:`grants.invitations`)."""

    __tablename__ = "group_invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))

    organisation = relationship(Organisation)
    invited_by = relationship("User")


class HandoverStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


class GroupHandover(db.Model):
    """An officer's proposal to hand an offline group to someone from it, by inviting them as
    its first member. A second programme officer approves it before the invitation is sent, so
    no single officer can give a group (and the phone number finance calls) to someone else."""

    __tablename__ = "group_handover"
    __table_args__ = (
        CheckConstraint(
            "decided_by_id IS NULL OR status = 'refused' OR decided_by_id <> proposed_by_id",
            name="four_eyes",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[HandoverStatus] = mapped_column(
        str_enum(HandoverStatus, "handover_status"), default=HandoverStatus.PROPOSED
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("group_invitation.id"))

    organisation = relationship(Organisation)
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    invitation = relationship(GroupInvitation)

    @property
    def is_pending(self) -> bool:
        return self.status == HandoverStatus.PROPOSED

    def audit_view(self) -> dict:
        return {
            "organisation_id": self.organisation_id,
            "email": self.email,
            "status": self.status.value,
            "proposed_by_id": self.proposed_by_id,
            "decided_by_id": self.decided_by_id,
            "invitation_id": self.invitation_id,
        }


class GroupLetter(db.Model):
    """A letter for an officer to print and post, to a group's contact who has no email address.
    Its text is written once, when it is made, so every print is the same letter."""

    __tablename__ = "group_letter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    recipient: Mapped[str] = mapped_column(Text)  # the name and address, one line each
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    organisation = relationship(Organisation)
    posted_by = relationship("User")


class RemovalOutcome(enum.StrEnum):
    AGREED = "agreed"
    REFUSED = "refused"


class RemovalRequest(db.Model):
    """A member asks to remove someone when the removal needs the main contact's agreement (or
    an officer's): the main contact themselves, or the last-but-one member. Until it is agreed,
    nobody is removed."""

    __tablename__ = "removal_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    outcome: Mapped[RemovalOutcome | None] = mapped_column(
        str_enum(RemovalOutcome, "removal_outcome")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation = relationship(Organisation)
    membership = relationship(Membership)
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.outcome is None

    def audit_view(self) -> dict:
        return {
            "membership_id": self.membership_id,
            "user_id": self.membership.user_id,
            "requested_by_id": self.requested_by_id,
            "outcome": self.outcome.value if self.outcome else None,
            "decided_by_id": self.decided_by_id,
        }
