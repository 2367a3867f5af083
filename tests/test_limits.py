"""Repeated rows have a cap, checked in the service and refused with a message: budget lines,
outcomes and documents on an application, criteria and questions on a round, contributions to
a fund. Two adds at once cannot pass a cap between them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grants import limits
from grants.accounts.models import User
from grants.applications import answers
from grants.applications.models import Application, BudgetLine, Document, DocumentKind, Outcome
from grants.awards import contributions
from grants.errors import DomainError
from grants.extensions import db
from grants.funds import criteria
from grants.funds.models import Contribution, Criterion, Question
from grants.permissions import Role
from grants.reference.models import Principle
from tests.applications.factories import open_round, pdf_upload, start_application
from tests.checks import error_messages
from tests.concurrency import at_once
from tests.factories import make_user, sign_in
from tests.funds.factories import LEVELS, make_criterion, make_question

pytestmark = pytest.mark.usefixtures("reference_data")


def _count(column, owner_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(column == owner_id))


@pytest.fixture
def draft(client):
    application = start_application(open_round())
    sign_in(client, application.organisation.main_contact)
    return application


def _fill_budget(application: Application, lines: int) -> None:
    for number in range(lines):
        db.session.add(
            BudgetLine(
                application_id=application.id,
                item=f"Item {number}",
                category="equipment",
                amount_pence=1,
            )
        )
    db.session.commit()


def test_the_51st_budget_line_is_refused_with_a_message(client, draft):
    _fill_budget(draft, limits.MAX_BUDGET_LINES)
    response = client.post(
        f"/applications/{draft.id}/budget",
        data={"item": "One more", "category": "equipment", "amount": "10"},
    )
    assert response.status_code == 200
    assert any("up to 50 lines" in message for message in error_messages(response))
    assert _count(BudgetLine.application_id, draft.id) == limits.MAX_BUDGET_LINES


def test_the_50th_budget_line_is_still_added(client, draft):
    _fill_budget(draft, limits.MAX_BUDGET_LINES - 1)
    response = client.post(
        f"/applications/{draft.id}/budget",
        data={"item": "The last", "category": "equipment", "amount": "10"},
    )
    assert response.status_code == 302
    assert _count(BudgetLine.application_id, draft.id) == limits.MAX_BUDGET_LINES


def test_the_51st_outcome_is_refused_with_a_message(client, draft):
    principle = db.session.scalars(select(Principle)).first()
    for number in range(limits.MAX_OUTCOMES):
        db.session.add(
            Outcome(
                application_id=draft.id,
                description=f"Change {number}",
                target="10",
                principle_id=principle.id,
            )
        )
    db.session.commit()
    response = client.post(
        f"/applications/{draft.id}/outcomes",
        data={"description": "One more", "target": "5", "principle": str(principle.id)},
    )
    assert response.status_code == 200
    assert any("up to 50 outcomes" in message for message in error_messages(response))
    assert _count(Outcome.application_id, draft.id) == limits.MAX_OUTCOMES


def test_the_31st_document_is_refused_and_its_file_removed(app, draft):
    for number in range(limits.MAX_DOCUMENTS):
        db.session.add(
            Document(
                application_id=draft.id,
                kind=DocumentKind.ANSWER_FILE,
                answer_key=f"question-{number}",
                original_name=f"{number}.pdf",
                stored_name=f"{number:032x}",
                content_type="application/pdf",
                size_bytes=10,
                uploaded_by_id=draft.created_by_id,
            )
        )
    db.session.commit()
    folder = Path(app.config["UPLOAD_FOLDER"])
    before = set(folder.glob("*")) if folder.exists() else set()
    actor = draft.organisation.main_contact
    with pytest.raises(DomainError, match="up to 30 files"):
        answers.attach(actor, draft, pdf_upload(), kind=DocumentKind.GOVERNING_DOCUMENT)
    db.session.rollback()
    assert (set(folder.glob("*")) if folder.exists() else set()) == before
    assert _count(Document.application_id, draft.id) == limits.MAX_DOCUMENTS


def test_a_file_replacing_its_own_slot_is_allowed_at_the_cap(draft):
    actor = draft.organisation.main_contact
    for number in range(limits.MAX_DOCUMENTS - 1):
        db.session.add(
            Document(
                application_id=draft.id,
                kind=DocumentKind.ANSWER_FILE,
                answer_key=f"question-{number}",
                original_name=f"{number}.pdf",
                stored_name=f"{number:032x}",
                content_type="application/pdf",
                size_bytes=10,
                uploaded_by_id=actor.id,
            )
        )
    db.session.commit()
    answers.attach(actor, draft, pdf_upload(), kind=DocumentKind.GOVERNING_DOCUMENT)
    answers.attach(actor, draft, pdf_upload("new.pdf"), kind=DocumentKind.GOVERNING_DOCUMENT)
    assert _count(Document.application_id, draft.id) == limits.MAX_DOCUMENTS


def test_a_rounds_criteria_and_questions_are_capped(client):
    round_ = open_round()
    for number in range(limits.MAX_CRITERIA):
        make_criterion(round_, name=f"Criterion {number}")
    for number in range(limits.MAX_QUESTIONS):
        make_question(round_, label=f"Question {number}")
    db.session.commit()
    with pytest.raises(DomainError, match="up to 20 criteria"):
        make_criterion(round_, name="One more")
    with pytest.raises(DomainError, match="up to 30 questions"):
        make_question(round_, label="One more")
    db.session.rollback()
    assert _count(Criterion.round_id, round_.id) == limits.MAX_CRITERIA
    assert _count(Question.round_id, round_.id) == limits.MAX_QUESTIONS
    # Changing one that is there is not adding one.
    criterion = db.session.scalars(select(Criterion).where(Criterion.round_id == round_.id)).first()
    changed = criteria.CriterionDetails(
        name="Renamed", level_guidance=LEVELS, weight=2, max_score=criterion.max_score
    )
    assert criteria.save_criterion(None, round_, criterion, changed).name == "Renamed"


def test_a_funds_contributions_are_capped():
    fund = open_round().fund
    finance = make_user(Role.FINANCE_OFFICER)
    details = contributions.ContributionDetails("Partner", "GB-CHC-1", 100, date(2026, 4, 1))
    for _ in range(limits.MAX_CONTRIBUTIONS - len(fund.contributions)):
        contributions.add(finance, fund, details)
    db.session.commit()
    with pytest.raises(DomainError, match="up to 50 contributions"):
        contributions.add(finance, fund, details)
    db.session.rollback()
    assert _count(Contribution.fund_id, fund.id) == limits.MAX_CONTRIBUTIONS


def test_two_budget_lines_added_at_once_never_pass_the_cap(app, draft):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set TEST_DATABASE_URL)")
    _fill_budget(draft, limits.MAX_BUDGET_LINES - 1)
    applicant_id, application_id = draft.organisation.main_contact.id, draft.id

    def adding(item: str):
        def prepare():
            actor = db.session.get(User, applicant_id)
            application = db.session.get(Application, application_id)
            assert len(application.budget_lines) == limits.MAX_BUDGET_LINES - 1  # as the page saw
            return lambda: answers.add_budget_line(
                actor, application, item=item, category="equipment", amount="1"
            )

        return prepare

    results = at_once(app, [adding("First"), adding("Second")])
    assert sum(result is None for result in results) == 1, results
    assert isinstance(next(r for r in results if r is not None), DomainError)
    assert _count(BudgetLine.application_id, application_id) == limits.MAX_BUDGET_LINES
