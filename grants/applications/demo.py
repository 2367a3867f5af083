"""Demo applications across wards, principles, channels and every status of the life cycle."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grants.accounts import services as accounts
from grants.accounts.models import User
from grants.applications import answers, services
from grants.applications.models import SUPPORTING_DOCUMENTS, Application, Channel
from grants.applications.states import ApplicationStatus as S
from grants.clock import as_aware
from grants.extensions import db
from grants.funds import indicators
from grants.funds.models import QuestionKind, Round
from grants.money import format_pence
from grants.organisations import services as organisations
from grants.reference.models import Neighbourhood, Principle

# Walks a sent demo application on to the status the plan gives it.
Progress = Callable[[Application, S], None]

# A tiny but real PDF, so demo documents download and open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

PROJECTS = [
    ("Summer lunch club", "Free lunches and games for children in the school holidays"),
    ("Men's shed workshop", "A workshop where older men share skills, tools and company"),
    ("Community garden", "Turning a patch of waste ground into a shared vegetable garden"),
    ("Youth football nights", "Friday evening football and mentoring for young people"),
    ("Warm space cafe", "A warm, welcoming space with hot food through the winter"),
    ("Faith and food network", "Faith groups sharing surplus food with families who need it"),
    ("Carers' coffee mornings", "Weekly coffee mornings and advice for unpaid carers"),
    ("Heritage walks", "Guided walks telling the story of the town's mills and mines"),
    ("Digital drop-in", "Help for older people to get online safely"),
    ("Litter pick and pride", "Monthly litter picks and planters to brighten the high street"),
]
GROUP_TYPES = [
    ("constituted_group", None, None, "under_10k"),
    ("registered_charity", "1109876", None, "10k_to_50k"),
    ("cic", None, "11223344", "10k_to_50k"),
    ("faith_group", None, None, "under_10k"),
    ("cio", "1187654", None, "50k_to_100k"),
    ("community_benefit_society", None, None, "100k_to_250k"),
    ("company_limited_by_guarantee", None, "04567890", "50k_to_100k"),
    ("informal_group", None, None, "under_10k"),
]
# (status reached, round: "open"/"closed", assisted channel or None), 40 in all.
PLAN = (
    [(S.DRAFT, "open", None)] * 5
    + [(S.SUBMITTED, "open", None)] * 6
    + [(S.MORE_INFORMATION_REQUESTED, "open", None)] * 2
    + [(S.ELIGIBLE, "open", None)] * 3
    + [(S.WITHDRAWN, "open", None)] * 1
    + [
        (S.SUBMITTED, "open", Channel.PHONE),
        (S.DRAFT, "open", Channel.PAPER),
        (S.SUBMITTED, "open", Channel.INTERPRETER),
    ]
    + [(S.IN_PANEL_REVIEW, "closed", None)] * 4
    + [(S.FUNDED, "closed", None)] * 5
    + [(S.FUNDED, "closed", Channel.IN_PERSON)]
    + [(S.FUNDED_WITH_CONDITIONS, "closed", None)] * 2
    + [(S.RESERVE, "closed", None)] * 2
    + [(S.DECLINED, "closed", Channel.VIDEO_CALL)]
    + [(S.DECLINED, "closed", None)] * 2
    + [(S.INELIGIBLE, "closed", None)] * 3
)


# Each project's second measure from the fund's library, with its target, by project; the
# heritage walks also describe one outcome in their own words.
SECOND_MEASURES = {
    "Summer lunch club": ("Food parcels and meals given out", 600),
    "Men's shed workshop": ("People gaining a new skill", 15),
    "Community garden": ("Local spaces improved", "yes"),
    "Youth football nights": ("Young people taking part", 30),
    "Warm space cafe": ("People saying they feel less isolated", 70),
    "Faith and food network": ("New partnerships formed", 4),
    "Carers' coffee mornings": ("Sessions held", 40),
    "Heritage walks": ("Volunteer hours", 120),
    "Digital drop-in": ("Older people reached", 50),
    "Litter pick and pride": ("Volunteers involved", 25),
}
OWN_OUTCOMES = {
    "Heritage walks": "People know more about the town's mills and mines, and share their memories",
}


def _add_outcomes(actor, application: Application, number: int, principle: Principle) -> None:
    """People taking part and the project's second measure, from the fund's library (or in
    words, should the library not have them), and the heritage walks' own outcome."""
    title = PROJECTS[number % len(PROJECTS)][0]
    library = {i.name: i for i in indicators.active_indicators(application.round.fund_id)}
    people = 20 + number * 7
    for name, target in [("People taking part", people), SECOND_MEASURES[title]]:
        if name in library:
            answers.add_outcome(
                actor, application, indicator_id=library[name].id, target_value=target
            )
        else:
            answers.add_outcome(
                actor, application, description=name, target=str(target), principle_id=principle.id
            )
    if title in OWN_OUTCOMES:
        answers.add_outcome(
            actor,
            application,
            description=OWN_OUTCOMES[title],
            target="Two walks a month from spring to autumn",
            principle_id=principle.id,
        )


def _pdf(name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(DEMO_PDF), filename=name, content_type="application/pdf")


