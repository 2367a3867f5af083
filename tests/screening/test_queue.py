"""The officers' queue of sent applications: filters, sorting, pages, query count and CSV export."""

from __future__ import annotations

import csv
import io
import itertools
import time

import pytest
from sqlalchemy import select

from grants import transaction
from grants.applications import answers, services
from grants.applications.models import Application, Channel
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.organisations.models import Organisation
from grants.permissions import Role
from grants.reference.models import Neighbourhood, Principle
from grants.screening import export
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from tests.applications.factories import (
    assisted_application,
    complete,
    open_round,
    start_application,
    submitted_application,
)
from tests.checks import soup_of
from tests.factories import make_user, sign_in

_references = itertools.count(1)


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    sign_in(client, user)
    return user


def _send(application: Application, *, title: str, neighbourhood, principle) -> Application:
    actor = application.organisation.main_contact
    answers.save_project(
        actor, application, title=title, summary="A summary", description="A description"
    )
    answers.save_neighbourhoods(actor, application, [neighbourhood.id])
    answers.save_principles(actor, application, main_id=principle.id, other_ids=[])
    return services.submit(actor, application, link_for=lambda a: "/link")


@pytest.fixture
def queue(reference_data):
    """Three sent applications and a draft, different in every way the filters look at."""
    wards = list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))
    principles = list(db.session.scalars(select(Principle).order_by(Principle.position)))
    first, second = open_round(), open_round()
    lunch = _send(
        complete(start_application(first), amount="500"),
        title="Summer lunch club",
        neighbourhood=wards[0],
        principle=principles[0],
    )
    garden = _send(
        complete(assisted_application(round_=second), amount="1500"),
        title="Community garden",
        neighbourhood=wards[1],
        principle=principles[1],
    )
    choir = _send(
        complete(start_application(first), amount="1800"),
        title="Choir for carers",
        neighbourhood=wards[2],
        principle=principles[2],
    )
    officer = make_user(Role.PROGRAMME_OFFICER)
    screening.screen(
        officer,
        choir,
        outcome="eligible",
        checklist=dict.fromkeys(CHECKLIST_LABELS, True),
        message=None,
        link_for=lambda a: "/",
    )
    draft = start_application(first)
    return {
        "lunch": lunch,
        "garden": garden,
        "choir": choir,
        "draft": draft,
        "rounds": (first, second),
        "wards": wards,
        "principles": principles,
    }


def references(response) -> list[str]:
    return [
        row.select("td")[0].get_text(strip=True) for row in soup_of(response).select("tbody tr")
    ]


def test_the_queue_lists_sent_applications_but_never_drafts(client, officer, queue):
    response = client.get("/screening/")
    assert response.status_code == 200
    shown = set(references(response))
    assert shown == {queue[name].reference for name in ("lunch", "garden", "choir")}
    assert "3 applications" in response.get_data(as_text=True)


def test_each_filter_narrows_the_queue(client, officer, queue):
    first, second = queue["rounds"]
    wards, principles = queue["wards"], queue["principles"]
    cases = {
        f"round={second.id}": {"garden"},
        "status=eligible": {"choir"},
        "status=submitted": {"lunch", "garden"},
        f"neighbourhood={wards[1].id}": {"garden"},
        f"principle={principles[2].id}": {"choir"},
        "assisted=yes": {"garden"},
        "assisted=no": {"lunch", "choir"},
        "amount_band=up-to-1000": {"lunch"},
        "amount_band=1000-to-2000": {"garden", "choir"},
        "amount_band=over-10000": set(),
        "search=garden": {"garden"},
        "search=CHOIR": {"choir"},
        f"search={queue['lunch'].reference}": {"lunch"},
        f"search={queue['lunch'].organisation.name[:8]}": {"lunch", "garden", "choir"},
        f"round={first.id}&amount_band=1000-to-2000": {"choir"},
    }
    for query, expected in cases.items():
        shown = set(references(client.get(f"/screening/?{query}")))
        assert shown == {queue[name].reference for name in expected}, query


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "status=nonsense",
        "round=abc",
        "neighbourhood=-1",
        "amount_band=lots",
        "assisted=maybe",
        "search=%25",
        "search=_",
    ],
)
def test_values_a_filter_does_not_offer_are_ignored_not_errors(client, officer, queue, query):
    response = client.get(f"/screening/?{query}")
    assert response.status_code == 200
    expected = {"lunch", "garden", "choir"} if not query.startswith("search") else set()
    assert set(references(response)) == {queue[name].reference for name in expected}


