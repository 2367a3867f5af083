"""Offer services: sending, reissuing, accepting online and on paper, declining, withdrawing and
expiring offers. Each refusal, each audit event, each email and each stored document."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants import uploads
from grants.audit import AuditEvent
from grants.awards import documents, offers
from grants.awards.models import Award, AwardDocument, DocumentKind
from grants.awards.states import AwardStatus
from grants.clock import uk_today
from grants.email import OutboundEmail
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from tests.awards.factories import finance_officer, released_award, released_awards
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("reference_data")
S = AwardStatus


def link(award):
    return f"https://grants.example/awards/{award.id}"


def bank_link(award):
    return f"https://grants.example/payments/awards/{award.id}/bank-details"


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _emails() -> list[OutboundEmail]:
    return list(db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)))


def _documents(award, kind=DocumentKind.OFFER) -> list[AwardDocument]:
    return list(
        db.session.scalars(
            select(AwardDocument)
            .where(AwardDocument.award_id == award.id, AwardDocument.kind == kind)
            .order_by(AwardDocument.version)
        )
    )


def _insider(funded):
    """A finance officer who belongs to the funded group."""
    insider = finance_officer()
    db.session.add(Membership(organisation_id=funded.award.organisation_id, user_id=insider.id))
    db.session.flush()
    return insider


def _accept(member, award, name="Ada Lovelace", role="Chair", confirmed=True):
    return offers.accept(member, award, offers.Acceptance(name, role, confirmed), link, bank_link)


@pytest.fixture
def funded():
    return released_award(500_000)


@pytest.fixture
def finance():
    return finance_officer()


@pytest.fixture
def offered(funded, finance):
    offers.send_offer(finance, funded.award, link)
    return funded


# Sending the offer --------------------------------------------------------------------------


def test_sending_the_offer_stores_the_pdf_with_its_hash_and_emails_the_group(funded, finance):
    award = funded.award
    before = len(_emails())
    document = offers.send_offer(finance, award, link)
    assert award.status == S.OFFERED
    assert award.offered_by_id == finance.id and award.offered_at is not None
    assert award.offer_expires_on == uk_today() + timedelta(days=30)
    content = uploads.path_of(document.stored_name).read_bytes()
    assert content.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size_bytes == len(content)
    assert (document.kind, document.version) == (DocumentKind.OFFER, 1)
    [event] = _events("award.offered")
    assert event.before["status"] == "preparing" and event.after["status"] == "offered"
    assert event.after["offer_expires_on"] == award.offer_expires_on.isoformat()
    assert _events("award.document_issued")
    emails = _emails()[before:]
    assert len(emails) == 1 and emails[0].recipient == funded.member.email
    assert link(award) in emails[0].body


def test_the_offer_letter_says_what_the_agreement_holds(funded, finance):
    award = funded.award
    award.conditions = ["Keep the allotment open to the public"]
    html = documents.offer_html(award, accept_link=link(award))
    for text in (
        award.reference,
        award.organisation.name,
        award.organisation.postcode,
        "£5,000",
        "Keep the allotment open to the public",
        "When the interim report is accepted",
        "Final report",
        "Data protection",
        "Repayment",
        "I confirm that I am authorised",
        link(award),
        award.round.fund.funder_name,
    ):
        assert text in html, text


def test_sending_twice_sends_once(offered, finance):
    with pytest.raises(DomainError, match="already been sent"):
        offers.send_offer(finance, offered.award, link)
    assert len(_documents(offered.award)) == 1
    assert len(_events("award.offered")) == 1


def test_a_lost_claim_on_sending_is_a_friendly_refusal(funded, finance, monkeypatch):
    monkeypatch.setattr(offers, "claim", lambda *a, **k: False)
    with pytest.raises(DomainError, match="already been sent"):
        offers.send_offer(finance, funded.award, link)


def test_only_a_finance_officer_outside_the_group_sends_the_offer(funded):
    with pytest.raises(NotAllowed):
        offers.send_offer(funded.officer, funded.award, link)  # a programme officer
    with pytest.raises(NotAllowed):
        offers.send_offer(_insider(funded), funded.award, link)
    assert funded.award.status == S.PREPARING


def test_an_offer_that_would_go_over_the_round_budget_is_refused(finance):
    first, second = released_awards([600_000, 600_000], budget_pence=2_000_000)
    first.award.round.budget_pence = 1_000_000  # the round's budget was cut after the panel
    offers.send_offer(finance, first.award, link)
    with pytest.raises(DomainError, match="over its budget"):
        offers.send_offer(finance, second.award, link)
    assert second.award.status == S.PREPARING


# Reissuing --------------------------------------------------------------------------------


def test_a_reissue_adds_version_2_and_leaves_version_1_as_it_was(offered, finance):
    award = offered.award
    [first] = _documents(award)
    first_bytes = documents.read(first)
    award.offer_expires_on = uk_today() - timedelta(days=3)  # lapsed: reissuing reopens it
    db.session.flush()
    second = offers.reissue(finance, award, "The group lost the letter", link, seen_version=1)
    assert second.version == 2 and second.stored_name != first.stored_name
    assert documents.read(first) == first_bytes
    assert hashlib.sha256(documents.read(first)).hexdigest() == first.sha256
    assert award.offer_expires_on == uk_today() + timedelta(days=30)
    [event] = _events("award.reissued")
    assert event.after["reason"] == "The group lost the letter"
    assert "reissued" in _emails()[-1].subject


def test_reissuing_twice_from_the_same_page_makes_one_new_version(offered, finance):
    offers.reissue(finance, offered.award, "Lost", link, seen_version=1)
    with pytest.raises(DomainError, match="already been reissued"):
        offers.reissue(finance, offered.award, "Lost", link, seen_version=1)
    assert [d.version for d in _documents(offered.award)] == [1, 2]


def test_a_reissue_needs_a_reason_and_an_open_offer(offered, funded, finance):
    with pytest.raises(InvalidInput) as refusal:
        offers.reissue(finance, offered.award, "  ", link)
    assert refusal.value.errors == {"reason": "Enter why the offer is being reissued"}
    preparing = released_award().award
    with pytest.raises(DomainError, match="waiting for the group"):
        offers.reissue(finance, preparing, "Why", link)


# Accepting online -------------------------------------------------------------------------


def test_the_group_accepts_online_and_gets_the_countersigned_agreement(offered):
    award = offered.award
    [offer] = _documents(award)
    document = _accept(offered.member, award)
    assert award.status == S.ACCEPTED
    assert (award.signatory_name, award.signatory_role) == ("Ada Lovelace", "Chair")
    assert award.accepted_by_id == offered.member.id and award.accepted_on_paper is False
    assert award.accepted_at is not None
    assert (document.kind, document.version) == (DocumentKind.COUNTERSIGNED, 1)
    content = documents.read(document)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    context = documents.countersigned_context(award, offer, award.accepted_at)
    html = documents.render_pdf_html("pdf/award_countersigned.html", **context)
    assert "Accepted by Ada Lovelace, Chair" in html
    assert f"Countersigned for {award.round.fund.funder_name}" in html
    assert offer.sha256 in html
    [event] = _events("award.accepted")
    assert event.actor_id == offered.member.id and event.after["signatory_name"] == "Ada Lovelace"
    email = _emails()[-1]
    assert bank_link(award) in email.body and "bank details" in email.body


def test_accepting_twice_has_no_second_effect(offered):
    _accept(offered.member, offered.award)
    with pytest.raises(DomainError, match="You have already accepted this offer"):
        _accept(offered.member, offered.award)
    assert len(_documents(offered.award, DocumentKind.COUNTERSIGNED)) == 1
    assert len(_events("award.accepted")) == 1


def test_a_lost_claim_on_accepting_says_it_was_already_accepted(offered, monkeypatch):
    monkeypatch.setattr(offers, "claim", lambda *a, **k: False)
    with pytest.raises(DomainError, match="You have already accepted this offer"):
        _accept(offered.member, offered.award)


def test_acceptance_needs_every_answer_at_once(offered):
    with pytest.raises(InvalidInput) as refusal:
        _accept(offered.member, offered.award, name=" ", role="x" * 201, confirmed=False)
    assert set(refusal.value.errors) == {"full_name", "role", "confirmed"}
    assert offered.award.status == S.OFFERED


def test_an_expired_offer_cannot_be_accepted_even_before_the_expiry_runs(offered):
    offered.award.offer_expires_on = uk_today() - timedelta(days=1)
    with pytest.raises(DomainError, match="expired on .* Contact"):
        _accept(offered.member, offered.award)
    assert offered.award.status == S.OFFERED
    assert offers.has_lapsed(offered.award)


def test_only_the_groups_members_accept(offered, finance):
    for outsider in (finance, make_user(), offered.officer):
        with pytest.raises(NotAllowed):
            _accept(outsider, offered.award)


def test_an_offer_not_yet_sent_cannot_be_accepted(funded):
    with pytest.raises(DomainError, match="still being prepared"):
        _accept(funded.member, funded.award)


# Paper acceptance -------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _scan(content=PNG, name="signed.png"):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    return FileStorage(BytesIO(content), filename=name, content_type="image/png")


def test_finance_records_a_paper_acceptance_with_the_scan(offered, finance):
    award = offered.award
    answer = offers.PaperAcceptance("Grace Hopper", "Treasurer", uk_today(), _scan())
    offers.record_paper_acceptance(finance, award, answer, link, bank_link)
    assert award.status == S.ACCEPTED and award.accepted_on_paper is True
    assert award.signatory_name == "Grace Hopper" and award.accepted_by_id is None
    [scan] = _documents(award, DocumentKind.SIGNED_SCAN)
    assert scan.content_type == "image/png"
    assert scan.sha256 == hashlib.sha256(PNG).hexdigest()
    assert len(_documents(award, DocumentKind.COUNTERSIGNED)) == 1
    [event] = _events("award.accepted_on_paper")
    assert event.actor_id == finance.id


def test_a_paper_acceptance_reports_every_problem_at_once(offered, finance):
    answer = offers.PaperAcceptance("", "", uk_today() + timedelta(days=1), None)
    with pytest.raises(InvalidInput) as refusal:
        offers.record_paper_acceptance(finance, offered.award, answer, link)
    assert refusal.value.errors == {
        "full_name": "Enter the signatory's full name",
        "role": "Enter the signatory's role in the group",
        "signed_on": "The date signed must be today or in the past",
        "scan": "Select a file",
    }
    early = offers.PaperAcceptance("A", "B", date(2020, 1, 1), _scan(b"not an image"))
    with pytest.raises(InvalidInput) as refusal:
        offers.record_paper_acceptance(finance, offered.award, early, link)
    assert "on or after" in refusal.value.errors["signed_on"]
    assert "must be a" in refusal.value.errors["scan"]


def test_only_finance_outside_the_group_records_paper_acceptance(offered):
    answer = offers.PaperAcceptance("A", "B", uk_today(), _scan())
    for who in (offered.member, offered.officer, _insider(offered)):
        with pytest.raises(NotAllowed):
            offers.record_paper_acceptance(who, offered.award, answer, link)


# Declining, withdrawing, expiring ----------------------------------------------------------


def test_the_group_declines_with_a_reason(offered):
    offers.decline(offered.member, offered.award, "We could not find a venue")
    award = offered.award
    assert award.status == S.DECLINED and award.ended_reason == "We could not find a venue"
    assert award.ended_by_id == offered.member.id and award.ended_at is not None
    assert _events("award.declined")[0].after["ended_reason"] == "We could not find a venue"
    with pytest.raises(DomainError):
        offers.decline(offered.member, award, "Again")


def test_a_decline_needs_a_reason_no_longer_than_2000_characters(offered):
    with pytest.raises(InvalidInput) as refusal:
        offers.decline(offered.member, offered.award, "x" * 2001)
    assert refusal.value.errors == {"reason": "The reason must be 2,000 characters or fewer"}
    with pytest.raises(NotAllowed):
        offers.decline(finance_officer(), offered.award, "No")


def test_finance_records_a_decline_sent_by_letter(offered, finance):
    offers.record_decline(finance, offered.award, "Letter of 3 March")
    assert offered.award.status == S.DECLINED
    assert offered.award.ended_by_id == finance.id
    with pytest.raises(NotAllowed):
        offers.record_decline(offered.member, offered.award, "x")


def test_withdrawing_an_offer_tells_the_group(offered, finance):
    before = len(_emails())
    offers.withdraw(finance, offered.award, "The project is funded elsewhere", link)
    assert offered.award.status == S.WITHDRAWN
    assert offered.award.ended_reason == "The project is funded elsewhere"
    [email] = _emails()[before:]
    assert "withdrawn" in email.subject and "funded elsewhere" in email.body
    assert _events("award.withdrawn")


def test_withdrawing_an_award_not_yet_offered_emails_nobody(funded, finance):
    before = len(_emails())
    offers.withdraw(finance, funded.award, "Duplicate", link)
    assert funded.award.status == S.WITHDRAWN and len(_emails()) == before
    with pytest.raises(DomainError, match="not yet accepted"):
        offers.withdraw(finance, funded.award, "Again", link)


def test_withdraw_refuses_accepted_awards_and_other_people(offered, finance):
    with pytest.raises(NotAllowed):
        offers.withdraw(offered.officer, offered.award, "x", link)
    _accept(offered.member, offered.award)
    with pytest.raises(DomainError):
        offers.withdraw(finance, offered.award, "x", link)


def test_expiry_moves_offers_past_their_date_once_and_tells_each_group(finance):
    late, current = released_awards([300_000, 300_000])
    for funded in (late, current):
        offers.send_offer(finance, funded.award, link)
    late.award.offer_expires_on = uk_today() - timedelta(days=1)
    db.session.flush()
    before = len(_emails())
    assert offers.expire_due(uk_today(), link) == [late.award]
    assert late.award.status == S.EXPIRED and current.award.status == S.OFFERED
    [event] = _events("award.expired")
    assert event.actor_id is None
    [email] = _emails()[before:]
    assert "expired" in email.subject
    assert offers.expire_due(uk_today(), link) == []
    assert len(_emails()) == before + 1


def test_the_expire_offers_command_commits_its_work(runner, finance):
    funded = released_award()
    offers.send_offer(finance, funded.award, link)
    funded.award.offer_expires_on = uk_today() - timedelta(days=2)
    from grants import transaction

    transaction.commit()
    result = runner.invoke(args=["expire-offers"])
    assert result.exit_code == 0, result.output
    assert "Offers expired: 1." in result.output
    db.session.expire_all()
    assert db.session.get(Award, funded.award.id).status == S.EXPIRED


def test_declined_expired_and_withdrawn_awards_commit_nothing(finance):
    from grants.awards import ledger

    funded = released_award(400_000)
    offers.send_offer(finance, funded.award, link)
    assert ledger.committed_in_round(funded.award.round_id) == 400_000
    offers.decline(funded.member, funded.award, "No longer needed")
    assert ledger.committed_in_round(funded.award.round_id) == 0
