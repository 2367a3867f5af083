"""Every form of an award's life, sent hostile bodies: finance's offer, payment, contribution,
variation, recovery and closing forms, and the group's acceptance, decline and bank details.

Whatever is posted: never a 500; a refused request changes nothing (no row of an award, its
payments, runs, bank details, variations, recoveries, documents, contributions or terms, no audit
event, no email, no file); money stays whole pence and never negative, nobody is paid more than
their award and no more comes back than was paid; no round commits more than its budget, no
contribution more than it gave, and no fund gives its rounds more than it holds; bank details are
kept only as a token holding neither the account number typed nor the one saved.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grants import transaction
from grants.applications.models import Document
from grants.awards import bank, contributions, crypto, offers, runs, services, variations
from grants.awards.ledger import award_money
from grants.awards.models import (
    AwardDocument,
    BankDetails,
    HoldKind,
    RecoveryKind,
    ReleaseCondition,
    VariationKind,
    VerificationMethod,
)
from grants.awards.states import PaymentStatus
from grants.clock import uk_today, utcnow
from grants.extensions import db
from grants.funds.models import Contribution, Fund, Round
from grants.permissions import Role
from tests.awards.factories import Funded, finance_officer, released_awards
from tests.awards.test_payments_setup import ACCOUNT
from tests.awards.test_variations import in_force, pay
from tests.factories import make_user, sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, files_under, multipart, send

pytestmark = pytest.mark.usefixtures("reference_data")

# Thirty forms: fewer examples each than a module of three (FUZZ_EXAMPLES deepens a local run).
AWARDS_FUZZ = settings(FUZZ, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5")))

# Awards are released a batch at a time (one panel decides five), with a budget that leaves room
# for one award more: an increase past it must be refused.
AMOUNT, BATCH, BUDGET = 500_000, 5, 3_000_000

# What an example may change, row by row. Emails and audit events follow a change; the rest are
# the money's own records.
WATCHED = ("award", "award_terms", "award_document", "award_report", "payment", "payment_run",
           "bank_details", "award_variation", "award_recovery", "fund_contribution", "round",
           "audit_event", "outbound_email")  # fmt: skip
FOLLOWING = {"audit_event", "outbound_email"}
MONEY_COLUMNS = [("award", "amount_pence"), ("payment", "amount_pence"),
                 ("payment_run", "total_pence"), ("award_recovery", "amount_pence"),
                 ("fund_contribution", "amount_pence"),
                 ("award_terms", "single_payment_limit_pence")]  # fmt: skip


def saved() -> dict:
    """Every watched row as stored, keyed by (table, id)."""
    db.session.expire_all()
    rows = {}
    for name in WATCHED:
        for row in db.session.execute(select(db.metadata.tables[name])):
            rows[(name, row.id)] = tuple(row)
    return rows


def changed(before: dict, after: dict) -> set:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


# The people and the awards each form acts on


class Stock:
    """Released awards, made a batch at a time and handed out one by one. Each batch's round adds
    to the one fund's rounds, so the council tops the fund up when its rounds would outgrow it."""

    def __init__(self):
        self.waiting: list[Funded] = []

    def take(self) -> Funded:
        if not self.waiting:
            self.waiting = released_awards([AMOUNT] * BATCH, budget_pence=BUDGET)
            fund = self.waiting[0].award.round.fund
            short = contributions.rounds_total(fund) - fund.budget_pence
            if short > 0:
                db.session.add(Contribution(fund=fund, contributor_name="Wigan Council",
                                            contributor_org_id="GB-LAE-WGN",
                                            amount_pence=short + 10 * BUDGET,
                                            received_on=uk_today()))  # fmt: skip
                db.session.flush()
                db.session.expire(fund, ["budget_pence"])
        return self.waiting.pop(0)


@dataclass
class People:
    me: object  # the finance officer posting (who may also reveal bank details)
    other: object  # another finance officer: raised, proposed or entered what ``me`` decides
    third: object


def _link(award) -> str:
    return f"http://localhost/awards/{award.id}"


def _verified(funded: Funded, people: People) -> BankDetails:
    details = bank.enter(funded.member, funded.award, **ACCOUNT)
    bank.verify(people.other, details, VerificationMethod.CALL_BACK, "Called the chair")
    return details


