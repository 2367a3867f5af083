"""Demo fund and rounds: one round open now, one closed last month, each with criteria and questions.

Dates are relative to today so the demo always shows an open round. Idempotent: a fund or round
that already exists (by name or web address) is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from grants.accounts.models import User
from grants.clock import uk_to_utc, utc_to_uk, utcnow
from grants.extensions import db
from grants.funds import criteria, indicators, questions, services
from grants.funds.models import Fund, Indicator, IndicatorUnit, Round
from grants.organisations.models import OrganisationType
from grants.reference.models import Principle

FUND_NAME = "Community Investment Fund"
OFFICER_EMAIL = "officer@example.org"

LEVELS = (
    "0: Not addressed",
    "1: Very little evidence",
    "2: Some evidence, with gaps",
    "3: Good evidence",
    "4: Strong evidence",
    "5: Excellent, convincing evidence",
)
CRITERIA = [
    ("Meets a need local people have told us about", 3, "Listen deeply"),
    ("Reaches people who are heard least", 3, "See the person"),
    ("Builds links between people and groups in the neighbourhood", 2, "Connect to neighbourhoods"),
    ("A realistic plan and budget", 2, "Do the right thing"),
]

SMALL_GRANTS_GUIDANCE = """\
Small grants help community groups run activities that bring people together.

## What we fund

* activities, events and clubs open to local people
* equipment, materials and venue hire
* volunteers' expenses

## What we do not fund

* activities that make a profit for a person or business
* anything that has already happened

