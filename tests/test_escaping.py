"""Every page escapes what people typed: a name holding markup arrives as text, never as markup.

The demo data gives every page type something to show; then every free-text column people can
edit (fund, round, ward, place, principle, group, person, criterion, question, contribution,
budget line, outcome, decision, feedback, ...) is overwritten with a payload that would redirect
the page or run a script if it reached the browser unescaped. Every GET route is then visited,
with ids taken from the data, as each kind of person, and no response may carry the payload raw.
PDFs are checked as the HTML they are drawn from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from sqlalchemy import Enum, String, select, update

from grants.accounts.models import User
from grants.applications.models import Answer, Application, Document, DocumentKind
from grants.awards.models import (
    Award,
    AwardDocument,
    BankDetails,
    Payment,
    PaymentRun,
    Variation,
    VariationKind,
)
from grants.extensions import db
from grants.funds.models import Contribution, Criterion, Fund, Question, Round
from grants.organisations.models import Membership, Organisation
from grants.panels.models import PanelSeat, ScoreSheet
from grants.reference.models import Neighbourhood, Principle
from tests.factories import sign_in

PAYLOAD = '<meta http-equiv="refresh" content="0;url=https://evil.example">"\'><script>x</script>'
# What would show the payload arrived as markup (escaped, it reads &lt;meta ... / &lt;script&gt;).
RAW_MARKERS = ("<meta http-equiv", "<script>x")

# Columns that are not free text people type, or that the service reads as keys, addresses or
# files rather than printing: left as they are so the pages still find what they point at.
NOT_FREE_TEXT = {
    "slug",
    "reference",
    "email",
    "recipient",
    "password_hash",
    "session_token",
    "token_hash",
    "stored_name",
    "content_type",
    "sha256",
    "code",
    "encrypted",
    "account_last4",
    "category",
    "answer_key",
    "funder_org_id",
    "publisher_prefix",
    "publisher_website",
    "contributor_org_id",
    "remittance_reference",
}
NOT_USER_TEXT_TABLES = {"audit_event", "outbound_email"}

# The people who look: a programme officer who is also an admin, a finance officer who may see
# bank details, a panel member and a group's member (and, below, someone not signed in).
VIEWERS = [
    "officer@example.org",
    "finance@example.org",
    "panel2@example.org",
    "applicant@example.org",
]

PER_KIND = 3  # rows of each kind visited per route (of different statuses, where they have one)


def _inject_payload() -> list[str]:
    """Overwrite every free-text column with the payload (plus the row's id, so names stay
    unique); return the columns it went into."""
    filled = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in NOT_USER_TEXT_TABLES:
            continue
        id_column = table.c.get("id")
        for column in table.columns:
            text = isinstance(column.type, String) and not isinstance(column.type, Enum)
            length = getattr(column.type, "length", None)
            if not text or column.name in NOT_FREE_TEXT or id_column is None:
                continue
            if length is not None and length < len(PAYLOAD) + 8:
                continue
            value = db.literal(PAYLOAD + " ") + db.func.cast(id_column, String)
            db.session.execute(
                update(table).where(column.is_not(None)).values({column.name: value})
            )
            filled.append(f"{table.name}.{column.name}")
    # Answers are JSON; text answers become the payload too.
    for answer in db.session.scalars(select(Answer)):
        if isinstance(answer.value, str):
            answer.value = PAYLOAD
    db.session.commit()
    return filled


def _sample(model, *, where=None) -> list:
    query = select(model).order_by(model.id)
    if where is not None:
        query = query.where(where)
    rows = list(db.session.scalars(query))
    status = getattr(model, "status", None)
    if status is None:
        return rows[:PER_KIND]
    picked, seen = [], set()
    for row in rows:  # one of each status first, then the earliest others
        if row.status not in seen:
            seen.add(row.status)
            picked.append(row)
    picked += [row for row in rows if row not in picked]
    return picked[:PER_KIND]


def _ids(model, **names: Callable) -> Callable[[], list[dict]]:
    def make() -> list[dict]:
        return [{arg: get(row) for arg, get in names.items()} for row in _sample(model)]

    return make


def _id(row):
    return row.id


# The URL arguments of every GET route, by the set of arguments it takes.
ARGUMENTS: dict[frozenset, Callable[[], list[dict]]] = {
    frozenset(): lambda: [{}],
    frozenset({"round_id"}): _ids(Round, round_id=_id),
    frozenset({"slug"}): _ids(Round, slug=lambda r: r.slug),
    frozenset({"slug", "step"}): lambda: [
        {"slug": r.slug, "step": step}
        for r in _sample(Round)[:1]
        for step in ("group-type", "income", "where")
    ],
    frozenset({"application_id"}): _ids(Application, application_id=_id),
    frozenset({"round_id", "application_id"}): _ids(
        Application, round_id=lambda a: a.round_id, application_id=_id
    ),
    frozenset({"application_id", "document_id"}): _ids(
        Document, application_id=lambda d: d.application_id, document_id=_id
    ),
    frozenset({"application_id", "kind"}): lambda: [
        {"application_id": a.id, "kind": kind.value}
        for a in _sample(Application)[:1]
        for kind in DocumentKind
    ],
    frozenset({"application_id", "user_id"}): _ids(
        ScoreSheet, application_id=lambda s: s.application_id, user_id=lambda s: s.user_id
    ),
    frozenset({"award_id"}): _ids(Award, award_id=_id),
    frozenset({"award_id", "document_id"}): _ids(
        AwardDocument, award_id=lambda d: d.award_id, document_id=_id
    ),
    frozenset({"award_id", "kind"}): lambda: [
        {"award_id": a.id, "kind": kind.value} for a in _sample(Award)[:1] for kind in VariationKind
    ],
    frozenset({"fund_id"}): _ids(Fund, fund_id=_id),
    frozenset({"fund_id", "contribution_id"}): _ids(
        Contribution, fund_id=lambda c: c.fund_id, contribution_id=_id
    ),
    frozenset({"round_id", "criterion_id"}): _ids(
        Criterion, round_id=lambda c: c.round_id, criterion_id=_id
    ),
    frozenset({"round_id", "question_id"}): _ids(
        Question, round_id=lambda q: q.round_id, question_id=_id
    ),
    frozenset({"round_id", "seat_id"}): _ids(
        PanelSeat, round_id=lambda s: s.panel.round_id, seat_id=_id
    ),
    frozenset({"organisation_id"}): _ids(Organisation, organisation_id=_id),
    frozenset({"organisation_id", "membership_id"}): _ids(
        Membership, organisation_id=lambda m: m.organisation_id, membership_id=_id
    ),
    frozenset({"user_id"}): _ids(User, user_id=_id),
    frozenset({"payment_id"}): _ids(Payment, payment_id=_id),
    frozenset({"run_id"}): _ids(PaymentRun, run_id=_id),
    frozenset({"details_id"}): _ids(BankDetails, details_id=_id),
    frozenset({"variation_id"}): _ids(Variation, variation_id=_id),
    frozenset({"neighbourhood_id"}): _ids(Neighbourhood, neighbourhood_id=_id),
    frozenset({"principle_id"}): _ids(Principle, principle_id=_id),
}
# Routes that show no stored names: emailed-link pages (a token), static files and exports
# that are not HTML (checked by their own CSV/XLSX neutralising tests).
SKIPPED_ARGUMENTS = {frozenset({"token"}), frozenset({"filename"}), frozenset({"kind"})}


class _PdfHtml:
    """Stands in for WeasyPrint: keeps the HTML a PDF would be drawn from, to be checked."""

    drawn: list[str] = []

    def __init__(self, string: str, **_options):
        _PdfHtml.drawn.append(string)

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def seeded_with_markup(runner, reference_data, monkeypatch):
    import weasyprint

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    filled = _inject_payload()
    monkeypatch.setattr(weasyprint, "HTML", _PdfHtml)
    _PdfHtml.drawn = []
    return filled


def _get_routes(app) -> Iterable:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in rule.methods and frozenset(rule.arguments) not in SKIPPED_ARGUMENTS:
            yield rule


def test_every_page_escapes_markup_in_what_people_typed(app, seeded_with_markup):
    filled = seeded_with_markup
    # The payload went everywhere the issue names, and more.
    for column in (
        "fund.name",
        "round.title",
        "neighbourhood.name",
        "neighbourhood.place",
        "principle.name",
        "organisation.name",
        "user.full_name",
        "criterion.name",
        "question.label",
        "fund_contribution.contributor_name",
        "budget_line.item",
        "outcome.indicator",
        "panel_decline_reason.label",
        "panel_decision.feedback",
    ):
        assert column in filled
    rules = list(_get_routes(app))
    missing = [r.rule for r in rules if frozenset(r.arguments) not in ARGUMENTS]
    assert missing == [], f"routes whose arguments this test cannot fill: {missing}"

    viewers = [db.session.scalar(select(User).where(User.email == e)) for e in VIEWERS]
    clients = {}
    for viewer in viewers:
        clients[viewer.email] = app.test_client()
        sign_in(clients[viewer.email], viewer)
    clients["anonymous"] = app.test_client()

    unescaped, shown = [], set()
    for rule in rules:
        for arguments in ARGUMENTS[frozenset(rule.arguments)]():
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **arguments)
            for who, client in clients.items():
                _PdfHtml.drawn = []
                response = client.get(url)
                body = response.get_data(as_text=response.mimetype == "text/html")
                response.close()
                if response.status_code != 200:
                    continue
                shown.add(rule.endpoint)
                bodies = [body] if response.mimetype == "text/html" else []
                bodies += _PdfHtml.drawn
                for body in bodies:
                    if any(marker in body for marker in RAW_MARKERS):
                        unescaped.append((rule.endpoint, url, who))
    assert unescaped == [], f"markup arrived unescaped on {sorted(set(unescaped))}"
    # Nearly every page type was seen with the payload in it (a few need state the demo lacks).
    never = sorted({r.endpoint for r in rules} - shown)
    assert len(shown) > 0.8 * len({r.endpoint for r in rules}), f"never shown: {never}"