def _paying(status: PaymentStatus | None):
    """An accepted award with verified bank details, its first instalment in ``status``."""

    def make(funded: Funded, people: People) -> dict:
        award = in_force(funded.award)
        _verified(funded, people)
        payment = award.payments[0]
        payment.due_on = uk_today()
        if status in (PaymentStatus.RAISED, PaymentStatus.APPROVED):
            pay(payment, people.other, people.third, status=status)
        elif status == PaymentStatus.HELD:
            payment.status, payment.held_from = PaymentStatus.HELD, PaymentStatus.SCHEDULED
            payment.hold_kind, payment.hold_reason = HoldKind.MANUAL, "Checking the invoice"
            payment.held_by_id, payment.status_changed_at = people.other.id, utcnow()
        return {"payment": payment.id}

    return make


def _to_stop(funded: Funded, people: People) -> dict:
    """A payment in a run whose file was downloaded before the group changed its details."""
    ids = _paying(PaymentStatus.APPROVED)(funded, people)
    run = runs.create_run(people.other, uk_today()).run
    runs.run_file(people.me, run)
    bank.enter(funded.member, funded.award, **{**ACCOUNT, "account_number": "99998888"})
    return ids


def _increased(funded: Funded, people: People) -> dict:
    """Being prepared, above the panel's decision: another officer set it, ``me`` approves."""
    award = funded.award
    changes = services.AwardChanges(
        AMOUNT + 100_000, award.start_date, award.end_date, amount_reason="Costs rose"
    )
    services.adjust(people.other, award, changes)
    return {"amount": award.amount_pence}


def _offered(funded: Funded, people: People) -> dict:
    offers.send_offer(people.other, funded.award, _link)
    return {}


def _accepted(funded: Funded, people: People) -> dict:
    in_force(funded.award)
    return {"details": bank.enter(funded.member, funded.award, **ACCOUNT).id}


def _active(funded: Funded, people: People) -> dict:
    award = in_force(funded.award, paid=1)
    _verified(funded, people)
    return {"schedulable": [p.id for p in variations.schedulable_payments(award)]}


def _varied(change: int):
    def make(funded: Funded, people: People) -> dict:
        award = in_force(funded.award, paid=1)
        proposal = variations.Proposal(VariationKind.AMOUNT, "More", amount_change_pence=change)
        return {"variation": variations.propose(people.other, award, proposal).id}

    return make


def _contribution(funded: Funded, people: People) -> dict:
    fund = funded.award.round.fund
    details = contributions.ContributionDetails("Wigan NHS", "GB-NHS-RXX", 100_000, uk_today())
    return {"contribution": contributions.add(people.other, fund, details).id}


KINDS: dict[str, Callable[[Funded, People], dict]] = {
    "preparing": lambda funded, people: {},
    "offered": _offered,
    "accepted": _accepted,
    "scheduled": _paying(None),
    "raised": _paying(PaymentStatus.RAISED),
    "approved": _paying(PaymentStatus.APPROVED),
    "held": _paying(PaymentStatus.HELD),
    "to stop": _to_stop,
    "increased": _increased,
    "active": _active,
    "varied": _varied(100_000),
    "varied over budget": _varied(BUDGET),
    "contribution": _contribution,
}


class Setting:
    """The people, and one award of the kind the forms under test act on, remade whenever a
    request changes it, so every request starts from the same kind of saved state."""

    def __init__(self, kind: str):
        self.kind, self.stock = kind, Stock()
        self.people = People(
            make_user(Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER, name="Fay Finance"),
            finance_officer(name="Omar Other"),
            finance_officer(name="Tess Third"),
        )
        self.remake()

    def remake(self) -> None:
        funded = self.stock.take()
        award = funded.award
        self.member = funded.member
        self.ids = {"award": award.id, "round": award.round_id, "fund": award.round.fund_id}
        self.ids |= {"contribution": award.round.fund.contributions[0].id}
        self.ids |= KINDS[self.kind](funded, self.people)
        transaction.commit()


# The forms


def _text(*good: str, limit: int) -> fuzz.Field:
    return fuzz.text_field(*good, tricky=["x" * (limit + 1), " " * 3])


def _reason(limit: int) -> dict[str, fuzz.Field]:
    return {"reason": _text("Plans changed", limit=limit)}


def _pounds(*good: str) -> fuzz.Field:
    return fuzz.number_field(
        *good, tricky=["0.01", "0", "-100", "1,000.005", "30000", "100000", "£5,000.00"]
    )


def _days(around: date, spread: int = 30) -> fuzz.Field:
    return fuzz.date_field(around, spread)


def _name() -> fuzz.Field:
    return _text("Ada Lovelace", limit=offers.NAME_MAX_LENGTH)


