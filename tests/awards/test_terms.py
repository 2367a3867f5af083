"""A round's award terms: what finance may save, the defaults, and what saving changes (awards
being prepared) and does not change (offers already sent)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards import documents, offers, terms
from grants.awards.models import AwardTerms, DocumentKind
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.pdf import render_pdf_html
from tests.awards.factories import finance_officer, released_awards
from tests.checks import error_messages, soup_of
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def _answer(**overrides) -> terms.TermsInput:
    values = {
        "single_payment_limit_pence": 100_000,
        "offer_valid_days": 14,
        "terms": "## Our terms\n\nBe good.",
        "instalments": [
            terms.Instalment(60, "on_acceptance"),
            terms.Instalment(40, "final_report"),
        ],
    }
    values.update(overrides)
    return terms.TermsInput(**values)


@pytest.fixture
def finance():
    return finance_officer()


def test_saving_terms_reschedules_awards_being_prepared_but_not_offers_sent(finance):
    preparing, sent = released_awards([500_000, 500_000])
    offers.send_offer(finance, sent.award, lambda a: "/")
    sent_schedule = [(p.amount_pence, p.release_condition) for p in sent.award.payments]
    saved = terms.save_terms(finance, preparing.award.round, _answer())
    assert saved.instalments == [
        {"percent": 60, "condition": "on_acceptance"},
        {"percent": 40, "condition": "final_report"},
    ]
    assert [p.amount_pence for p in preparing.award.payments] == [300_000, 200_000]
    assert [(p.amount_pence, p.release_condition) for p in sent.award.payments] == sent_schedule
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "award_terms.saved"))
    assert event.before is None and event.after["offer_valid_days"] == 14
    assert event.after["rescheduled_awards"] == [preparing.award.id]


def test_saving_again_updates_the_same_row_audited_before_and_after(finance):
    [funded] = released_awards([100_000])
    round_ = funded.award.round
    terms.save_terms(finance, round_, _answer())
    terms.save_terms(finance, round_, _answer(offer_valid_days=60))
    rows = db.session.scalars(select(AwardTerms)).all()
    assert len(rows) == 1 and rows[0].offer_valid_days == 60
    last = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "award_terms.saved").order_by(AuditEvent.id)
    ).all()[-1]
    assert last.before["offer_valid_days"] == 14 and last.after["offer_valid_days"] == 60


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"instalments": [terms.Instalment(50, "on_acceptance")]},
            {"instalments": "The instalments must add up to 100%; they add up to 50%"},
        ),
        (
            {
                "instalments": [
                    terms.Instalment(50, "final_report"),
                    terms.Instalment(50, "final_report"),
                ]
            },
            {"instalments": "Only one instalment can be paid when the final report is accepted"},
        ),
        ({"instalments": []}, {"instalments": "Enter at least one instalment"}),
        (
            {"instalments": [terms.Instalment(None, "on_acceptance"), terms.Instalment(0, "")]},
            {
                "percent_1": "Enter the percentage paid in instalment 1",
                "percent_2": "The percentage for instalment 2 must be between 1 and 100",
                "condition_2": "Choose what releases instalment 2",
            },
        ),
        (
            {"offer_valid_days": 366, "single_payment_limit_pence": None, "terms": "x" * 20_001},
            {
                "offer_valid_days": "An offer must stay open for between 1 and 365 days",
                "single_payment_limit": "Enter the largest award paid in one instalment",
                "terms": "Standard terms must be 20,000 characters or fewer",
            },
        ),
        (
            {"offer_valid_days": 0},
            {"offer_valid_days": "An offer must stay open for between 1 and 365 days"},
        ),
    ],
)
def test_bad_terms_are_refused_with_every_problem(finance, overrides, errors):
    [funded] = released_awards([100_000])
    with pytest.raises(InvalidInput) as refusal:
        terms.save_terms(finance, funded.award.round, _answer(**overrides))
    assert refusal.value.errors == errors


def test_only_finance_saves_terms():
    [funded] = released_awards([100_000])
    with pytest.raises(NotAllowed):
        terms.save_terms(funded.officer, funded.award.round, _answer())


def test_the_terms_page_shows_the_defaults_and_saves(client, finance):
    [funded] = released_awards([100_000])
    round_id = funded.award.round_id
    sign_in(client, finance)
    page = client.get(f"/awards/rounds/{round_id}/terms")
    assert page.status_code == 200
    soup = soup_of(page)
    assert soup.select_one("input[name=single_payment_limit]")["value"] == "2,000"
    assert soup.select_one("input[name=percent_1]")["value"] == "50"
    assert soup.select_one("input[name=offer_valid_days]")["value"] == "30"
    data = {
        "single_payment_limit": "1,500",
        "percent_1": "100",
        "condition_1": "on_acceptance",
        "percent_2": "",
        "condition_2": "",
        "offer_valid_days": "45",
        "terms": "Be kind.",
    }
    response = client.post(f"/awards/rounds/{round_id}/terms", data=data, follow_redirects=True)
    assert "have been saved" in response.get_data(as_text=True)
    saved = db.session.scalar(select(AwardTerms))
    assert saved.single_payment_limit_pence == 150_000 and saved.offer_valid_days == 45


def test_the_terms_page_reports_every_error_and_keeps_what_was_typed(client, finance):
    [funded] = released_awards([100_000])
    sign_in(client, finance)
    data = {
        "single_payment_limit": "lots",
        "percent_1": "abc",
        "condition_1": "on_acceptance",
        "percent_2": "30",
        "condition_2": "final_report",
        "offer_valid_days": "400",
        "terms": "Kept",
    }
    response = client.post(f"/awards/rounds/{funded.award.round_id}/terms", data=data)
    errors = error_messages(response)
    assert len(errors) == 3, errors
    assert "An offer must stay open for between 1 and 365 days" in errors
    soup = soup_of(response)
    assert soup.select_one("input[name=percent_1]")["value"] == "abc"
    assert soup.select_one("textarea[name=terms]").text.strip() == "Kept"


def test_the_agreement_keeps_the_terms_it_was_offered_on(finance):
    [funded] = released_awards([100_000])
    round_ = funded.award.round
    terms.save_terms(finance, round_, _answer(terms="Clause as offered"))
    offers.send_offer(finance, funded.award, lambda a: "/")
    terms.save_terms(finance, round_, _answer(terms="Clause changed later"))
    offers.accept(
        funded.member,
        funded.award,
        offers.Acceptance(full_name="Sam Signer", role="Chair", confirmed=True),
        lambda a: "/",
    )
    offer = documents.latest(funded.award, DocumentKind.OFFER)
    context = documents.countersigned_context(funded.award, offer, funded.award.accepted_at)
    html = render_pdf_html("pdf/award_countersigned.html", **context)
    assert "Clause as offered" in html and "Clause changed later" not in html
