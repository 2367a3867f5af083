"""Finance's payment pages: the list, a payment with its buttons, the forms to record, hold and
cancel, payment runs and their file; and who may open each."""

from __future__ import annotations

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from grants.audit import AuditEvent
from grants.awards import payments, runs
from grants.awards.pages import award_page
from grants.awards.states import PaymentStatus
from grants.clock import uk_today
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.awards.endpoints_payments import ENDPOINTS
from tests.awards.factories import finance_officer
from tests.awards.test_payments_setup import FULL_NUMBER, FULL_SORT_CODE, ready_award
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")
P = PaymentStatus
HUGE = "99999999999999999999"


def _approved(ready, index: int = 0):
    payment = ready.award.payments[index]
    payments.raise_payment(ready.raiser, payment)
    payments.approve(ready.approver, payment)
    return payment


def _banner(response) -> str:
    return " ".join(
        b.get_text(" ", strip=True) for b in soup_of(response).select(".govuk-notification-banner")
    )


def test_raise_then_approve_by_another_officer_through_the_pages(client):
    ready = ready_award()
    payment = ready.award.payments[0]
    sign_in(client, ready.raiser)
    page = client.get(f"/payments/{payment.id}")
    assert page.status_code == 200
    assert "Ready to be raised" in page.get_data(as_text=True)
    response = client.post(f"/payments/{payment.id}/raise", follow_redirects=True)
    assert "Payment raised" in _banner(response)
    assert "Awaiting approval" in response.get_data(as_text=True)
    # The raiser's page offers no approve button, and pressing it anyway is refused.
    assert not soup_of(response).find("button", string=lambda s: s and "Approve" in s)
    response = client.post(f"/payments/{payment.id}/approve", follow_redirects=True)
    assert "You raised this payment, so another finance officer must approve it" in _banner(
        response
    )
    sign_in(client, ready.approver)
    response = client.post(f"/payments/{payment.id}/approve", follow_redirects=True)
    assert "Payment approved" in _banner(response)
    response = client.post(f"/payments/{payment.id}/approve", follow_redirects=True)
    assert "This payment has already been approved" in _banner(response)
    db.session.expire_all()
    assert payment.status == P.APPROVED
    count = select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment.approved")
    assert db.session.scalar(count) == 1


def test_record_as_paid_page_reports_errors_and_pays_once(client, outbox):
    ready = ready_award()
    payment = _approved(ready)
    sign_in(client, ready.raiser)
    url = f"/payments/{payment.id}/paid"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"paid_on": ["", "", ""], "remittance_reference": ""})
    assert error_messages(response) == [
        "Enter the date the payment was made",
        "Enter the remittance reference",
    ]
    day = uk_today()
    form = {"paid_on": [str(day.day), str(day.month), str(day.year)], "remittance_reference": "R9"}
    response = client.post(url, data=form, follow_redirects=True)
    assert "Payment recorded as paid" in _banner(response)
    response = client.post(url, data=form)
    assert error_messages(response) == ["This payment has already been recorded as paid"]
    db.session.expire_all()
    assert payment.status == P.PAID and payment.remittance_reference == "R9"


def test_a_crafted_date_is_a_form_error_not_a_crash(client):
    ready = ready_award()
    payment = _approved(ready)
    sign_in(client, ready.raiser)
    response = client.post(
        f"/payments/{payment.id}/paid", data={"paid_on": ["1"], "remittance_reference": "R"}
    )
    assert response.status_code == 200
    assert "Date paid must be a real date" in error_messages(response)


def test_hold_release_and_cancel_pages(client):
    ready = ready_award()
    payment = ready.award.payments[0]
    sign_in(client, ready.raiser)
    assert client.get(f"/payments/{payment.id}/hold").status_code == 200
    response = client.post(f"/payments/{payment.id}/hold", data={"reason": ""})
    assert error_messages(response) == ["Enter why the payment is on hold"]
    response = client.post(
        f"/payments/{payment.id}/hold", data={"reason": "Query"}, follow_redirects=True
    )
    assert "Payment put on hold" in _banner(response)
    response = client.post(f"/payments/{payment.id}/release", follow_redirects=True)
    assert "released from hold" in _banner(response)
    assert client.get(f"/payments/{payment.id}/cancel").status_code == 200
    response = client.post(
        f"/payments/{payment.id}/cancel", data={"reason": "Stopped"}, follow_redirects=True
    )
    assert "Payment cancelled" in _banner(response)
    db.session.expire_all()
    assert payment.status == P.CANCELLED