def _contribution_fields(ids: dict) -> dict[str, fuzz.Field]:
    return {
        "contributor_name": _text("Wigan NHS", limit=contributions.NAME_MAX_LENGTH),
        "contributor_org_id": fuzz.text_field(
            "GB-NHS-RXX", "GB-COH-01234567", tricky=["GB-", "gb-nhs-rxx", "GB-NHS-RXX\n"]
        ),
        "amount_pence": _pounds("1000", "250.50", "£1,000"),
        "received_on": _days(uk_today()),
    }


def _bank_fields(ids: dict) -> dict[str, fuzz.Field]:
    return {
        "account_name": _text("Pemberton Allotment Society", limit=200),
        "sort_code": fuzz.text_field(
            "30-94-30", "309430", "30 94 30", tricky=["30-94-3", "3O9430", "30-94-30-00", "١٢٣٤٥٦"]
        ),
        "account_number": fuzz.text_field(
            "00733445", "0073 3445", tricky=["0073344", "007334455", "0073-3445", "𝟏𝟓733445"]
        ),
    }


def _terms_fields(ids: dict) -> dict[str, fuzz.Field]:
    conditions = [c.value for c in ReleaseCondition]
    fields = {
        "single_payment_limit": _pounds("2000", "0"),
        "offer_valid_days": fuzz.number_field("30", "365", tricky=["0", "366", "1.5"]),
        "terms": _text("## Terms\n- Spend the grant as agreed", limit=20_000),
    }
    for number, percent in enumerate(("50", "40", "10", ""), start=1):
        fields[f"percent_{number}"] = fuzz.number_field(percent, tricky=["0", "101", "-50"])
        fields[f"condition_{number}"] = fuzz.choice_field(conditions if percent else [""])
    return fields


@dataclass(frozen=True)
class Form:
    """A form: the award it needs, where it posts (formatted with that award's ids), its fields,
    its file inputs, and who posts it."""

    kind: str
    url: str
    fields: Callable[[dict], dict[str, fuzz.Field]] = lambda ids: {}
    files: tuple[str, ...] = ()
    by_member: bool = False
    # A valid post flashes success; revealing answers the page itself and may add only its audit.
    reveals: bool = False


def _adjust_fields(ids: dict) -> dict[str, fuzz.Field]:
    return {
        "amount": _pounds("4500", "5000"),
        "start_date": _days(date(2027, 1, 4)),
        "end_date": _days(date(2027, 12, 31)),
        "conditions": fuzz.text_field("Share a safeguarding policy\nName a lead", ""),
        "amount_reason": _text("The group found match funding", "", limit=1_000),
        "contribution": fuzz.choice_field(["none", str(ids["contribution"])]),
    }


def _offer_reason(ids: dict) -> dict[str, fuzz.Field]:
    return _reason(offers.REASON_MAX_LENGTH)


def _payment_reason(ids: dict) -> dict[str, fuzz.Field]:
    return _reason(1_000)


def _signatory(ids: dict) -> dict[str, fuzz.Field]:
    return {"full_name": _name(), "role": _name()}


