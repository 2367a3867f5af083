"""Applications in any state, made through the same services people use."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

from werkzeug.datastructures import FileStorage

from grants.applications import answers, services
from grants.applications.models import SUPPORTING_DOCUMENTS, Application, Channel
from grants.clock import utcnow
from grants.extensions import db
from grants.funds.models import Contribution, Fund, Question, QuestionKind, Round
from grants.organisations.models import Organisation, OrganisationType
from grants.reference.models import Neighbourhood, Principle
from tests.factories import make_group, make_user

_slugs = itertools.count(1)
# The smallest real PDF header filetype recognises; enough for content checks.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "document.pdf", content: bytes = PDF_BYTES) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type="application/pdf")


def open_round(*, questions: bool = False, **overrides) -> Round:
    """An open round: £250 to £2,000, every neighbourhood, every group type."""
    fund = db.session.query(Fund).first() or Fund(
        name="Community Investment Fund",
        contributions=[
            Contribution(
                contributor_name="Wigan Council",
                contributor_org_id="GB-LAE-WGN",
                amount_pence=50_000_000,
                received_on=date(2026, 4, 1),
            )
        ],
    )
    number = next(_slugs)
    values = {
        "slug": f"round-{number}",
        "title": f"Small grants {number}",
        "guidance": "Apply for up to £2,000.",
        "opens_at": utcnow() - timedelta(days=10),
        "closes_at": utcnow() + timedelta(days=30),
        "budget_pence": 6_000_000,
        "min_award_pence": 25_000,
        "max_award_pence": 200_000,
        "eligible_org_types": [t.value for t in OrganisationType],
        "all_neighbourhoods": True,
    }
    values.update(overrides)
    round_ = Round(fund=fund, **values)
    if questions:
        round_.questions = [
            Question(
                kind=QuestionKind.LONG_TEXT, label="Why is this needed?", position=1, word_limit=50
            ),
            Question(kind=QuestionKind.YES_NO, label="Have you run this before?", position=2),
            Question(
                kind=QuestionKind.SINGLE_CHOICE,
                label="How often?",
                position=3,
                options=["Weekly", "Monthly"],
            ),
            Question(
                kind=QuestionKind.FILE, label="A photo of your venue", position=4, required=False
            ),
        ]
    db.session.add(round_)
    db.session.commit()
    return round_


def start_application(
    round_: Round | None = None, organisation: Organisation | None = None, *, applicant=None
) -> Application:
    round_ = round_ or open_round()
    if organisation is None:
        applicant = applicant or make_user()
        organisation = make_group(applicant)
    elif applicant is None:
        applicant = organisation.main_contact
    return services.start(applicant, round_, organisation)


def complete(application: Application, *, amount: str = "1500", actor=None) -> Application:
    """Fill every section so the application is ready to send. Needs the reference_data fixture."""
    actor = actor or application.organisation.main_contact
    neighbourhood = db.session.query(Neighbourhood).order_by(Neighbourhood.name).first()
    principle = db.session.query(Principle).order_by(Principle.position).first()
    answers.confirm_group(actor, application)
    answers.save_project(
        actor,
        application,
        title="Hindley summer lunch club",
        summary="Free lunches and games for children in the summer holidays",
        description="We will run a lunch club three days a week for six weeks.",
    )
    answers.save_neighbourhoods(actor, application, [neighbourhood.id])
    answers.save_principles(actor, application, main_id=principle.id, other_ids=[])
    answers.save_beneficiaries(
        actor, application, people_reached=40, groups=["young_people", "families"]
    )
    answers.add_outcome(
        actor,
        application,
        indicator="Children attending",
        target="40 children",
        principle_id=principle.id,
    )
    answers.add_budget_line(actor, application, item="Food", category="materials", amount=amount)
    start = date.today() + timedelta(days=40)
    answers.save_timeline(actor, application, start=start, end=start + timedelta(days=42))
    for question in application.round.questions:
        if question.kind == QuestionKind.LONG_TEXT:
            answers.save_answers(actor, application, {question.id: "Because children go hungry."})
        elif question.kind == QuestionKind.YES_NO:
            answers.save_answers(actor, application, {question.id: "yes"})
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            answers.save_answers(actor, application, {question.id: question.options[0]})
    for kind in SUPPORTING_DOCUMENTS:
        answers.attach(actor, application, pdf_upload(f"{kind.value}.pdf"), kind=kind)
    answers.declare(actor, application, full_name=actor.full_name, confirmed=True)
    return application


def submitted_application(
    round_: Round | None = None, organisation: Organisation | None = None, **kwargs
) -> Application:
    application = complete(start_application(round_, organisation), **kwargs)
    return services.submit(
        application.organisation.main_contact,
        application,
        link_for=lambda a: f"/applications/{a.id}",
    )


def assisted_application(
    officer=None, round_: Round | None = None, channel: Channel = Channel.PHONE
) -> Application:
    from grants.permissions import Role

    officer = officer or make_user(Role.PROGRAMME_OFFICER)
    organisation = make_group(make_user())
    return services.start(officer, round_ or open_round(), organisation, channel=channel)


def add_measured_outcome(
    application: Application,
    *,
    name: str = "People taking part",
    unit: str = "people",
    target: int | str = 40,
):
    """An outcome that picks an indicator of the application's fund (made, if the fund has no
    indicator of that name), with a whole-number target. Needs the reference_data fixture."""
    from grants.funds.models import Indicator
    from tests.funds.factories import make_indicator

    fund = application.round.fund
    indicator = db.session.query(Indicator).filter_by(fund_id=fund.id, name=name).first()
    indicator = indicator or make_indicator(fund, name=name, unit=unit)
    return answers.add_outcome(
        application.organisation.main_contact,
        application,
        indicator_id=indicator.id,
        target_value=target,
    )
