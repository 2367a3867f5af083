"""Every model, imported in one place so migrations and the app always see the whole schema."""

from grants.accounts.models import Invitation, RoleGrant, User
from grants.applications.models import (
    Answer,
    Application,
    BudgetLine,
    Document,
    Outcome,
    ReferenceCounter,
    Revision,
)
from grants.audit import AuditEvent
from grants.awards.models import (
    Award,
    AwardDocument,
    AwardTerms,
    BankDetails,
    Payment,
    PaymentRun,
    Recovery,
    ReportDue,
    Variation,
)
from grants.email import OutboundEmail
from grants.funds.models import Contribution, Criterion, Fund, Indicator, Question, Round
from grants.monitoring.models import (
    MonitoringReport,
    ReportChangeRequest,
    ReportDocument,
    ReportFile,
    ReportOutcomeValue,
    ReportReminder,
    ReportReview,
    ReportSpend,
    ReportTemplate,
    ReportTemplateVersion,
)
from grants.organisations.models import (
    GroupHandover,
    GroupInvitation,
    GroupLetter,
    Membership,
    Organisation,
    RemovalRequest,
)
from grants.panels.meeting_models import (
    Decision,
    DecisionVersion,
    DeclineReason,
    Meeting,
    MeetingAttendance,
    ModeratedScore,
)
from grants.panels.models import (
    Assignment,
    Declaration,
    Panel,
    PanelProfile,
    PanelSeat,
    Score,
    ScoreSheet,
)
from grants.panels.record_models import RecordDocument
from grants.reference.models import Neighbourhood, Principle
from grants.screening.models import EligibilityCheck, StaffNote

__all__ = [
    "Answer",
    "Application",
    "Assignment",
    "AuditEvent",
    "Award",
    "AwardDocument",
    "AwardTerms",
    "BankDetails",
    "BudgetLine",
    "Contribution",
    "Criterion",
    "Decision",
    "DecisionVersion",
    "Declaration",
    "DeclineReason",
    "Document",
    "EligibilityCheck",
    "Fund",
    "GroupHandover",
    "GroupInvitation",
    "GroupLetter",
    "Indicator",
    "Invitation",
    "Meeting",
    "MeetingAttendance",
    "Membership",
    "ModeratedScore",
    "MonitoringReport",
    "Neighbourhood",
    "Organisation",
    "OutboundEmail",
    "Outcome",
    "Panel",
    "PanelProfile",
    "PanelSeat",
    "Payment",
    "PaymentRun",
    "Principle",
    "Question",
    "RecordDocument",
    "Recovery",
    "ReferenceCounter",
    "RemovalRequest",
    "ReportChangeRequest",
    "ReportDocument",
    "ReportDue",
    "ReportFile",
    "ReportOutcomeValue",
    "ReportReminder",
    "ReportReview",
    "ReportSpend",
    "ReportTemplate",
    "ReportTemplateVersion",
    "Revision",
    "RoleGrant",
    "Round",
    "Score",
    "ScoreSheet",
    "StaffNote",
    "User",
    "Variation",
]


def _never_reuse_ids() -> None:
    """On SQLite, a deleted row's id would otherwise be handed to the next row, and the audit
    trail of the deleted application would then describe a different one. AUTOINCREMENT stops
    that (PostgreSQL sequences never reuse ids anyway)."""
    from grants.extensions import db

    for table in db.metadata.tables.values():
        table.dialect_kwargs["sqlite_autoincrement"] = True


_never_reuse_ids()
