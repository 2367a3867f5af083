"""What an officer reads when reviewing a report: the report beside the application's targets
and budget, the award's money, the instalment waiting on it, and (for a final report) any
underspend, split into the part not yet paid and the part already paid.

Spending is checked by the group's form (``grants.monitoring.spending.check``) when it is
there, so the officer sees exactly the warnings the group saw; until then the same rule is read
from the report's rows here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grants.accounts.models import User
from grants.applications.models import BENEFICIARY_GROUPS, BudgetLine, Outcome
from grants.awards.ledger import AwardMoney, money_of
from grants.awards.models import Payment, ReportKind
from grants.errors import NotAllowed
from grants.monitoring import access
from grants.monitoring.models import MonitoringReport, ReportOutcomeValue
from grants.monitoring.review.services import waiting_instalments

try:  # the group's form owns the spending check; read it when it has landed
    from grants.monitoring import spending as _spending
except ImportError:  # pragma: no cover - until then
    _spending = None

# A line more than this far from plan needs the group's explanation (10%, or £100).
SHARE, AMOUNT_PENCE = 10, 10_000


@dataclass(frozen=True)
class SpendLine:
    budget_line: BudgetLine
    planned_pence: int
    spent_pence: int | None
    explanation: str | None

    @property
    def difference_pence(self) -> int:
        return (self.spent_pence or 0) - self.planned_pence

    @property
    def needs_explanation(self) -> bool:
        gap = abs(self.difference_pence)
        return self.spent_pence is not None and (
            gap * 100 > self.planned_pence * SHARE or gap > AMOUNT_PENCE
        )


@dataclass(frozen=True)
class Spending:
    lines: list
    total_planned_pence: int
    total_spent_pence: int
    paid_pence: int


def _own_check(report: MonitoringReport, money: AwardMoney) -> Spending:
    spent = {row.budget_line_id: row for row in report.spending}
    lines = [
        SpendLine(
            line,
            line.amount_pence,
            spent[line.id].spent_pence if line.id in spent else None,
            spent[line.id].explanation if line.id in spent else None,
        )
        for line in report.award.application.budget_lines
    ]
    return Spending(
        lines,
        sum(line.planned_pence for line in lines),
        sum(line.spent_pence or 0 for line in lines),
        money.paid_pence,
    )


def spending_of(report: MonitoringReport, money: AwardMoney) -> Spending:
    check = getattr(_spending, "check", None)
    return check(report) if check is not None else _own_check(report, money)


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
    spending: Spending
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
    spending = spending_of(report, money)
    application = report.award.application
    values = {value.outcome_id: value for value in report.outcome_values}
    counted = report.reach or {}
    reach = []
    for key in application.beneficiary_groups or []:
        label = BENEFICIARY_GROUPS.get(key, key)
        reach.append((label, counted.get(key, counted.get(label))))  # kept by key or by label
    underspend = None
    if report.kind == ReportKind.FINAL and spending.total_spent_pence < max(
        money.amount_pence, money.paid_pence
    ):
        underspend = Underspend(spending.total_spent_pence, money.amount_pence, money.paid_pence)
    return ReviewPage(
        report=report,
        money=money,
        spending=spending,
        outcomes=[OutcomeRow(o, values.get(o.id)) for o in application.outcomes],
        reach=reach,
        waiting=waiting_instalments(report.report_due),
        underspend=underspend,
        conflict=conflict_of(viewer, report),
        history=list(report.reviews),
    )
