"""Every model, imported in one place so migrations and the app always see the whole schema."""

from grants.accounts.models import Invitation, User
from grants.applications.models import (
    Answer,
    Application,
    BudgetLine,
    Document,
    EligibilityCheck,
    Outcome,
    ReferenceCounter,
    Revision,
    StaffNote,
)
from grants.audit import AuditEvent
from grants.email import OutboundEmail
from grants.funds.models import Criterion, Fund, Question, Round
from grants.organisations.models import GroupInvitation, Membership, Organisation
from grants.reference.models import Neighbourhood, Principle

__all__ = [
    "Answer",
    "Application",
    "AuditEvent",
    "BudgetLine",
    "Criterion",
    "Document",
    "EligibilityCheck",
    "Fund",
    "GroupInvitation",
    "Invitation",
    "Membership",
    "Neighbourhood",
    "Organisation",
    "OutboundEmail",
    "Outcome",
    "Principle",
    "Question",
    "ReferenceCounter",
    "Revision",
    "Round",
    "StaffNote",
    "User",
]
