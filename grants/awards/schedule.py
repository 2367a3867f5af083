"""A round's award terms and the payment and reporting schedule they give an award.

Money is split in whole pence that add up exactly to the award. Due dates fall on working days:
a date on a weekend or an England and Wales bank holiday moves to the next working day (the
``holidays`` package keeps the bank holiday list, including one-off days such as coronations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from grants.awards.models import REPORT_FOR_CONDITION, AwardTerms, ReleaseCondition, ReportKind
from grants.extensions import db
from grants.money import split_pence

DEFAULT_SINGLE_PAYMENT_LIMIT_PENCE = 200_000  # £2,000: paid in full on acceptance
DEFAULT_INSTALMENTS = (
    {"percent": 50, "condition": ReleaseCondition.ON_ACCEPTANCE.value},
    {"percent": 40, "condition": ReleaseCondition.INTERIM_REPORT.value},
    {"percent": 10, "condition": ReleaseCondition.FINAL_REPORT.value},
)
DEFAULT_OFFER_VALID_DAYS = 30
# Reports: the interim halfway through the project, the final a month after it ends. An instalment
# waiting on a report falls due a fortnight after the report does, time to review it.
FINAL_REPORT_AFTER_END = timedelta(days=30)
REVIEW_TIME = timedelta(days=14)


def terms_for(round_id: int) -> AwardTerms:
    """The round's terms, or the defaults (not saved) when the round has set none."""
    terms = db.session.scalar(select(AwardTerms).where(AwardTerms.round_id == round_id))
    return terms or AwardTerms(
        round_id=round_id,
        single_payment_limit_pence=DEFAULT_SINGLE_PAYMENT_LIMIT_PENCE,
        instalments=[dict(i) for i in DEFAULT_INSTALMENTS],
        offer_valid_days=DEFAULT_OFFER_VALID_DAYS,
        terms="",
    )


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_day(day: date) -> date:
    """``day`` itself if a working day, otherwise the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def instalment_amounts(amount_pence: int, percents: list[int]) -> list[int]:
    """Split ``amount_pence`` by ``percents`` (adding up to 100) in whole pence, the odd pennies
    by largest remainder (``grants.money.split_pence``), so the parts always add up to the whole
    and nobody is paid a fraction of a penny."""
    if sum(percents) != 100:
        raise ValueError("instalment percentages must add up to 100")
    return split_pence(amount_pence, percents)


@dataclass(frozen=True)
class PlannedPayment:
    amount_pence: int
    due_on: date
    condition: ReleaseCondition


@dataclass(frozen=True)
class Plan:
    payments: list[PlannedPayment]
    reports: dict[ReportKind, date]


def report_dates(start: date, end: date, kinds: set[ReportKind]) -> dict[ReportKind, date]:
    dates = {ReportKind.FINAL: working_day(end + FINAL_REPORT_AFTER_END)}
    if ReportKind.INTERIM in kinds:
        dates[ReportKind.INTERIM] = working_day(start + (end - start) // 2)
    return dates


def plan(amount_pence: int, start: date, end: date, terms: AwardTerms) -> Plan:
    """The instalments and reports for an award of ``amount_pence`` from ``start`` to ``end``.

    Small awards are one payment on acceptance. Larger ones follow the round's template; a
    template that leaves a report out still gets a final report, which every grantee owes."""
    if amount_pence <= terms.single_payment_limit_pence:
        template = [{"percent": 100, "condition": ReleaseCondition.ON_ACCEPTANCE.value}]
    else:
        template = list(terms.instalments)
    conditions = [ReleaseCondition(step["condition"]) for step in template]
    amounts = instalment_amounts(amount_pence, [int(step["percent"]) for step in template])
    reports = report_dates(
        start, end, {REPORT_FOR_CONDITION[c] for c in conditions if c in REPORT_FOR_CONDITION}
    )
    payments = []
    for amount, condition in zip(amounts, conditions, strict=True):
        if condition == ReleaseCondition.ON_ACCEPTANCE:
            due = working_day(start)
        else:
            due = working_day(reports[REPORT_FOR_CONDITION[condition]] + REVIEW_TIME)
        if amount > 0:
            payments.append(PlannedPayment(amount, due, condition))
    return Plan(payments, reports)