You can [read how the panel decides](https://www.wigan.gov.uk) before you apply.
"""

COMMUNITY_PROJECTS_GUIDANCE = """\
Community projects grants fund bigger projects that run for up to a year.

## Who can apply

Registered charities, CIOs, companies and societies, and constituted or faith groups with a bank
account in the group's name. Informal groups can apply to the small grants round instead.
"""

SMALL_GRANTS_QUESTIONS = [
    questions.QuestionDetails(
        label="Why is your project needed?",
        kind="long_text",
        hint="Tell us what local people have said and how you know.",
        word_limit=300,
    ),
    questions.QuestionDetails(
        label="Have you run this activity before?",
        kind="yes_no",
    ),
    questions.QuestionDetails(
        label="How did you hear about this fund?",
        kind="single_choice",
        required=False,
        options=["Council website", "Community event", "Another group", "Social media", "Other"],
    ),
    questions.QuestionDetails(
        label="A photo or poster of a past activity",
        kind="file",
        hint="A JPG, PNG or PDF up to 10MB.",
        required=False,
    ),
]
COMMUNITY_PROJECTS_QUESTIONS = [
    questions.QuestionDetails(
        label="How will you involve local people in running the project?",
        kind="long_text",
        word_limit=500,
    ),
    questions.QuestionDetails(
        label="Do you have a safeguarding policy?",
        kind="yes_no",
    ),
    questions.QuestionDetails(
        label="Which age groups will take part?",
        kind="multiple_choice",
        options=["Under 11", "11 to 18", "19 to 64", "65 and over"],
    ),
    questions.QuestionDetails(
        label="Your project plan",
        kind="file",
        hint="A timetable of what will happen when.",
    ),
]

# The demo fund's indicator library: (name, how to count it, unit, principle), over all six.
INDICATORS = [
    (
        "People taking part",
        "Count each person who takes part in your activities once, however many times they come. "
        "Do not count volunteers or staff running the activity.",
        IndicatorUnit.PEOPLE,
        "See the person",
    ),
    (
        "Young people taking part",
        "Count each person aged 11 to 25 who takes part once, however many times they come.",
        IndicatorUnit.PEOPLE,
        "See the person",
    ),
    (
        "Older people reached",
        "Count each person aged 65 or over who takes part or gets help from the project, once.",
        IndicatorUnit.PEOPLE,
        "See the person",
    ),
    (
        "People saying they feel less isolated",
        "Ask the people taking part, at the end of the project, whether they feel less alone than "
        "before. Give the share who say yes, as a percentage of everyone who answered.",
        IndicatorUnit.PERCENTAGE,
        "Listen deeply",
    ),
    (
        "People who helped shape the project",
        "Count each local person who gave their views on what the project should do, at a "
        "meeting, in a survey or in conversation, once.",
        IndicatorUnit.PEOPLE,
        "Listen deeply",
    ),
    (
        "Sessions held",
        "Count each session, club meeting or activity that actually went ahead. A weekly club "
        "that meets 20 times is 20 sessions.",
        IndicatorUnit.SESSIONS,
        "Know this place",
    ),
    (
        "Local spaces improved",
        "Yes if the project leaves a local space (a park, garden, hall or alleyway) in better "
        "condition for everyone to use; no if it does not.",
        IndicatorUnit.YES_NO,
        "Know this place",
    ),
    (
        "Volunteers involved",
        "Count each person who gave their time without pay to help run the project, once.",
        IndicatorUnit.VOLUNTEERS,
        "Connect to neighbourhoods",
    ),
    (
        "Volunteer hours",
        "Add up the hours all volunteers gave, including planning and setting up, in whole hours.",
        IndicatorUnit.HOURS,
        "Connect to neighbourhoods",
    ),
    (
        "New partnerships formed",
        "Count each group, school, business or service you worked with for the first time on "
        "this project.",
        IndicatorUnit.ITEMS,
        "Connect to neighbourhoods",
    ),
    (
        "Community events run",
        "Count each event open to the whole neighbourhood, such as a fun day, festival or "
        "celebration, that went ahead.",
        IndicatorUnit.SESSIONS,
        "Show our love and pride",
    ),
    (
        "People gaining a new skill",
        "Count each person who learned something they can now do on their own (cooking, "
        "digital skills, first aid), once, however many skills they gained.",
        IndicatorUnit.PEOPLE,
        "Show our love and pride",
    ),
    (
        "Food parcels and meals given out",
        "Count each food parcel, hamper or meal given to someone who needed it. A family's "
        "weekly parcel for 10 weeks is 10.",
        IndicatorUnit.ITEMS,
        "Do the right thing",
    ),
]


def _indicators(actor, fund: Fund) -> str:
    """Add any of the demo library the fund does not have yet (by name, ignoring case)."""
    have = {
        name.lower()
        for name in db.session.scalars(select(Indicator.name).where(Indicator.fund_id == fund.id))
    }
    principles = {p.name: p.id for p in db.session.scalars(select(Principle))}
    if not principles:
        return "  Indicators skipped: run import-geography first"
    added = 0
    for name, definition, unit, principle in INDICATORS:
        if name.lower() in have or principle not in principles:
            continue
        details = indicators.IndicatorDetails(name, definition, unit.value, principles[principle])
        indicators.add_indicator(actor, fund, details)
        added += 1
    return f"  Indicators: {added} added" if added else "  Indicators: already there"


def _fund(actor) -> Fund:
    fund = db.session.scalar(select(Fund).where(Fund.name == FUND_NAME))
    if fund is not None:
        return fund
    return services.save_fund(
        actor,
        None,
        services.FundDetails(
            name=FUND_NAME,
            description="The council's fund for community-led projects in every neighbourhood.",
            council_contribution_pence=500_000_00,
            funder_org_id="GB-LAE-WGN",
            funder_name="Wigan Council",
            publisher_prefix="360G-wigancouncil",
            publisher_website="https://www.wigan.gov.uk",
        ),
    )


def _add_criteria_and_questions(actor, round_: Round, question_list) -> None:
    principles = {p.name: p.id for p in db.session.scalars(select(Principle))}
    for name, weight, principle in CRITERIA:
        details = criteria.CriterionDetails(
            name=name,
            level_guidance="\n".join(LEVELS),
            weight=weight,
            max_score=5,
            principle_id=principles.get(principle),
        )
        criteria.save_criterion(actor, round_, None, details)
    for details in question_list:
        questions.save_question(actor, round_, None, details)


def _round(actor, fund: Fund, details: services.RoundDetails, question_list) -> str:
    if db.session.scalar(select(Round.id).where(Round.slug == details.slug)):
        return f"  {details.title}: already there"
    round_ = services.create_round(actor, fund, details)
    _add_criteria_and_questions(actor, round_, question_list)
    return f"  {round_.title}: created ({round_.status().value}), /rounds/{round_.slug}"


def _uk(day: date, hour: int) -> datetime:
    """A round time on the hour in UK time (9am and 5pm are never lost or doubled by the clocks)."""
    return uk_to_utc(day, time(hour, 0))


def seed_funds() -> list[str]:
    """Create the demo fund and its two rounds if missing. Returns lines to print."""
    actor = db.session.scalar(select(User).where(User.email == OFFICER_EMAIL))
    fund = _fund(actor)
    today = utc_to_uk(utcnow()).date()
    everyone = [t.value for t in OrganisationType]
    small = services.RoundDetails(
        slug="small-grants-2026",
        title="Small grants 2026",
        guidance=SMALL_GRANTS_GUIDANCE,
        opens_at=_uk(today - timedelta(days=30), 9),
        closes_at=_uk(today + timedelta(days=61), 17),
        budget_pence=60_000_00,
        min_award_pence=250_00,
        max_award_pence=2_000_00,
        eligible_org_types=everyone,
        max_income_pence=250_000_00,
        all_neighbourhoods=True,
        allows_recordings=True,
    )
    projects = services.RoundDetails(
        slug="community-projects-2026",
        title="Community projects 2026",
        guidance=COMMUNITY_PROJECTS_GUIDANCE,
        opens_at=_uk(today - timedelta(days=120), 9),
        closes_at=_uk(today - timedelta(days=30), 17),
        budget_pence=200_000_00,
        min_award_pence=2_001_00,
        max_award_pence=25_000_00,
        eligible_org_types=[t for t in everyone if t != OrganisationType.INFORMAL_GROUP],
        max_income_pence=1_000_000_00,
        all_neighbourhoods=True,
        blind_panel=True,
    )
    return [
        f"Fund: {fund.name}",
        _round(actor, fund, small, SMALL_GRANTS_QUESTIONS),
        _round(actor, fund, projects, COMMUNITY_PROJECTS_QUESTIONS),
        _indicators(actor, fund),
    ]
