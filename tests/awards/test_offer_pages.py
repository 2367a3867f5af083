"""The award pages as finance officers and groups use them: every page renders for whoever may
see it, refuses everyone else (404 for outsiders, 403 for staff who may not act, sign-in for the
anonymous), reports every error at once, survives double submits and huge ids."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from grants.awards import offers
from grants.awards.models import AwardDocument, DocumentKind
from grants.awards.states import AwardStatus
from grants.clock import uk_today
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_award, released_awards
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")
S = AwardStatus


def link(award):
    return f"https://grants.example/awards/{award.id}"


@pytest.fixture
def finance():
    return finance_officer()


@pytest.fixture
def funded():
    return released_award(500_000)


@pytest.fixture
def offered(funded, finance):
    offers.send_offer(finance, funded.award, link)
    return funded


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _count(kind=DocumentKind.OFFER) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AwardDocument).where(AwardDocument.kind == kind)
    )


def _insider(funded):
    insider = finance_officer()
    db.session.add(Membership(organisation_id=funded.award.organisation_id, user_id=insider.id))
    db.session.flush()
    return insider


def _outsider():
    other = make_user()
    make_group(other, name="Another Group")
    return other


# Who sees what --------------------------------------------------------------------------------


def test_finance_lists_every_award_filtered_by_status_and_round(client, finance):
    first, second = released_awards([300_000, 400_000])
    offers.send_offer(finance, first.award, link)
    sign_in(client, finance)
    html = _page(client.get("/awards/"))
    assert first.award.reference in html and second.award.reference in html
    html = _page(client.get("/awards/?status=offered"))
    assert first.award.reference in html and second.award.reference not in html
    html = _page(client.get(f"/awards/?round={first.award.round_id}&status=nonsense"))
    assert "2 awards" in html
    assert _page(client.get("/awards/?round=99999999999999999999999&page=abc"))


def test_the_award_list_costs_the_same_queries_however_many_awards(client, finance, count_queries):
    released_awards([100_000, 100_000])
    sign_in(client, finance)
    few = count_queries(lambda: client.get("/awards/"))
    released_awards([100_000, 100_000, 100_000, 100_000])
    many = count_queries(lambda: client.get("/awards/"))
    assert many == few


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.PROGRAMME_OFFICER, 403), (Role.ADMIN, 403), (Role.PANEL_MEMBER, 403), (None, 403)],
)
def test_only_finance_sees_the_award_list(client, role, status):
    sign_in(client, make_user(role))
    assert client.get("/awards/").status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, offered):
    award = offered.award
    for path in (
        "/awards/",
        f"/awards/{award.id}",
        f"/awards/{award.id}/accept",
        f"/awards/{award.id}/adjust",
        f"/awards/rounds/{award.round_id}/terms",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "sign-in" in response.location, path


def test_finance_sees_the_award_with_staff_wording_and_actions(client, funded, finance):
    sign_in(client, finance)
    html = _page(client.get(f"/awards/{funded.award.id}"))
    assert f"Award to {funded.award.organisation.name}" in html
    assert "Send the offer" in html and "Change the amount, dates or conditions" in html
    assert "Paid from" in html and "paid when the interim report is accepted" in html
    assert "Final report" in html


def test_the_group_sees_its_own_offer_with_its_wording(client, offered):
    sign_in(client, offered.member)
    html = _page(client.get(f"/awards/{offered.award.id}"))
    assert "Your grant offer" in html and "Accept the grant" in html
    assert "Paid from" not in html and "Send the offer" not in html
    assert "SHA-256" not in html  # hashes are for finance
    assert "Offer letter and grant agreement, version 1" in html


def test_staff_who_see_every_group_read_the_award_but_cannot_act(client, offered):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    html = _page(client.get(f"/awards/{offered.award.id}"))
    assert "Reissue the offer" not in html and "Accept the grant" not in html


def test_another_groups_member_gets_404_everywhere(client, offered):
    award = offered.award
    [document] = award.documents
    sign_in(client, _outsider())
    for path in (
        f"/awards/{award.id}",
        f"/awards/{award.id}/accept",
        f"/awards/{award.id}/decline",
        f"/awards/{award.id}/documents/{document.id}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/awards/{award.id}/accept", data={}).status_code == 404


def test_a_finance_officer_in_the_group_may_read_but_not_act(client, offered):
    sign_in(client, _insider(offered))
    award = offered.award
    html = _page(client.get(f"/awards/{award.id}"))
    assert "Reissue the offer" not in html
    for path in ("reissue", "withdraw", "record-decline", "paper-acceptance", "adjust"):
        assert client.get(f"/awards/{award.id}/{path}").status_code == 403, path
    assert client.post(f"/awards/{award.id}/send-offer").status_code == 403


def test_staff_cannot_accept_for_the_group(client, offered, finance):
    sign_in(client, finance)
    assert client.get(f"/awards/{offered.award.id}/accept").status_code == 403
    assert client.get(f"/awards/{offered.award.id}/decline").status_code == 403


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICER, Role.ADMIN, None])
def test_people_who_are_not_finance_cannot_use_finance_pages(client, offered, role):
    sign_in(client, make_user(role))
    award = offered.award
    for path in ("reissue", "withdraw", "record-decline", "paper-acceptance", "adjust"):
        assert client.get(f"/awards/{award.id}/{path}").status_code == 403, path
    assert client.get(f"/awards/rounds/{award.round_id}/terms").status_code == 403


def test_huge_and_unknown_ids_are_404(client, offered, finance):
    sign_in(client, finance)
    award = offered.award
    huge = "9" * 25
    for path in (
        f"/awards/{huge}",
        f"/awards/{huge}/accept",
        f"/awards/{award.id}/documents/{huge}",
        f"/awards/rounds/{huge}/terms",
        "/awards/999999",
        "/awards/rounds/999999/terms",
    ):
        assert client.get(path).status_code == 404, path


# Sending, reissuing, withdrawing ----------------------------------------------------------


def test_finance_sends_the_offer_once_even_when_the_button_is_pressed_twice(
    client, funded, finance
):
    sign_in(client, finance)
    path = f"/awards/{funded.award.id}/send-offer"
    first = client.post(path, follow_redirects=True)
    assert "The offer has been sent. The group has been emailed" in _page(first)
    second = client.post(path, follow_redirects=True)
    assert "The offer has already been sent" in _page(second)
    assert _count() == 1


def test_a_group_without_email_gets_a_printed_offer(client, funded, finance):
    organisation = funded.award.organisation
    organisation.main_contact_id = None
    organisation.contact_name, organisation.contact_phone = "Sam", "01942 000000"
    organisation.contact_email = None
    db.session.flush()
    sign_in(client, finance)
    html = _page(client.post(f"/awards/{funded.award.id}/send-offer", follow_redirects=True))
    assert "print the offer and post it" in html
    assert "Print the offer and post it" in html


def test_reissue_needs_a_reason_and_makes_a_new_version(client, offered, finance):
    sign_in(client, finance)
    path = f"/awards/{offered.award.id}/reissue"
    assert "Why is the offer being reissued?" in _page(client.get(path))
    response = client.post(path, data={"reason": "", "seen_version": "1"})
    assert error_messages(response) == ["Enter why the offer is being reissued"]
    done = client.post(path, data={"reason": "Lost", "seen_version": "1"}, follow_redirects=True)
    assert "The offer has been reissued" in _page(done)
    again = client.post(path, data={"reason": "Lost", "seen_version": "1"}, follow_redirects=True)
    assert "already been reissued" in _page(again)
    assert _count() == 2


def test_finance_withdraws_an_offer_with_a_reason(client, offered, finance):
    sign_in(client, finance)
    path = f"/awards/{offered.award.id}/withdraw"
    assert error_messages(client.post(path, data={"reason": " "})) == [
        "Enter why the award is being withdrawn"
    ]
    html = _page(client.post(path, data={"reason": "Funded elsewhere"}, follow_redirects=True))
    assert "The award has been withdrawn" in html and "Funded elsewhere" in html
    assert offered.award.status == S.WITHDRAWN


def test_finance_records_a_decline(client, offered, finance):
    sign_in(client, finance)
    path = f"/awards/{offered.award.id}/record-decline"
    html = _page(client.post(path, data={"reason": "Letter received"}, follow_redirects=True))
    assert "decline has been recorded" in html
    assert offered.award.status == S.DECLINED


# Adjusting -------------------------------------------------------------------------------


def test_finance_adjusts_the_award_before_the_offer(client, funded, finance):
    sign_in(client, finance)
    path = f"/awards/{funded.award.id}/adjust"
    form = soup_of(client.get(path))
    assert form.select_one("input[name=amount]")["value"] == "5,000"
    data = {
        "amount": "4,500",
        "start_date": ["1", "2", "2027"],
        "end_date": ["30", "11", "2027"],
        "conditions": "Publish a report\nCredit the council",
        "contribution": "none",
        "amount_reason": "Part of the project is now paid for by the parish",
    }
    html = _page(client.post(path, data=data, follow_redirects=True))
    assert "The award has been changed" in html
    assert funded.award.amount_pence == 450_000
    assert funded.award.conditions == ["Publish a report", "Credit the council"]


def test_adjust_reports_every_error_at_once_and_keeps_what_was_typed(client, funded, finance):
    sign_in(client, finance)
    path = f"/awards/{funded.award.id}/adjust"
    data = {
        "amount": "lots",
        "start_date": ["1", "2", "2027"],
        "end_date": ["1", "1", "2027"],
        "conditions": "Keep receipts",
        "contribution": "99999999999999999999999",
    }
    response = client.post(path, data=data)
    errors = error_messages(response)
    assert len(errors) == 3, errors
    assert any("end date" in e for e in errors)
    assert any("contribution" in e for e in errors)
    soup = soup_of(response)
    assert soup.select_one("input[name=amount]")["value"] == "lots"
    assert "Keep receipts" in soup.select_one("textarea[name=conditions]").text


def test_adjusting_after_the_offer_is_refused(client, offered, finance):
    sign_in(client, finance)
    html = _page(client.get(f"/awards/{offered.award.id}/adjust", follow_redirects=True))
    assert "only by a variation" in html


# Accepting and declining ------------------------------------------------------------------

CONFIRM = {"full_name": "Ada Lovelace", "role": "Chair", "confirmed": "y"}


def test_the_group_accepts_online_once(client, offered):
    sign_in(client, offered.member)
    path = f"/awards/{offered.award.id}/accept"
    html = _page(client.get(path))
    assert f"on behalf of {offered.award.organisation.name}" in html
    assert "offer letter and grant agreement (PDF, version 1)" in html
    done = _page(client.post(path, data=CONFIRM, follow_redirects=True))
    assert "You have accepted the grant. Next, give your bank details" in done
    assert "Countersigned grant agreement, version 1" in done
    again = _page(client.post(path, data=CONFIRM, follow_redirects=True))
    assert "You have already accepted this offer" in again
    assert _count(DocumentKind.COUNTERSIGNED) == 1
    assert offered.award.status == S.ACCEPTED


def test_acceptance_reports_every_error_at_once_and_keeps_what_was_typed(client, offered):
    sign_in(client, offered.member)
    response = client.post(
        f"/awards/{offered.award.id}/accept", data={"full_name": "", "role": "x" * 201}
    )
    assert error_messages(response) == [
        "Enter your full name",
        "Your role in the group must be 200 characters or fewer",
        "Confirm that you are authorised to accept this grant",
    ]
    assert soup_of(response).select_one("input[name=role]")["value"] == "x" * 201


def test_an_expired_offer_says_so_and_cannot_be_accepted(client, offered):
    offered.award.offer_expires_on = uk_today() - timedelta(days=1)
    sign_in(client, offered.member)
    html = _page(client.get(f"/awards/{offered.award.id}"))
    assert "Offer expired on" in html and "Accept the grant" not in html
    response = client.post(f"/awards/{offered.award.id}/accept", data=CONFIRM)
    assert response.status_code == 302
    html = _page(client.get(response.location))
    assert "expired on" in html and "Contact" in html
    assert offered.award.status == S.OFFERED


def test_the_group_declines_and_finance_sees_why(client, offered, finance):
    sign_in(client, offered.member)
    path = f"/awards/{offered.award.id}/decline"
    assert error_messages(client.post(path, data={"reason": ""})) == [
        "Enter why you are declining the offer"
    ]
    html = _page(client.post(path, data={"reason": "No venue"}, follow_redirects=True))
    assert "You have declined the offer" in html
    sign_in(client, finance)
    html = _page(client.get(f"/awards/{offered.award.id}"))
    assert "Why the offer was declined" in html and "No venue" in html


def test_the_application_page_shows_the_waiting_offer(client, offered):
    sign_in(client, offered.member)
    html = _page(client.get(f"/applications/{offered.award.application_id}/view"))
    assert "Your grant offer is waiting for you to accept it" in html
    assert f"/awards/{offered.award.id}" in html


# Paper acceptance ---------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_finance_records_a_paper_acceptance(client, offered, finance):
    sign_in(client, finance)
    path = f"/awards/{offered.award.id}/paper-acceptance"
    assert "Scan of the signed acceptance page" in _page(client.get(path))
    today = uk_today()
    data = {
        "full_name": "Grace Hopper",
        "role": "Secretary",
        "signed_on": [str(today.day), str(today.month), str(today.year)],
        "scan": (BytesIO(PNG), "signed.png"),
    }
    html = _page(client.post(path, data=data, follow_redirects=True))
    assert "The acceptance has been recorded" in html
    assert "Signed acceptance (scan), version 1" in html
    assert offered.award.accepted_on_paper is True


def test_paper_acceptance_reports_every_error_at_once(client, offered, finance):
    sign_in(client, finance)
    response = client.post(
        f"/awards/{offered.award.id}/paper-acceptance",
        data={
            "full_name": "",
            "role": "",
            "signed_on": ["40", "1", "2027"],
        },
    )
    errors = error_messages(response)
    assert "Enter the signatory's full name" in errors
    assert "Enter the signatory's role in the group" in errors
    assert "Enter a real date" in errors
    assert "Select a file" in errors


# Documents ----------------------------------------------------------------------------------


def test_both_sides_download_the_offer_with_its_name_and_no_caching(client, offered, finance):
    award = offered.award
    [document] = award.documents
    for who in (offered.member, finance):
        sign_in(client, who)
        response = client.get(f"/awards/{award.id}/documents/{document.id}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert f"{award.reference}-offer-v1.pdf" in response.headers["Content-Disposition"]
        assert hashlib.sha256(response.data).hexdigest() == document.sha256


def test_another_awards_document_is_404(client, finance):
    first, second = released_awards([100_000, 100_000])
    offers.send_offer(finance, first.award, link)
    [document] = first.award.documents
    sign_in(client, finance)
    assert client.get(f"/awards/{second.award.id}/documents/{document.id}").status_code == 404