def _demo_groups(password: str) -> list:
    """The two demo applicants' groups first (so their dashboards show applications), then more."""
    groups = []
    for email in ("applicant@example.org", "applicant2@example.org"):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            groups.extend(list(db.session.scalars(organisations.visible_groups_query(user)))[:1])
    for number, (org_type, charity, company, income) in enumerate(GROUP_TYPES * 3, start=1):
        email = f"group{number}@example.org"
        contact = db.session.scalar(select(User).where(User.email == email))
        if contact is None:
            contact = accounts.create_user(
                email=email,
                full_name=f"Group Contact {number}",
                password=password,
            )
        existing = list(db.session.scalars(organisations.visible_groups_query(contact)))
        if existing:
            groups.append(existing[0])
            continue
        details = organisations.GroupDetails(
            name=f"{PROJECTS[number % len(PROJECTS)][0].split()[0]} Friends {number}",
            org_type=org_type,
            charity_number=charity,
            company_number=company,
            society_number="31234R" if org_type == "community_benefit_society" else None,
            address_line_1=f"{number} Market Street",
            address_line_2=None,
            town="Wigan",
            postcode=f"WN{1 + number % 7} {number % 9}AB",
            income_band=income,
            contact_phone=f"0161 496 0{200 + number:03d}",  # a range set aside for drama
        )
        groups.append(organisations.create_group(contact, details))
    return groups


def _fill(
    actor, application: Application, number: int, ward: Neighbourhood, principle: Principle
) -> None:
    title, summary = PROJECTS[number % len(PROJECTS)]
    round_ = application.round
    answers.confirm_group(actor, application)
    answers.save_project(
        actor,
        application,
        title=title,
        summary=summary,
        description=f"{summary}. We will run it in {ward.name} with local volunteers.",
    )
    answers.save_neighbourhoods(actor, application, [ward.id])
    answers.save_principles(actor, application, main_id=principle.id, other_ids=[])
    answers.save_beneficiaries(
        actor,
        application,
        people_reached=20 + number * 7,
        groups=["young_people", "older_people", "faith_communities", "carers"][number % 4 :][:2],
    )
    _add_outcomes(actor, application, number, principle)
    span = round_.max_award_pence - round_.min_award_pence
    amount = round_.min_award_pence + (span * ((number * 37) % 100)) // 100
    answers.add_budget_line(
        actor,
        application,
        item="Running costs",
        category="materials",
        amount=format_pence(amount).removeprefix("£"),
    )
    start = (as_aware(round_.closes_at) + timedelta(days=30)).date()
    answers.save_timeline(actor, application, start=start, end=start + timedelta(days=120))
    for question in round_.questions:
        value = {
            QuestionKind.SHORT_TEXT: "Yes, we have done this before",
            QuestionKind.LONG_TEXT: "Local people asked us for this at our last open meeting.",
            QuestionKind.NUMBER: 12,
            QuestionKind.YES_NO: "yes",
            QuestionKind.DATE: date(2026, 1, 15),
        }.get(question.kind)
        if (
            question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
            and question.options
        ):
            value = (
                question.options[0]
                if question.kind == QuestionKind.SINGLE_CHOICE
                else question.options[:1]
            )
        if value is not None:
            answers.save_answers(actor, application, {question.id: value})
        if question.kind == QuestionKind.FILE:
            answers.attach(
                actor,
                application,
                _pdf("supporting-file.pdf"),
                kind=answers.DocumentKind.ANSWER_FILE,
                answer_key=f"question-{question.id}",
            )
    for kind in SUPPORTING_DOCUMENTS:
        answers.attach(actor, application, _pdf(f"{kind.value}.pdf"), kind=kind)
    answers.declare(actor, application, full_name=actor.full_name, confirmed=True)


def seed_applications(password: str, progress: Progress | None = None) -> Iterator[str]:
    """About 40 applications; skipped when any already exist (so re-running adds nothing).

    Sent ones are handed to ``progress`` to be walked on to their planned status: screening does
    that (grants.screening.demo), since applications cannot import the domains after it.
    """
    if db.session.scalar(select(func.count(Application.id))):
        return
    rounds = {
        "open": db.session.scalar(select(Round).where(Round.slug == "small-grants-2026")),
        "closed": db.session.scalar(select(Round).where(Round.slug == "community-projects-2026")),
    }
    if not all(rounds.values()):
        return
    if not db.session.scalar(select(func.count(Neighbourhood.id))):
        yield "Demo applications skipped: run import-geography first"
        return
    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    wards = list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))
    principles = list(db.session.scalars(select(Principle).order_by(Principle.position)))
    groups = _demo_groups(password)
    made = 0
    in_round: dict[str, int] = {}
    for number, (status, which, channel) in enumerate(PLAN):
        round_ = rounds[which]
        when = as_aware(round_.opens_at) + timedelta(days=1 + number % 20)
        # Each group applies once to each round, as the rounds allow.
        in_round[which] = in_round.get(which, -1) + 1
        group = groups[in_round[which] % len(groups)]
        actor = officer if channel else group.main_contact
        application = services.start(
            actor, round_, group, channel=channel or Channel.ONLINE, now=when
        )
        _fill(
            actor,
            application,
            number,
            wards[(number * 7) % len(wards)],
            principles[number % len(principles)],
        )
        if status != S.DRAFT:
            services.submit(actor, application, link_for=lambda a: "", now=when)
            if progress:
                progress(application, status)
        made += 1
    yield f"Demo applications: {made} made"