def test_the_filter_form_keeps_what_was_chosen(client, officer, queue):
    first, _ = queue["rounds"]
    soup = soup_of(client.get(f"/screening/?round={first.id}&search=choir&assisted=no"))
    assert soup.find("select", attrs={"name": "round"}).find("option", selected=True)[
        "value"
    ] == str(first.id)
    assert soup.find("input", attrs={"name": "search"})["value"] == "choir"
    assert soup.find("input", attrs={"name": "assisted", "checked": True})["value"] == "no"


def test_status_tags_are_coloured_and_assisted_ones_are_marked(client, officer, queue):
    soup = soup_of(client.get("/screening/?sort=reference"))
    tags = {
        row.select("td")[0].get_text(strip=True): row.select(".govuk-tag")
        for row in soup.select("tbody tr")
    }
    choir = tags[queue["choir"].reference]
    assert (
        "govuk-tag--turquoise" in choir[0]["class"] and choir[0].get_text(strip=True) == "Eligible"
    )
    assert [t.get_text(strip=True) for t in tags[queue["garden"].reference]] == [
        "Submitted",
        "Assisted",
    ]
    assert len(tags[queue["lunch"].reference]) == 1


def test_sorting_by_each_column_both_ways(client, officer, queue):
    lunch, garden, choir = (queue[name].reference for name in ("lunch", "garden", "choir"))
    assert references(client.get("/screening/?sort=amount")) == [lunch, garden, choir]
    assert references(client.get("/screening/?sort=-amount")) == [choir, garden, lunch]
    assert references(client.get("/screening/?sort=reference")) == sorted([lunch, garden, choir])
    assert references(client.get("/screening/?sort=-submitted")) == [choir, garden, lunch]
    assert references(client.get("/screening/?sort=submitted")) == [lunch, garden, choir]
    by_group = references(client.get("/screening/?sort=group"))
    names = {
        a.reference: a.organisation.name for a in (queue["lunch"], queue["garden"], queue["choir"])
    }
    assert [names[r] for r in by_group] == sorted(names.values())


@pytest.mark.parametrize(
    "sort", ["title", "-", "amount;drop table application", "__class__", "organisation.name", ""]
)
def test_a_sort_outside_the_whitelist_falls_back_to_newest_first(client, officer, queue, sort):
    response = client.get("/screening/", query_string={"sort": sort})
    assert response.status_code == 200
    assert references(response) == [queue[n].reference for n in ("choir", "garden", "lunch")]


def test_column_headings_link_to_the_opposite_order_and_say_so(client, officer, queue):
    soup = soup_of(client.get("/screening/?sort=amount&status=submitted"))
    heading = next(th for th in soup.select("thead th") if "Amount" in th.get_text())
    assert heading["aria-sort"] == "ascending"
    link = heading.find("a")
    assert "sort=-amount" in link["href"] and "status=submitted" in link["href"]
    assert "sort descending" in link.get_text()


# Many applications: pages, and the same number of queries however many there are


def clone_sent(template: Application, count: int) -> None:
    """Add ``count`` sent applications by direct insert, each with its own group, spread over
    every principle and a few neighbourhoods: cheap enough to make sixty in a test."""
    principles = list(db.session.scalars(select(Principle)))
    wards = list(db.session.scalars(select(Neighbourhood).limit(5)))
    for n in range(count):
        group = Organisation(
            name=f"Cloned group {n:03d}",
            org_type=template.organisation.org_type,
            address_line_1="1 Market Street",
            town="Wigan",
            postcode="WN1 1AA",
            income_band=template.organisation.income_band,
            main_contact_id=template.organisation.main_contact_id,
        )
        db.session.add(
            Application(
                round_id=template.round_id,
                organisation=group,
                status=ApplicationStatus.SUBMITTED,
                channel=Channel.PAPER if n % 2 else Channel.ONLINE,
                created_by_id=template.created_by_id,
                entered_by_id=template.created_by_id if n % 2 else None,
                reference=f"CIF-2099-{next(_references):04d}",
                title=f"Cloned project {n}",
                amount_requested_pence=25_000 + n * 100,
                submitted_at=template.submitted_at,
                main_principle_id=principles[n % len(principles)].id,
                neighbourhoods=[wards[n % len(wards)], wards[(n + 1) % len(wards)]],
            )
        )
    db.session.commit()


@pytest.fixture
def sent(reference_data):
    """A sent application, committed (and its receipt emailed) before the test's requests."""
    application = submitted_application()
    transaction.commit()
    return application


