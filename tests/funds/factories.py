"""Plain functions that make funds, rounds, criteria and questions through the funds services.

Other test packages may import these: ``make_round()`` gives an open round of a new fund.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from grants.clock import utcnow
from grants.extensions import db
from grants.funds import criteria, indicators, questions, services
from grants.funds.models import Criterion, Fund, Indicator, Question, Round
from grants.organisations.models import OrganisationType

_numbers = itertools.count(1)

LEVELS = "0: No evidence\n1: Some evidence\n2: Good evidence\n3: Strong evidence"


def make_fund(
    *,
    name: str | None = None,
    budget_pence: int = 100_000_000,
    description: str = "A fund for tests.",
) -> Fund:
    return services.save_fund(
        None,
        None,
        services.FundDetails(
            name=name or f"Fund {next(_numbers)}",
            description=description,
            council_contribution_pence=budget_pence,
            funder_org_id="GB-LAE-WGN",
            funder_name="Wigan Council",
            publisher_prefix="360G-wigancouncil",
        ),
    )


def round_details(
    *,
    slug: str | None = None,
    opens_at=None,
    closes_at=None,
    min_award_pence: int = 25000,
    max_award_pence: int = 200000,
    **overrides,
) -> services.RoundDetails:
    """Settings for an open round that every type of group, anywhere, may apply to."""
    now = utcnow()
    values = {
        "slug": slug or f"round-{next(_numbers)}",
        "title": "Small grants",
        "guidance": "Apply for a **small grant**.",
        "opens_at": opens_at or now - timedelta(days=1),
        "closes_at": closes_at or now + timedelta(days=30),
        "budget_pence": 5_000_000,
        "min_award_pence": min_award_pence,
        "max_award_pence": max_award_pence,
        "eligible_org_types": [t.value for t in OrganisationType],
    }
    values.update(overrides)
    return services.RoundDetails(**values)


def make_round(
    fund: Fund | None = None,
    *,
    slug: str | None = None,
    opens_at=None,
    closes_at=None,
    min_award_pence: int = 25000,
    max_award_pence: int = 200000,
    **overrides,
) -> Round:
    """An open round (unless the dates say otherwise) of ``fund`` or of a new fund."""
    details = round_details(
        slug=slug,
        opens_at=opens_at,
        closes_at=closes_at,
        min_award_pence=min_award_pence,
        max_award_pence=max_award_pence,
        **overrides,
    )
    return services.create_round(None, fund or make_fund(), details)


def make_criterion(
    round_: Round, *, name: str = "Meets a local need", weight: int = 1
) -> Criterion:
    details = criteria.CriterionDetails(
        name=name, level_guidance=LEVELS, weight=weight, max_score=3
    )
    return criteria.save_criterion(None, round_, None, details)


def make_question(
    round_: Round, *, label: str = "Why is it needed?", kind: str = "short_text", **overrides
) -> Question:
    details = questions.QuestionDetails(label=label, kind=kind, **overrides)
    return questions.save_question(None, round_, None, details)


def make_indicator(
    fund: Fund,
    *,
    name: str | None = None,
    unit: str = "people",
    definition: str = "Count each person who takes part once.",
    principle_id: int | None = None,
) -> Indicator:
    """An active indicator in ``fund``'s library (the first principle unless one is named: the
    reference_data fixture makes them)."""
    from grants.reference.models import Principle

    if principle_id is None:
        principle_id = db.session.query(Principle.id).order_by(Principle.position).first()[0]
    details = indicators.IndicatorDetails(
        name=name or f"Indicator {next(_numbers)}",
        definition=definition,
        unit=unit,
        principle_id=principle_id,
    )
    return indicators.add_indicator(None, fund, details)