def test_the_list_filters_by_status_and_its_queries_do_not_grow(client, count_queries):
    ready = ready_award()
    _approved(ready)
    sign_in(client, ready.raiser)
    page = client.get("/payments/?status=approved")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 payment" in text and "Approved: waiting to go in a payment run" in text
    assert "3 payments" in client.get("/payments/?status=nonsense").get_data(as_text=True)
    few = count_queries(lambda: client.get("/payments/"))
    for _ in range(3):
        ready_award()
    many = count_queries(lambda: client.get("/payments/"))
    assert many == few


def test_a_run_through_the_pages_and_its_file(client):
    ready = ready_award(100_000)
    payment = _approved(ready)
    sign_in(client, ready.raiser)
    new = client.get("/payments/runs/new")
    assert new.status_code == 200
    friday = runs.next_friday(uk_today())
    assert int(soup_of(new).find("input", {"name": "due_by"})["value"]) == friday.day
    form = {"due_by": ["1", "1", "2030"]}
    response = client.post("/payments/runs/new", data=form, follow_redirects=True)
    assert "Payment run made with 1 payments" in _banner(response)
    run_id = db.session.scalar(select(payment.__class__.run_id).where(
        payment.__class__.id == payment.id))  # fmt: skip
    response = client.post("/payments/runs/new", data=form)
    assert error_messages(response) == ["No approved payments are due by 1 January 2030"]
    assert client.get("/payments/runs").status_code == 200
    page = client.get(f"/payments/runs/{run_id}")
    assert page.status_code == 200
    assert "needs a bank-details viewer to download" in page.get_data(as_text=True)
    assert client.get(f"/payments/runs/{run_id}.csv").status_code == 403
    sign_in(client, make_user(Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER))
    download = client.get(f"/payments/runs/{run_id}.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment")
    body = download.get_data(as_text=True)
    assert body.startswith("payee,sort_code,account_number,amount,reference\r\n")
    assert f"{FULL_SORT_CODE},{FULL_NUMBER},1000.00," in body


def test_award_page_sections_show_no_internal_names_to_the_group(app):
    ready = ready_award()
    payments.mark_paid(ready.raiser, _approved(ready), uk_today(), "R")
    template = "{% for template, section in sections %}{% include template %}{% endfor %}"

    def draw(viewer) -> str:
        with app.test_request_context():
            from flask_login import login_user

            login_user(viewer)
            sections = [
                (name, section)
                for name, section in award_page.for_viewer(viewer, ready.award)
                if name.startswith("payments/")
            ]
            return render_template_string(template, sections=sections, award=ready.award)

    group = draw(ready.member)
    assert f"Paid on {uk_today():%-d %B %Y}" in group
    assert "Paid after your interim report is accepted" in group
    assert "Account ending 3445" in group and "Change bank details" in group
    for internal in ("Awaiting approval", "Raise", "Scheduled", ready.raiser.full_name):
        assert internal not in group
    finance = draw(finance_officer())
    assert "****3445" in finance and "Verified" in finance
    assert "Raise" not in finance  # the next instalment waits for its report
    assert "Waiting for the interim report to be accepted" in finance
    viewer = draw(make_user(Role.BANK_DETAILS_VIEWER))
    assert "Reveal the details in full" in viewer
    for page in (group, finance, viewer):
        assert FULL_NUMBER not in page and FULL_SORT_CODE not in page
    assert draw(make_user()) == ""


# Role access ----------------------------------------------------------------------------------


@pytest.fixture
def people():
    ready = ready_award(100_000)
    outsider = make_user()
    make_group(outsider, name="Another Group")
    insider = finance_officer()
    db.session.add(Membership(organisation_id=ready.award.organisation_id, user_id=insider.id))
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    run_payment = _approved(ready_award(100_000))
    run = runs.create_run(ready.raiser, runs.next_friday(uk_today()).replace(year=2030)).run
    db.session.flush()
    return {
        "ready": ready,
        "payment": payment,
        "run": run,
        "run_payment": run_payment,
        "outsider": outsider,
        "insider": insider,
        "programme_officer": make_user(Role.PROGRAMME_OFFICER),
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.BANK_DETAILS_VIEWER),
    }


def _pages(people) -> dict[str, str]:
    payment, run, ready = people["payment"], people["run"], people["ready"]
    return {
        "payments.index": "/payments/",
        "payments.show": f"/payments/{payment.id}",
        "payments.mark_paid": f"/payments/{payment.id}/paid",
        "payments.hold": f"/payments/{payment.id}/hold",
        "payments.stop": f"/payments/{payment.id}/stop",
        "payments.cancel": f"/payments/{payment.id}/cancel",
        "payments.runs": "/payments/runs",
        "payments.new_run": "/payments/runs/new",
        "payments.run": f"/payments/runs/{run.id}",
        "payments.run_csv": f"/payments/runs/{run.id}.csv",
        "payments.bank_details": f"/payments/awards/{ready.award.id}/bank-details",
        "payments.verify": f"/payments/bank-details/{ready.details.id}/verify",
        "payments.reveal": f"/payments/bank-details/{ready.details.id}/reveal",
    }


