"""The monitoring exports: a row per report and per outcome value, consent as a column, safe to
open in a spreadsheet, streamed, for programme officers, and never any bank details."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from grants.applications.models import Outcome
from grants.awards.models import ReportKind
from grants.clock import utcnow
from grants.extensions import db
from grants.funds.models import Indicator, IndicatorUnit
from grants.monitoring import exports
from grants.monitoring.models import ReportFile, ReportOutcomeValue, ReportSpend
from grants.monitoring.states import FileKind, ReportStatus, StoryConsent
from grants.permissions import Role
from tests.awards.test_payments_setup import ACCOUNT, FULL_NUMBER, FULL_SORT_CODE
from tests.factories import make_user, sign_in
from tests.monitoring.factories import award_in_force, bare_report

pytestmark = pytest.mark.usefixtures("reference_data")
FORMULA = '=HYPERLINK("http://evil")'


def _photo(report, number: int, agreed: bool) -> ReportFile:
    return ReportFile(
        kind=FileKind.PHOTO,
        stored_name=f"photo-{report.id}-{number}.jpg",
        original_name="p.jpg",
        content_type="image/jpeg",
        size_bytes=10,
        sha256="0" * 64,
        alt_text="Lunch",
        people_agreed=agreed,
        created_by_id=report.started_by_id,
    )


@pytest.fixture
def world():
    """A sent interim report with spending, outcomes, a story and photos; an award whose reports
    are not started. Both groups have verified bank details."""
    ready = award_in_force()
    ready.award.organisation.name = FORMULA
    application = ready.award.application
    principle_id = application.outcomes[0].principle_id
    indicator = Indicator(
        fund_id=ready.award.round.fund_id,
        name="People taking part",
        unit=IndicatorUnit.PEOPLE,
        principle_id=principle_id,
    )
    db.session.add(indicator)
    db.session.flush()
    measured = Outcome(
        application_id=application.id,
        indicator_id=indicator.id,
        target_value=40,
        principle_id=principle_id,
    )
    db.session.add(measured)
    db.session.flush()
    report = bare_report(ready, ReportKind.INTERIM)
    now = utcnow()
    report.status = ReportStatus.SUBMITTED
    report.first_submitted_at, report.submitted_at = now - timedelta(days=3), now
    report.reach = {"Older people": 12, "Children": 30}
    report.story = "Maggie came every week and now runs the tea urn."
    report.story_consent = StoryConsent.ANONYMOUS
    report.spending.append(ReportSpend(budget_line_id=application.budget_lines[0].id,
                                       spent_pence=123_45))  # fmt: skip
    report.outcome_values.append(
        ReportOutcomeValue(outcome_id=measured.id, actual_value=35, comment="Summer was busy")
    )
    report.outcome_values.append(
        ReportOutcomeValue(outcome_id=application.outcomes[0].id, progress="@SUM(A1) going well")
    )
    report.files.extend([_photo(report, 1, True), _photo(report, 2, False)])
    db.session.flush()
    other = award_in_force()
    other.award.organisation.name = "Marsh Green Gardeners"
    db.session.flush()
    return ready, other, indicator


@pytest.fixture
def officer(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))


def _no_bank_details(text: str) -> None:
    for secret in (FULL_NUMBER, FULL_SORT_CODE, ACCOUNT["sort_code"], ACCOUNT["account_number"],
                   ACCOUNT["account_name"]):  # fmt: skip
        assert secret not in text


def _csv(client, kind: str, query: str = "") -> list[dict]:
    response = client.get(f"/monitoring/exports/{kind}.csv{query}")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    _no_bank_details(text)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_reports_csv_has_a_row_per_report_owed(client, world, officer):
    ready, other, _ = world
    rows = _csv(client, "reports")
    assert [(r["Award reference"], r["Report"]) for r in rows] == [
        (ready.award.reference, "Interim report"),
        (ready.award.reference, "Final report"),
        (other.award.reference, "Interim report"),
        (other.award.reference, "Final report"),
    ]
    sent = rows[0]
    assert sent["Group"] == "'" + FORMULA  # a formula is made plain text
    assert sent["Status"] == "Sent" and sent["Channel"] == "Online"
    assert sent["People reached"] == "42" and sent["Spent (£)"] == "123.45"
    assert sent["Story given"] == "Yes"
    assert sent["Story consent"] == "You may publish this without names"
    assert (sent["Photos"], sent["Photos with people's agreement"]) == ("2", "1")
    assert sent["First sent"] and sent["Last sent"] and sent["Accepted"] == ""
    assert sent["Neighbourhoods"]
    assert "Maggie" not in "".join(sent.values())  # the story itself stays behind the gate
    assert rows[1]["Status"] == exports.NOT_STARTED and rows[1]["Story given"] == "No"


def test_the_outcomes_csv_has_a_row_per_outcome_value(client, world, officer):
    ready, _, indicator = world
    rows = _csv(client, "outcomes")
    assert len(rows) == 2
    measured = next(r for r in rows if r["Indicator id"])
    own = next(r for r in rows if not r["Indicator id"])
    assert measured["Indicator id"] == str(indicator.id)
    assert (measured["Indicator"], measured["Unit"]) == ("People taking part", "People")
    assert (measured["Target"], measured["Actual"], measured["Own outcome"]) == ("40", "35", "")
    assert measured["Comment"] == "Summer was busy" and measured["Principle"]
    assert own["Own outcome"] == "Children attending" and own["Actual"] == ""
    assert own["Progress"] == "'@SUM(A1) going well"
    assert {r["Award reference"] for r in rows} == {ready.award.reference}
    assert {r["Report"] for r in rows} == {"Interim report"}


def test_a_round_filter_keeps_its_rows(client, world, officer):
    ready, _, _ = world
    assert len(_csv(client, "reports", f"?round={ready.award.round_id}")) >= 2
    assert _csv(client, "reports", f"?round={10**15}") == []
    assert len(_csv(client, "reports", "?round=nonsense")) == 4  # not a round: no filter


def test_the_xlsx_files_hold_the_same_rows(client, world, officer):
    ready, _, _ = world
    for kind, count in (("reports", 4), ("outcomes", 2)):
        response = client.get(f"/monitoring/exports/{kind}.xlsx")
        assert response.status_code == 200 and response.is_streamed
        assert response.mimetype == exports_mimetype()
        data = response.get_data()
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == count + 1
        cells = " ".join(str(cell) for row in rows for cell in row if cell is not None)
        _no_bank_details(cells)
        if kind == "reports":
            heading = list(rows[0])
            first = dict(zip(heading, rows[1], strict=True))
            assert first["Group"] == "'" + FORMULA and first["People reached"] == 42
            assert first["Story consent"] == "You may publish this without names"


def exports_mimetype() -> str:
    from grants.awards.exports import XLSX_MIMETYPE

    return XLSX_MIMETYPE


def test_only_programme_officers_download_them(client, world):
    ready, _, _ = world
    for person in (make_user(Role.FINANCE_OFFICER), ready.member, make_user(Role.PANEL_MEMBER)):
        sign_in(client, person)
        for url in ("/monitoring/exports/reports.csv", "/monitoring/exports/outcomes.xlsx"):
            assert client.get(url).status_code == 403
    assert client.get("/monitoring/exports/annual.csv").status_code == 404


def test_rows_are_read_in_batches_with_constant_queries(world, count_queries, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)

    def read():
        list(exports.report_rows())
        list(exports.outcome_rows())

    few = count_queries(read)
    award_in_force()
    award_in_force()
    db.session.flush()
    # Four more reports are two more batches of two: the queries grow by batch, not by row.
    assert count_queries(read) <= few + 2 * 3  # per batch: places, spending, photos
