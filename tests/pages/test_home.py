"""Each person's home after sign-in: what each of their roles and groups has waiting."""

from __future__ import annotations

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.permissions import Role
from tests.applications.factories import open_round, start_application
from tests.checks import soup_of
from tests.factories import PASSWORD, make_group, make_user, sign_in


def _applications(organisation, count: int, status=ApplicationStatus.DRAFT) -> None:
    """Cheap extra applications straight into the table (the services are tested elsewhere)."""
    round_ = open_round()
    for number in range(count):
        db.session.add(
            Application(
                round_id=round_.id,
                organisation_id=organisation.id,
                created_by_id=organisation.main_contact_id,
                title=f"Project {number}",
                status=status,
            )
        )
    db.session.commit()


def _home(client, user):
    sign_in(client, user)
    response = client.get("/home")
    assert response.status_code == 200
    return soup_of(response)


def _sections(soup) -> list[str]:
    return [heading.get_text(strip=True) for heading in soup.select("main h2.govuk-heading-m")]


def test_signing_in_lands_on_your_home(client):
    make_user(email="a@example.org")
    response = client.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/home"
    assert client.get("/").status_code == 200  # the public front page is still there


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/home")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_someone_with_no_roles_and_no_groups_is_told_how_to_create_or_join_one(client):
    soup = _home(client, make_user())
    assert _sections(soup) == ["Get started"]
    text = soup.get_text(" ", strip=True)
    assert "You do not belong to a community group yet" in text
    assert "ask someone in your group to invite you" in text
    assert soup.select_one("main a[href='/groups/new']") is not None


def test_a_group_member_sees_their_groups_applications(client):
    member = make_user()
    group = make_group(member, name="Hindley Walkers")
    draft = start_application(organisation=group, applicant=member)
    start_application()  # another group's application is not listed
    soup = _home(client, member)
    assert _sections(soup) == ["Your groups' applications"]
    assert [row.select("td")[0].get_text(strip=True) for row in soup.select("tbody tr")] == [
        draft.title or "Untitled application"
    ]
    assert soup.select_one(f"main a[href='/groups/{group.id}']") is not None
    assert "See all 1 of your groups' applications" in soup.get_text()


def test_a_group_with_no_applications_says_so(client):
    member = make_user()
    make_group(member)
    assert "Your groups have no applications yet" in _home(client, member).get_text()


def test_a_programme_officer_sees_how_many_applications_wait_to_be_screened(client):
    officer = make_user(Role.PROGRAMME_OFFICER)
    soup = _home(client, officer)
    assert _sections(soup) == ["Screening", "Panels to run", "Monitoring reports"]
    assert "No round has a panel yet" in soup.get_text()
    assert "No applications are waiting to be screened" in soup.get_text()
    group = make_group(make_user())
    _applications(group, 3, status=ApplicationStatus.SUBMITTED)
    _applications(group, 2)  # drafts are not waiting for anyone
    soup = soup_of(client.get("/home"))
    assert "3 applications are waiting to be screened" in soup.get_text()
    assert soup.select_one("main a[href='/screening/?status=submitted']") is not None


def test_panel_members_and_finance_officers_are_told_what_will_appear(client):
    soup = _home(client, make_user(Role.PANEL_MEMBER))
    assert _sections(soup) == ["Panel"]
    assert "no bids to score yet" in soup.get_text()
    client.post("/sign-out")
    soup = _home(client, make_user(Role.FINANCE_OFFICER))
    assert _sections(soup) == ["Payments"]
    assert "no payments to approve yet" in soup.get_text()


def test_an_admin_is_pointed_at_people_and_roles(client):
    soup = _home(client, make_user(Role.ADMIN))
    assert _sections(soup) == ["Administration"]
    assert soup.select_one("main a[href='/admin/users']") is not None


def test_combined_roles_and_a_group_each_get_their_section(client):
    person = make_user(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER)
    make_group(person)
    soup = _home(client, person)
    assert _sections(soup) == [
        "Your groups' applications",
        "Screening",
        "Panels to run",
        "Monitoring reports",
        "Panel",
        "Payments",
    ]
    assert "Your roles: panel member, programme officer, finance officer" in soup.get_text()


def test_the_navigation_shows_links_by_role(client):
    def links(user):
        sign_in(client, user)
        soup = soup_of(client.get("/home"))
        client.post("/sign-out")
        return [a.get_text(strip=True) for a in soup.select(".govuk-service-navigation__list a")]

    assert links(make_user(name="Pat Person"))[:3] == [
        "Your home",
        "Your applications",
        "Your groups",
    ]
    both = links(make_user(Role.PROGRAMME_OFFICER, Role.ADMIN, name="Owen Officer"))
    assert {"Groups", "Screening", "Funds and rounds", "Admin"} <= set(both)
    assert "Your groups" not in both


def test_the_home_page_makes_the_same_number_of_queries_whatever_there_is(client, count_queries):
    person = make_user(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN)
    first = make_group(person, name="First")
    _applications(first, 1)
    sign_in(client, person)
    few = count_queries(lambda: client.get("/home"))
    for number in range(5):
        group = make_group(person, name=f"Group {number}")
        _applications(group, 4)
        _applications(group, 3, status=ApplicationStatus.SUBMITTED)
    db.session.commit()
    assert count_queries(lambda: client.get("/home")) == few


def test_a_group_is_told_of_an_offer_to_accept_then_of_bank_details_to_give(client, reference_data):
    from grants.awards import offers
    from tests.awards.factories import finance_officer, released_award

    funded = released_award(250_000)
    offers.send_offer(finance_officer(), funded.award, lambda a: "/")
    sign_in(client, funded.member)
    text = soup_of(client.get("/home")).get_text(" ", strip=True)
    assert "Your grant offer of £2,500" in text and "accept or decline it by" in text
    offers.accept(
        funded.member,
        funded.award,
        offers.Acceptance(full_name="Sam Signer", role="Chair", confirmed=True),
        lambda a: "/",
    )
    sign_in(client, funded.member)
    page = soup_of(client.get("/home"))
    link = page.find("a", string=lambda s: s and s.startswith("Give your bank details"))
    assert link["href"] == f"/payments/awards/{funded.award.id}/bank-details"
