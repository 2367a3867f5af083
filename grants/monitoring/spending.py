"""The spending rule of a monitoring report: spend to date on each budget line against the plan,
and the total against what the group has been paid.

One place, asked by the group's spending page, check your answers, sending, the PDF and the
officers' review page:

- a line more than 10% **or** more than £100 away from its planned amount needs a short
  explanation;
- a missing answer (a line with no spend given, or a difference with no explanation) is an
  **error**: it blocks sending;
- an explained difference, and a total spent that differs from what has been paid, are
  **warnings**: shown, never blocking.

Integer pence throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grants.applications.models import BudgetLine
from grants.awards.ledger import money_of
from grants.money import format_pence

# More than this share of the plan away from it (10%: the difference times 10 exceeds the plan).
SHARE_DENOMINATOR = 10
# More than this many pence away from the plan (£100).
ABSOLUTE_PENCE = 10_000


def spent_field(line_id: int) -> str:
    return f"spent_{line_id}"


def explanation_field(line_id: int) -> str:
    return f"explanation_{line_id}"


def needs_explanation(planned_pence: int, spent_pence: int | None) -> bool:
    """More than 10% or more than £100 away from plan (either way)."""
    if spent_pence is None:
        return False
    away = abs(spent_pence - planned_pence)
    return away * SHARE_DENOMINATOR > planned_pence or away > ABSOLUTE_PENCE


@dataclass(frozen=True)
class Problem:
    """A missing answer, against the form field that asks for it."""

    field: str
    message: str


@dataclass(frozen=True)
class SpendLine:
    budget_line: BudgetLine
    planned_pence: int
    spent_pence: int | None
    explanation: str | None

    @property
    def difference_pence(self) -> int | None:
        """Spent less planned: positive when more was spent than planned."""
        return None if self.spent_pence is None else self.spent_pence - self.planned_pence

    @property
    def needs_explanation(self) -> bool:
        return needs_explanation(self.planned_pence, self.spent_pence)

    @property
    def explained(self) -> bool:
        return bool((self.explanation or "").strip())

    @property
    def difference_text(self) -> str:
        """ "£150 more than planned", "£40 less than planned", "As planned" or ""."""
        difference = self.difference_pence
        if difference is None:
            return ""
        if difference == 0:
            return "As planned"
        direction = "more" if difference > 0 else "less"
        return f"{format_pence(abs(difference))} {direction} than planned"


@dataclass(frozen=True)
class SpendingCheck:
    lines: list[SpendLine]
    total_planned_pence: int
    total_spent_pence: int
    paid_pence: int
    errors: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors

    @property
    def all_given(self) -> bool:
        return all(line.spent_pence is not None for line in self.lines)

    def line_for(self, budget_line_id: int) -> SpendLine | None:
        return next((line for line in self.lines if line.budget_line.id == budget_line_id), None)


def _line_problems(line: SpendLine) -> list[Problem]:
    item = line.budget_line.item
    if line.spent_pence is None:
        return [
            Problem(spent_field(line.budget_line.id), f"Enter how much you have spent on {item}")
        ]
    if line.needs_explanation and not line.explained:
        return [
            Problem(
                explanation_field(line.budget_line.id),
                f"Explain why your spending on {item} is {line.difference_text}",
            )
        ]
    return []


def _total_warning(spent: int, paid: int) -> str | None:
    if spent < paid:
        return (
            f"You have spent {format_pence(paid - spent)} less than we have paid you so far "
            f"({format_pence(paid)}). If the project has finished, this is an underspend: we will "
            "talk to you about the money left."
        )
    if spent > paid:
        return (
            f"You have spent {format_pence(spent - paid)} more than we have paid you so far "
            f"({format_pence(paid)})."
        )
    return None


def check(report, *, paid_pence: int | None = None) -> SpendingCheck:
    """The report's spending against its application's budget, and against what has been paid.

    ``paid_pence`` may be given by a caller that has already read the award's money (a list of
    reports); otherwise it is read from the ledger."""
    saved = {spend.budget_line_id: spend for spend in report.spending}
    lines = []
    for budget_line in report.award.application.budget_lines:
        spend = saved.get(budget_line.id)
        lines.append(
            SpendLine(
                budget_line=budget_line,
                planned_pence=budget_line.amount_pence,
                spent_pence=spend.spent_pence if spend else None,
                explanation=spend.explanation if spend else None,
            )
        )
    paid = money_of(report.award).paid_pence if paid_pence is None else paid_pence
    errors = [problem for line in lines for problem in _line_problems(line)]
    warnings = [
        f"{line.budget_line.item}: {line.difference_text}. You have explained why."
        for line in lines
        if line.needs_explanation and line.explained
    ]
    total_spent = sum(line.spent_pence or 0 for line in lines)
    if all(line.spent_pence is not None for line in lines):
        total = _total_warning(total_spent, paid)
        if total:
            warnings.append(total)
    return SpendingCheck(
        lines=lines,
        total_planned_pence=sum(line.planned_pence for line in lines),
        total_spent_pence=total_spent,
        paid_pence=paid,
        errors=errors,
        warnings=warnings,
    )


def problems_in(report, spends: dict[int, tuple[int | None, str | None]]) -> list[Problem]:
    """The missing answers in what was just typed (``{budget_line_id: (spent_pence,
    explanation)}``), so a page refused for one bad amount still lists every other problem."""
    lines = [
        SpendLine(line, line.amount_pence, *spends.get(line.id, (None, None)))
        for line in report.award.application.budget_lines
    ]
    return [problem for line in lines for problem in _line_problems(line)]