# fmt: off
FORMS = {
    "adjust": Form("preparing", "/awards/{award}/adjust", _adjust_fields),
    "send offer": Form("preparing", "/awards/{award}/send-offer"),
    "approve increase": Form("increased", "/awards/{award}/approve-increase", lambda ids: {
        "amount_pence": fuzz.number_field(str(ids["amount"]), tricky=[
            str(ids["amount"] - 1), "0", "-1", "²", "9" * 30, "6,000"])}),
    "send increased offer": Form("increased", "/awards/{award}/send-offer"),
    "terms": Form("preparing", "/awards/rounds/{round}/terms", _terms_fields),
    "reissue": Form("offered", "/awards/{award}/reissue", lambda ids: {
        **_offer_reason(ids), "seen_version": fuzz.number_field("1", tricky=["2", "0"])}),
    "withdraw": Form("offered", "/awards/{award}/withdraw", _offer_reason),
    "record decline": Form("offered", "/awards/{award}/record-decline", _offer_reason),
    "paper acceptance": Form("offered", "/awards/{award}/paper-acceptance", lambda ids: {
        **_signatory(ids), "signed_on": _days(uk_today(), 0)}, files=("scan",)),
    "accept": Form("offered", "/awards/{award}/accept", lambda ids: {
        **_signatory(ids), "confirmed": fuzz.checkbox_field()}, by_member=True),
    "decline": Form("offered", "/awards/{award}/decline", _offer_reason, by_member=True),
    "bank details": Form("accepted", "/payments/awards/{award}/bank-details", _bank_fields,
                         by_member=True),
    "bank details from a letter": Form("accepted", "/payments/awards/{award}/bank-details",
                                       _bank_fields),
    "verify": Form("accepted", "/payments/bank-details/{details}/verify", lambda ids: {
        "method": fuzz.choice_field([m.value for m in VerificationMethod]),
        "note": _text("Called the chair", limit=bank.NOTE_MAX)}),
    "reveal": Form("accepted", "/payments/bank-details/{details}/reveal", reveals=True),
    "raise": Form("scheduled", "/payments/{payment}/raise"),
    "approve": Form("raised", "/payments/{payment}/approve"),
    "paid": Form("approved", "/payments/{payment}/paid", lambda ids: {
        "paid_on": _days(uk_today(), 5), "remittance_reference": _text("BACS-1", limit=100)}),
    "hold": Form("scheduled", "/payments/{payment}/hold", _payment_reason),
    "release": Form("held", "/payments/{payment}/release"),
    "stop at the bank": Form("to stop", "/payments/{payment}/stop", lambda ids: {
        "stopped": fuzz.choice_field(["yes", "no"], tricky=["maybe", "1"])}),
    "cancel": Form("held", "/payments/{payment}/cancel", _payment_reason),
    "new run": Form("approved", "/payments/runs/new",
                    lambda ids: {"due_by": _days(uk_today(), 10)}),
    "add contribution": Form("contribution", "/finance/funds/{fund}/contributions/new",
                             _contribution_fields),
    "correct contribution": Form("contribution",
                                 "/finance/funds/{fund}/contributions/{contribution}",
                                 _contribution_fields),
    "remove contribution": Form("contribution",
                                "/finance/funds/{fund}/contributions/{contribution}/remove"),
    "vary amount": Form("active", "/finance/awards/{award}/variations/new/amount", lambda ids: {
        "direction": fuzz.choice_field(["increase", "decrease"]),
        "change_pence": _pounds("1000", "100"), **_reason(5_000)}),
    "vary end date": Form("active", "/finance/awards/{award}/variations/new/end_date",
                          lambda ids: {"new_end_date": _days(date(2028, 3, 1), 120),
                                       **_reason(5_000)}),
    "vary schedule": Form("active", "/finance/awards/{award}/variations/new/schedule",
                          lambda ids: {
        "payment_id": fuzz.choice_field([str(i) for i in ids["schedulable"]]),
        "new_due_on": _days(uk_today()), **_reason(5_000)}),
    "approve variation": Form("varied", "/finance/variations/{variation}/approve"),
    "reject variation": Form("varied", "/finance/variations/{variation}/reject"),
    "approve variation over budget": Form("varied over budget",
                                          "/finance/variations/{variation}/approve"),
    "money returned": Form("active", "/finance/awards/{award}/money-returned", lambda ids: {
        "kind": fuzz.choice_field([k.value for k in RecoveryKind]),
        "amount_pence": _pounds("100", "2500"), "received_on": _days(uk_today()),
        **_reason(5_000)}),
    "close": Form("active", "/finance/awards/{award}/close", lambda ids: {
        "outcome": fuzz.choice_field(["completed", "closed_early"], tricky=["withdrawn"]),
        **_reason(5_000)}),
}
# fmt: on


# What must hold after every request


def _digits(text) -> str:
    return re.sub(r"\D", "", text) if isinstance(text, str) else ""


def assert_money_sound() -> None:
    """Whole, non-negative pence everywhere; nobody paid more than the award, nothing returned
    that was not paid; no round, contribution or fund over what it has."""
    for name, column in MONEY_COLUMNS:
        for value in db.session.scalars(select(db.metadata.tables[name].c[column])):
            assert type(value) is int and value >= 0, f"{name}.{column} = {value!r}"
    committed_by_round: dict[int, int] = {}
    committed_by_contribution: dict[int, int] = {}
    for money in award_money():
        figures = (money.amount_pence, money.paid_pence, money.recovered_pence,
                   money.committed_pence, money.outstanding_pence)  # fmt: skip
        assert all(type(f) is int and f >= 0 for f in figures), money
        assert money.paid_pence <= money.amount_pence, money
        assert money.recovered_pence <= money.paid_pence, money
        round_total = committed_by_round.get(money.round_id, 0)
        committed_by_round[money.round_id] = round_total + money.committed_pence
        if money.contribution_id is not None:
            total = committed_by_contribution.get(money.contribution_id, 0)
            committed_by_contribution[money.contribution_id] = total + money.committed_pence
    for round_ in db.session.scalars(select(Round)):
        assert committed_by_round.get(round_.id, 0) <= round_.budget_pence, round_.title
    for contribution in db.session.scalars(select(Contribution)):
        assert committed_by_contribution.get(contribution.id, 0) <= contribution.amount_pence
    for fund in db.session.scalars(select(Fund)):
        assert fund.budget_pence >= contributions.rounds_total(fund), fund.name