POST_ONLY = {
    "payments.raise_payment": "/payments/{payment}/raise",
    "payments.approve": "/payments/{payment}/approve",
    "payments.release": "/payments/{payment}/release",
}


def test_every_endpoint_is_listed(app):
    mine = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("payments.")
    }
    assert mine == ENDPOINTS


def test_finance_opens_every_finance_page(client, people):
    sign_in(client, people["ready"].approver)
    for endpoint, url in _pages(people).items():
        # Seeing bank details in full, in the reveal page or the run file, is its own role.
        expected = 403 if endpoint in ("payments.reveal", "payments.run_csv") else 200
        assert client.get(url).status_code == expected, endpoint


def test_a_finance_officer_who_is_also_a_viewer_downloads_the_run_file(client, people):
    sign_in(client, make_user(Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER))
    response = client.get(f"/payments/runs/{people['run'].id}.csv")
    assert response.status_code == 200 and FULL_NUMBER in response.get_data(as_text=True)


def test_a_bank_details_viewer_who_is_not_finance_may_not_download(client, people):
    sign_in(client, people["viewer"])
    assert client.get(f"/payments/runs/{people['run'].id}.csv").status_code == 403


@pytest.mark.parametrize("who", ["programme_officer", "admin", "outsider"])
def test_others_are_refused(client, people, who):
    sign_in(client, people[who])
    for endpoint, url in _pages(people).items():
        expected = 403
        if endpoint == "payments.bank_details" and who == "outsider":
            expected = 404  # they may not learn the award exists
        assert client.get(url).status_code == expected, (who, endpoint)
    for url in POST_ONLY.values():
        assert client.post(url.format(payment=people["payment"].id)).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(app, people):
    client = app.test_client()
    for endpoint, url in _pages(people).items():
        response = client.get(url)
        assert response.status_code == 302, endpoint
        assert "/sign-in" in response.headers["Location"]


def test_a_finance_officer_in_the_group_sees_but_may_not_act(client, people):
    payment = people["payment"]
    sign_in(client, people["insider"])
    assert client.get(f"/payments/{payment.id}").status_code == 200
    for url in (
        "/payments/{payment}/paid",
        "/payments/{payment}/hold",
        "/payments/{payment}/cancel",
    ):
        assert client.get(url.format(payment=payment.id)).status_code == 403
    for url in POST_ONLY.values():
        assert client.post(url.format(payment=payment.id)).status_code == 403
    response = client.get(f"/payments/bank-details/{people['ready'].details.id}/verify")
    assert response.status_code == 403
    db.session.expire_all()
    assert payment.status == P.RAISED


def test_the_bank_details_viewer_reveals_and_the_reveal_is_audited(client, people):
    details = people["ready"].details
    sign_in(client, people["viewer"])
    page = client.get(f"/payments/bank-details/{details.id}/reveal")
    assert page.status_code == 200 and FULL_NUMBER not in page.get_data(as_text=True)
    revealed = client.post(f"/payments/bank-details/{details.id}/reveal")
    text = revealed.get_data(as_text=True)
    assert FULL_NUMBER in text and "30-94-30" in text
    events = select(func.count(AuditEvent.id)).where(AuditEvent.action == "bank_details.revealed")
    assert db.session.scalar(events) == 1


def test_huge_ids_are_not_found(client, people):
    sign_in(client, people["ready"].approver)
    for url in (f"/payments/{HUGE}", f"/payments/{HUGE}/paid", f"/payments/runs/{HUGE}",
                f"/payments/runs/{HUGE}.csv", f"/payments/awards/{HUGE}/bank-details",
                f"/payments/bank-details/{HUGE}/verify"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(f"/payments/{HUGE}/approve").status_code == 404
    assert client.get("/payments/123456/paid").status_code == 404


def test_the_approval_page_shows_where_the_money_goes(client):
    ready = ready_award()
    ready.award.conditions = ["Send a safeguarding policy", "Credit the council"]
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    sign_in(client, ready.approver)
    page = soup_of(client.get(f"/payments/{payment.id}")).get_text(" ", strip=True)
    assert "Where the money goes" in page
    assert "Name on the account Pemberton Allotment Society" in page
    assert "****3445" in page and FULL_NUMBER not in page and FULL_SORT_CODE not in page
    verified = ready.details
    assert f"by {verified.verified_by.full_name}: Called back on a number already on file" in page
    assert "Called the chair" in page  # the verifier's note
    assert "Send a safeguarding policy" in page and "Credit the council" in page
    assert "Approve" in page
