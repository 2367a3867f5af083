"""Walking every GET page of the demo world: which ids fill each route's URL, and who looks.

The demo data (``flask seed-demo``) holds a fund, rounds, applications in every status, a
panel with its meeting and decisions, awards, payments and runs; these helpers turn each GET
route into URLs for a few of those rows, so a test can visit every page type without naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import url_for
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application, Document, DocumentKind
from grants.awards.models import (
    Award,
    AwardDocument,
    BankDetails,
    Payment,
    PaymentRun,
    ReportDue,
    ReportKind,
    Variation,
    VariationKind,
)
from grants.extensions import db
from grants.funds.models import Contribution, Criterion, Fund, Indicator, Question, Round
from grants.monitoring.models import (
    MonitoringReport,
    ReportChangeRequest,
    ReportDocument,
    ReportFile,
)
from grants.monitoring.states import ChangeKind
from grants.organisations.models import GroupLetter, Membership, Organisation
from grants.panels.models import Panel, PanelSeat, ScoreSheet
from grants.panels.record_models import RecordDocument
from grants.reference.models import Neighbourhood, Principle
from tests.factories import sign_in

# The people who look: a programme officer who is also an admin, a finance officer who may see
# bank details, a panel member and a group's member (and someone not signed in).
VIEWERS = [
    "officer@example.org",
    "finance@example.org",
    "panel2@example.org",
    "applicant@example.org",
]

PER_KIND = 3  # rows of each kind visited per route (of different statuses, where they have one)


def _sample(model) -> list:
    rows = list(db.session.scalars(select(model).order_by(model.id)))
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


def _template_questions() -> list[dict]:
    """A question of each report template of the first round (its default final question when
    it has none saved yet)."""
    from grants.monitoring.setup.templates import template_for

    found = []
    for round_ in _sample(Round)[:1]:
        for kind in ReportKind:
            for question in template_for(round_.id, kind).current.questions[:1]:
                found.append({"round_id": round_.id, "kind": kind.value, "key": question["key"]})
    return found


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
    frozenset({"fund_id", "indicator_id"}): _ids(
        Indicator, fund_id=lambda i: i.fund_id, indicator_id=_id
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
    frozenset({"report_id"}): _ids(MonitoringReport, report_id=_id),
    frozenset({"report_due_id"}): _ids(ReportDue, report_due_id=_id),
    frozenset({"neighbourhood_id"}): _ids(Neighbourhood, neighbourhood_id=_id),
    frozenset({"principle_id"}): _ids(Principle, principle_id=_id),
    frozenset({"organisation_id", "letter_id"}): _ids(
        GroupLetter, organisation_id=lambda letter: letter.organisation_id, letter_id=_id
    ),
    frozenset({"report_id", "file_id"}): _ids(
        ReportFile, report_id=lambda f: f.report_id, file_id=_id
    ),
    frozenset({"report_id", "kind"}): lambda: [
        {"report_id": r.id, "kind": kind.value}
        for r in _sample(MonitoringReport)[:1]
        for kind in ChangeKind
    ],
    frozenset({"change_id"}): _ids(ReportChangeRequest, change_id=_id),
    frozenset({"round_id", "kind"}): lambda: [
        {"round_id": r.id, "kind": kind.value} for r in _sample(Round)[:1] for kind in ReportKind
    ],
    frozenset({"round_id", "kind", "key"}): _template_questions,
    frozenset({"round_id", "number"}): _ids(
        RecordDocument,
        round_id=lambda document: db.session.get(Panel, document.panel_id).round_id,
        number=lambda document: document.number,
    ),
    frozenset({"report_id", "version"}): _ids(
        ReportDocument, report_id=lambda d: d.report_id, version=lambda d: d.version
    ),
}
# Routes that show no stored names: emailed-link pages (a token), static files and exports
# that are not HTML (checked by their own CSV/XLSX neutralising tests).
SKIPPED_ARGUMENTS = {frozenset({"token"}), frozenset({"filename"}), frozenset({"kind"})}


def get_routes(app) -> list:
    return [
        rule
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if "GET" in rule.methods and frozenset(rule.arguments) not in SKIPPED_ARGUMENTS
    ]


def unfillable(rules) -> list[str]:
    """Routes whose arguments this module cannot fill (a new kind of id needs adding here)."""
    return [rule.rule for rule in rules if frozenset(rule.arguments) not in ARGUMENTS]


def urls_of(app, rule) -> Iterator[str]:
    for arguments in ARGUMENTS[frozenset(rule.arguments)]():
        with app.test_request_context():
            yield url_for(rule.endpoint, **arguments)


def signed_in_clients(app) -> dict:
    """A client for each viewer, signed in, and one for someone not signed in."""
    clients = {}
    for email in VIEWERS:
        clients[email] = app.test_client()
        sign_in(clients[email], db.session.scalar(select(User).where(User.email == email)))
    clients["anonymous"] = app.test_client()
    return clients


class PdfHtml:
    """Stands in for WeasyPrint: keeps the HTML a PDF would be drawn from, to be checked."""

    drawn: list[str] = []

    def __init__(self, string: str, **_options):
        PdfHtml.drawn.append(string)

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7\n%%EOF\n"