def assert_bank_details_sealed(body: dict, state: dict) -> None:
    """Each row is a token that opens and holds neither what was typed nor what it saves; no
    audit event or email holds a saved account number or sort code, however it is spaced."""
    typed = {_digits(body.get(name)) for name in ("account_number", "sort_code")}
    saved_secrets = set()
    for details in db.session.scalars(select(BankDetails)):
        account = crypto.decrypt(details.encrypted)
        assert details.account_last4 == account["account_number"][-4:]
        secrets = {account["account_number"], account["sort_code"]}
        for secret in secrets | {t for t in typed if len(t) >= 6}:
            assert secret not in details.encrypted, f"bank details {details.id} hold {secret}"
        saved_secrets |= secrets
    patterns = [re.compile("[ -]?".join(secret)) for secret in saved_secrets]
    for (table, id_), row in state.items():
        if table in FOLLOWING:
            text = " ".join(str(value) for value in row)
            assert not any(p.search(text) for p in patterns), f"{table} {id_} holds bank details"


def assert_files_match_documents(folder) -> None:
    """A refused upload leaves no file; every document's file is there."""
    stored = {path.name for path in files_under(folder)}
    expected = set(db.session.scalars(select(AwardDocument.stored_name)))
    expected |= set(db.session.scalars(select(Document.stored_name)))
    assert stored == expected, f"orphans {stored - expected}, missing {expected - stored}"


def _succeeded(client, form: Form, response) -> bool:
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    if form.reveals:
        return response.status_code == 200
    return any(category == "success" for category, _message in flashes)


def post_and_check(client, setting: Setting, folder, name: str, data) -> None:
    """Post one hostile body (and files) to the form, then check every rule."""
    form = FORMS[name]
    sign_in(client, setting.member if form.by_member else setting.people.me)
    body = data.draw(fuzz.form_bodies(form.fields(setting.ids)), label=f"{name}: body")
    files = {}
    for slot in form.files:  # half the time a good scan, so the form is saved now and then
        upload = st.one_of(st.just((fuzz.REAL_FILES[0], "scan.pdf")), fuzz.uploads(32 * 1024))
        if data.draw(st.integers(0, 3), label=f"{name}: send {slot}"):
            files[slot] = data.draw(upload, label=f"{name}: {slot}")
    url = form.url.format(**setting.ids)
    transaction.commit()
    before = saved()

    if form.files:
        response = send(client, "POST", url, **multipart(body, files))
    else:
        response = send(client, "POST", url, data=body)
    succeeded = _succeeded(client, form, response)
    event(f"{name}: {'saved' if succeeded else response.status_code}")

    after = saved()
    moved = changed(before, after)
    try:
        if not succeeded:
            assert not moved, f"{name}: a refused request changed {sorted(moved)[:5]}"
        elif form.reveals:
            assert {table for table, _ in moved} <= {"audit_event"}, sorted(moved)[:5]
        assert_money_sound()
        assert_bank_details_sealed(body, after)
        assert_files_match_documents(folder)
    finally:
        if any(table not in FOLLOWING for table, _ in moved):
            setting.remake()  # so the next form, example or replay starts afresh


@pytest.fixture
def setting(request, reference_data) -> Setting:
    return Setting(request.node.callspec.params["kind"])


@pytest.mark.parametrize("kind", list(KINDS))
@AWARDS_FUZZ
@given(data=st.data())
def test_award_forms(client, setting, upload_folder, kind, data):
    """Each form that acts on an award of this kind, in turn, one hostile body each (the kinds
    share their set-up: making the awards is what takes the time)."""
    for name, form in FORMS.items():
        if form.kind == kind:
            post_and_check(client, setting, upload_folder, name, data)


def test_every_post_form_is_fuzzed(app):
    """Each POST route of the award blueprints has a form here: a new one must join FORMS."""
    adapter = app.url_map.bind("localhost")
    names = ["award", "round", "details", "payment", "fund", "contribution", "variation"]
    ids = dict.fromkeys(names, 1)
    covered = {adapter.match(form.url.format(**ids), method="POST")[0] for form in FORMS.values()}
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint.split(".")[0] in {"awards", "payments", "finance"}
    }
    assert posting <= covered, sorted(posting - covered)