def test_the_queue_shows_fifty_a_page(client, officer, sent):
    clone_sent(sent, 59)
    first = client.get("/screening/?sort=amount")
    assert len(references(first)) == 50
    assert "60 applications" in first.get_data(as_text=True)
    second = client.get("/screening/?sort=amount&page=2")
    assert len(references(second)) == 10
    assert not set(references(first)) & set(references(second))
    next_link = soup_of(first).select_one(".govuk-pagination__next a")["href"]
    assert "sort=amount" in next_link and "page=2" in next_link


def test_the_queue_makes_the_same_number_of_queries_for_3_or_60_applications(
    client, officer, sent, count_queries
):
    clone_sent(sent, 2)
    with_3 = count_queries(lambda: client.get("/screening/"))
    clone_sent(sent, 57)
    started = time.perf_counter()
    with_60 = count_queries(lambda: client.get("/screening/"))
    assert time.perf_counter() - started < 2
    assert with_3 == with_60
    assert with_60 <= 8


def test_a_filtered_sorted_queue_makes_no_extra_queries_per_row(
    client, officer, sent, count_queries
):
    clone_sent(sent, 2)
    path = "/screening/?assisted=yes&sort=group&search=cloned"
    few = count_queries(lambda: client.get(path))
    clone_sent(sent, 40)
    assert count_queries(lambda: client.get(path)) == few


# CSV export


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_export_is_a_streamed_csv_attachment(client, officer, queue):
    response = client.get("/screening/export.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    assert "no-store" in response.headers["Cache-Control"]


def test_the_export_holds_the_filtered_list_with_money_in_pounds(client, officer, queue):
    first, _ = queue["rounds"]
    rows = read_csv(client.get(f"/screening/export.csv?round={first.id}&sort=amount"))
    assert rows[0] == export.CSV_HEADINGS
    assert [row[0] for row in rows[1:]] == [queue["lunch"].reference, queue["choir"].reference]
    lunch = dict(zip(rows[0], rows[1], strict=True))
    assert lunch["Amount requested (£)"] == "500.00"
    assert lunch["Project title"] == "Summer lunch club"
    assert lunch["Status"] == "Submitted"
    assert lunch["Entered by an officer"] == "No"
    assert lunch["Neighbourhoods"] == queue["wards"][0].name
    assert lunch["Main principle"] == queue["principles"][0].name


def test_the_export_matches_the_queue_for_every_filter(client, officer, queue):
    for query in ("assisted=yes", "status=eligible", "search=lunch", "amount_band=over-10000"):
        on_screen = references(client.get(f"/screening/?{query}"))
        exported = [row[0] for row in read_csv(client.get(f"/screening/export.csv?{query}"))[1:]]
        assert exported == on_screen, query


def test_cells_a_spreadsheet_would_run_as_formulas_are_made_plain_text(client, officer, queue):
    lunch = queue["lunch"]
    lunch.title = '=HYPERLINK("http://evil.example","Click")'
    lunch.organisation.name = "@SUM(A1:A9)"
    queue["garden"].title = "+44 cake sale"
    queue["choir"].title = "-1 members"
    db.session.commit()
    rows = read_csv(client.get("/screening/export.csv?sort=amount"))
    titles = [row[1] for row in rows[1:]]
    assert titles == [
        '\'=HYPERLINK("http://evil.example","Click")',
        "'+44 cake sale",
        "'-1 members",
    ]
    assert rows[1][2] == "'@SUM(A1:A9)"


def test_neutralise_covers_every_formula_trigger():
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert export.neutralise(f"{trigger}1") == f"'{trigger}1"
    assert export.neutralise("Plain 1+1") == "Plain 1+1"
    assert export.neutralise("") == ""


def test_csv_amounts_are_exact_pounds_and_pence():
    assert export.csv_pounds(0) == "0.00"
    assert export.csv_pounds(5) == "0.05"
    assert export.csv_pounds(123_456_789) == "1234567.89"


def test_the_export_reads_and_sends_rows_a_batch_at_a_time(client, officer, sent, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_BATCH_SIZE", 4)
    clone_sent(sent, 9)
    response = client.get("/screening/export.csv")
    chunks = [chunk.decode() if isinstance(chunk, bytes) else chunk for chunk in response.response]
    assert len(chunks) == 1 + 3  # the heading, then ten rows in batches of four
    rows = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))
    assert len(rows) == 11


# Who may see the queue


@pytest.mark.parametrize("role", [None, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN])
@pytest.mark.parametrize("path", ["/screening/", "/screening/export.csv"])
def test_only_programme_officers_see_the_queue(client, role, path):
    sign_in(client, make_user(role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/screening/", "/screening/export.csv"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
