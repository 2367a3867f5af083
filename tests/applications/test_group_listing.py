"""A group's page lists the group's applications, to the people who may see them."""

from __future__ import annotations

import pytest

from grants.permissions import Role
from tests.applications.factories import open_round, start_application, submitted_application
from tests.checks import soup_of
from tests.factories import make_group, make_user, sign_in


@pytest.fixture
def member():
    return make_user(name="Ada Member")


@pytest.fixture
def group(member):
    return make_group(member, name="Pemberton Allotment Society")


def application_rows(client, group):
    soup = soup_of(client.get(f"/groups/{group.id}"))
    heading = soup.find("h2", string="Applications")
    table = heading.find_next("table") if heading else None
    if table is None:
        return None, []
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        + [row.select_one("a")["href"]]
        for row in table.select("tbody tr")
    ]
    return table.caption.get_text(strip=True), rows


@pytest.mark.usefixtures("reference_data")
def test_a_member_sees_every_application_of_the_group_with_a_link_to_work_on_it(
    client, member, group
):
    sent = submitted_application(open_round(title="Spring grants"), group)
    draft = start_application(open_round(title="Summer grants"), group)
    other = make_group(make_user(), name="Ince Pensioners Club")
    start_application(open_round(title="Their round"), other)
    sign_in(client, member)
    caption, rows = application_rows(client, group)
    assert caption == "2 applications"
    assert rows == [
        [
            "Untitled application",
            "Not sent yet",
            "Summer grants",
            "Draft",
            f"/applications/{draft.id}",
        ],
        [
            sent.title,
            sent.reference,
            "Spring grants",
            sent.status.label,
            f"/applications/{sent.id}",
        ],
    ]


@pytest.mark.usefixtures("reference_data")
def test_a_programme_officer_sees_drafts_too_and_reads_them(client, group):
    draft = start_application(open_round(), group)
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    caption, rows = application_rows(client, group)
    assert caption == "1 application"
    assert rows[0][-1] == f"/applications/{draft.id}/view"


@pytest.mark.usefixtures("reference_data")
def test_other_staff_see_only_what_the_group_has_sent(client, group):
    start_application(open_round(), group)
    sent = submitted_application(open_round(), group)
    sign_in(client, make_user(Role.FINANCE_OFFICER))
    caption, rows = application_rows(client, group)
    assert caption == "1 application"
    assert rows[0][1] == sent.reference


def test_a_group_without_applications_says_so(client, member, group):
    sign_in(client, member)
    assert "This group has no applications yet." in client.get(f"/groups/{group.id}").text


def test_the_group_page_makes_the_same_number_of_queries_whatever_its_applications(
    client, member, group, count_queries
):
    sign_in(client, member)
    start_application(open_round(), group)
    one = count_queries(lambda: client.get(f"/groups/{group.id}"))
    for _ in range(4):
        start_application(open_round(), group)
    assert count_queries(lambda: client.get(f"/groups/{group.id}")) == one
    assert application_rows(client, group)[0] == "5 applications"


def test_a_group_with_many_applications_shows_the_newest_and_links_to_the_rest(
    client, member, group
):
    sign_in(client, member)
    titles = [f"Project {number}" for number in range(12)]
    for title in titles:
        start_application(open_round(), group).title = title
    caption, rows = application_rows(client, group)
    assert caption == "The newest 10 of 12 applications"
    assert [row[0] for row in rows] == list(reversed(titles))[:10]
    page = soup_of(client.get(f"/groups/{group.id}"))
    assert page.find("a", string="See all your groups' applications")["href"] == "/applications/"


def test_a_programme_officer_is_sent_to_the_queue_for_the_rest(client, member, group):
    for _ in range(11):
        start_application(open_round(), group)
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    page = soup_of(client.get(f"/groups/{group.id}"))
    link = page.find("a", string="Find all of the group's sent applications in the screening queue")
    assert link["href"] == "/screening/?search=Pemberton+Allotment+Society"
