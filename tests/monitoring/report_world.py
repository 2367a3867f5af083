"""Set-up shared by the report form's tests: an award in force whose application has two budget
lines, an indicator outcome and an own outcome, and a report filled in section by section
through the services."""

from __future__ import annotations

from dataclasses import dataclass

from grants.accounts.models import User
from grants.applications.models import Application, BudgetLine, Outcome
from grants.awards.models import ReportKind
from grants.extensions import db
from grants.funds.models import Indicator, IndicatorUnit
from grants.monitoring.models import MonitoringReport
from grants.monitoring.report import services
from grants.reference.models import Principle
from tests.awards.test_payments_setup import Ready
from tests.monitoring.factories import award_in_force, report_due


@dataclass
class World:
    ready: Ready
    food: BudgetLine  # £1,500 planned (the application's own line)
    venue: BudgetLine  # £400 planned
    measured: Outcome  # an indicator outcome: 40 people taking part
    own: Outcome  # the group's own outcome, in words

    @property
    def member(self) -> User:
        return self.ready.member

    @property
    def application(self) -> Application:
        return self.ready.award.application


def world(amount_pence: int = 500_000) -> World:
    ready = award_in_force(amount_pence)
    application = ready.award.application
    principle = db.session.query(Principle).order_by(Principle.position).first()
    indicator = Indicator(
        fund_id=ready.award.round.fund_id,
        name="People taking part",
        definition="Count each person once.",
        unit=IndicatorUnit.PEOPLE,
        principle_id=principle.id,
    )
    db.session.add(indicator)
    db.session.flush()
    venue = BudgetLine(item="Venue hire", category="venue", amount_pence=40_000)
    measured = Outcome(indicator_id=indicator.id, target_value=40, principle_id=principle.id)
    application.budget_lines.append(venue)
    application.outcomes.append(measured)
    db.session.flush()
    food = next(line for line in application.budget_lines if line.item == "Food")
    own = next(outcome for outcome in application.outcomes if not outcome.is_measured)
    return World(ready, food, venue, measured, own)


def started(w: World, kind: ReportKind = ReportKind.INTERIM) -> MonitoringReport:
    return services.start(w.member, report_due(w.ready, kind))


def fill(w: World, report: MonitoringReport) -> MonitoringReport:
    """Every section of the report answered, ready to send (the story and changes sections are
    marked saved directly: their pages are built elsewhere)."""
    member = w.member
    services.save_what_happened(member, report, "We ran twelve lunch sessions.")
    services.save_spending(member, report, {w.food.id: (150_000, None), w.venue.id: (40_000, None)})
    services.save_outcomes(
        member,
        report,
        reach={"young_people": 30, "families": 12},
        values={w.measured.id: (35, "Most weeks", None), w.own.id: (None, None, "Going well")},
    )
    for question in services.sections.questions_of(report):
        services.save_answers(member, report, {question.id: "More of the same"})
    report.sections_saved = [*report.sections_saved, "changes"]
    db.session.flush()
    return report
