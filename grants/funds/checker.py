"""The public eligibility checker's journey: its steps and the answers kept between pages.

Answers live in the signed session cookie, per round, so nobody needs an account to check and a
"back" link can show what was chosen. The rules themselves are in grants.funds.eligibility.
"""

from __future__ import annotations

from flask import session

from grants.extensions import db
from grants.funds.eligibility import (
    Answers,
    reasons_income_is_ineligible,
    reasons_place_is_ineligible,
    reasons_type_is_ineligible,
)
from grants.funds.models import Round
from grants.numbers import whole_number
from grants.organisations.models import IncomeBand, OrganisationType
from grants.reference.models import Neighbourhood

GROUP_TYPE, INCOME, WHERE = "group-type", "income", "where"
STEPS = (GROUP_TYPE, INCOME, WHERE)
RESULT = "result"
EVERYWHERE = "borough"
SESSION_KEY = "eligibility"
ROUNDS_REMEMBERED = 5


def saved_answers(slug: str) -> dict[str, str]:
    """The raw answers given for this round: step -> value."""
    return dict(session.get(SESSION_KEY, {}).get(slug, {}))


def remember(slug: str, step: str, value: str) -> None:
    """Keep an answer for this round; forget the oldest rounds so the cookie stays small."""
    rounds = dict(session.get(SESSION_KEY, {}))
    answers = dict(rounds.pop(slug, {}))
    answers[step] = value
    rounds[slug] = answers
    while len(rounds) > ROUNDS_REMEMBERED:
        rounds.pop(next(iter(rounds)))
    session[SESSION_KEY] = rounds


def resolve(raw: dict[str, str]) -> Answers:
    """Raw values -> Answers. A value that no longer means anything counts as not answered."""
    org_type = raw.get(GROUP_TYPE)
    income = raw.get(INCOME)
    where = raw.get(WHERE)
    neighbourhood = None
    if where and where != EVERYWHERE and whole_number(where) is not None:
        neighbourhood = db.session.get(Neighbourhood, whole_number(where))
    return Answers(
        org_type=OrganisationType(org_type) if org_type in set(OrganisationType) else None,
        income_band=IncomeBand(income) if income in set(IncomeBand) else None,
        place_answered=where == EVERYWHERE or neighbourhood is not None,
        neighbourhood=neighbourhood,
    )


def _answered(step: str, answers: Answers) -> bool:
    return {
        GROUP_TYPE: answers.org_type is not None,
        INCOME: answers.income_band is not None,
        WHERE: answers.place_answered,
    }[step]


def reasons_for_step(round_: Round, step: str, answers: Answers) -> list[str]:
    if not _answered(step, answers):
        return []
    if step == GROUP_TYPE:
        return reasons_type_is_ineligible(round_, answers.org_type)
    if step == INCOME:
        return reasons_income_is_ineligible(round_, answers.income_band)
    return reasons_place_is_ineligible(round_, answers.neighbourhood)


def where_next(round_: Round, answers: Answers) -> str:
    """The first step not yet answered, or RESULT once an answer rules the group out or all are in.

    Stopping at the first "no" saves people answering questions that cannot change the outcome.
    """
    for step in STEPS:
        if reasons_for_step(round_, step, answers):
            return RESULT
        if not _answered(step, answers):
            return step
    return RESULT


def step_before(round_: Round, step: str, answers: Answers) -> str | None:
    """The page a back link goes to: the previous step, or the last one that led to the result."""
    if step == RESULT:
        for candidate in STEPS:
            if reasons_for_step(round_, candidate, answers):
                return candidate
        return STEPS[-1]
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None
