"""What an officer reads when reviewing a report: the report beside the application's targets
and budget, the award's money, the instalment waiting on it, and (for a final report) any
underspend, split into the part not yet paid and the part already paid.

Spending is checked by the same rule as the group's form (``grants.monitoring.spending``), so
the officer sees exactly the warnings the group saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grants.accounts.models import User
from grants.applications.models import BENEFICIARY_GROUPS, Outcome
from grants.awards.ledger import AwardMoney, money_of
from grants.awards.models import Payment, ReportKind
from grants.errors import NotAllowed
from grants.monitoring import access, spending
from grants.monitoring.models import MonitoringReport, ReportOutcomeValue
from grants.monitoring.review.services import waiting_instalments


@dataclass(frozen=True)
class Underspend:
    """A final report spending less than the award: what is not yet paid is cancelled by a
    decrease variation; what was paid and not spent comes back, recorded as a recovery."""

    spent_pence: int
    award_pence: int
    paid_pence: int

    @property
    def total_pence(self) -> int:
        return max(self.award_pence - self.spent_pence, 0)

    @property
    def unpaid_part_pence(self) -> int:
        return max(self.award_pence - max(self.spent_pence, self.paid_pence), 0)

    @property
    def paid_part_pence(self) -> int:
        return max(self.paid_pence - self.spent_pence, 0)


@dataclass(frozen=True)
class OutcomeRow:
    outcome: Outcome
    value: ReportOutcomeValue | None


@dataclass
class ReviewPage:
    report: MonitoringReport
    money: AwardMoney
    spending: spending.SpendingCheck
    outcomes: list[OutcomeRow]
    reach: list[tuple[str, int | None]]  # (beneficiary group, people reached so far)
    waiting: list[Payment]
    underspend: Underspend | None
    conflict: str | None
    history: list = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.report.kind == ReportKind.FINAL

    @property
    def can_decide(self) -> bool:
        return self.conflict is None and self.report.awaiting_review


def conflict_of(viewer: User, report: MonitoringReport) -> str | None:
    """Why this officer may not review this report, or None."""
    try:
        access.check_may_review(viewer, report)
    except NotAllowed as refusal:
        return refusal.message
    return None


def page_for(viewer: User, report: MonitoringReport) -> ReviewPage:
    money = money_of(report.award)
    spent = spending.check(report, paid_pence=money.paid_pence)  # the rule the group's form uses
    application = report.award.application
    values = {value.outcome_id: value for value in report.outcome_values}
    counted = report.reach or {}
    reach = []
    for key in application.beneficiary_groups or []:
        label = BENEFICIARY_GROUPS.get(key, key)
        reach.append((label, counted.get(key)))
    underspend = None
    if report.kind == ReportKind.FINAL and spent.total_spent_pence < max(
        money.amount_pence, money.paid_pence
    ):
        underspend = Underspend(spent.total_spent_pence, money.amount_pence, money.paid_pence)
    return ReviewPage(
        report=report,
        money=money,
        spending=spent,
        outcomes=[OutcomeRow(o, values.get(o.id)) for o in application.outcomes],
        reach=reach,
        waiting=waiting_instalments(report.report_due),
        underspend=underspend,
        conflict=conflict_of(viewer, report),
        history=list(report.reviews),
    )
