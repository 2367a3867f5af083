"""Group pages, as applicants, staff and strangers use them."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from grants import transaction
from grants.audit import AuditEvent
from grants.extensions import db
from grants.organisations import services
from grants.organisations.models import Organisation
from grants.permissions import Permission, Role
from tests.applications.factories import open_round
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in

STAFF = [Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN]


def form_data(**overrides):
    values = {
        "name": "Hindley Green Community Choir",
        "org_type": "constituted_group",
        "charity_number": "",
        "company_number": "",
        "society_number": "",
        "address_line_1": "2 Atherton Road",
        "address_line_2": "",
        "town": "Hindley",
        "postcode": "wn2 3er",
        "income_band": "under_10k",
        "contact_phone": "01942 123456",
    }
    values.update(overrides)
    return values


def typed_value(response, field):
    return soup_of(response).find("input", attrs={"name": field})["value"]


def page_text(response):
    return response.get_data(as_text=True)


@contextmanager
def counting_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def applicant(client):
    user = make_user(name="Ada Member")
    sign_in(client, user)
    return user


@pytest.fixture
def group(applicant):
    group = make_group(applicant, name="Pemberton Allotment Society")
    transaction.commit()  # made before the requests under test, as an earlier request would
    return group


def token_for_invitation(member, group, email):
    tokens = []
    services.invite_member(
        member, group, email, link_for=lambda token: tokens.append(token) or token
    )
    transaction.commit()
    return tokens[0]


# Pages a member uses


@pytest.mark.parametrize(
    "path", ["/groups/", "/groups/new", "/groups/{id}", "/groups/{id}/edit", "/groups/{id}/invite"]
)
def test_a_member_can_open_every_group_page(client, group, path):
    response = client.get(path.format(id=group.id))
    assert response.status_code == 200


def test_a_member_sees_their_group_in_their_list(client, group):
    response = client.get("/groups/")
    assert group.name in page_text(response)


def test_the_group_list_links_each_name_to_its_group(client, group):
    soup = soup_of(client.get("/groups/"))
    link = soup.select_one(f"tbody a[href='/groups/{group.id}']")
    assert link is not None and link.get_text() == group.name


def member_rows(response):
    """(name, role) of each member in the group page's members list."""
    soup = soup_of(response)
    heading = soup.find("h2", string="Members")
    rows = heading.find_next("dl").select(".govuk-summary-list__row")
    return [
        (
            row.select_one(".govuk-summary-list__key").get_text(strip=True),
            row.select_one(".govuk-summary-list__value").get_text(strip=True),
        )
        for row in rows
    ]


def test_the_group_page_shows_its_details_members_and_main_contact(client, group):
    response = client.get(f"/groups/{group.id}")
    page = page_text(response)
    assert "WN5 8AB" in page
    assert member_rows(response) == [("Ada Member", "Main contact")]
    assert "1 member" in page and "None" not in soup_of(response).main.get_text()
    assert f"/groups/{group.id}/edit" in page
    assert f"/groups/{group.id}/invite" in page


def test_the_edit_form_starts_with_the_saved_details(client, group):
    response = client.get(f"/groups/{group.id}/edit")
    assert typed_value(response, "name") == "Pemberton Allotment Society"
    assert typed_value(response, "postcode") == "WN5 8AB"
    checked = soup_of(response).find("input", attrs={"name": "org_type", "checked": True})
    assert checked["value"] == "constituted_group"


# Keeping a group's data to its members and staff


@pytest.fixture
def applicant2(client, group):
    """Another applicant, signed in instead of the group's member, with a group of their own."""
    other = make_user(name="Someone Else")
    make_group(other, name="Standish Walkers")
    sign_in(client, other)
    return other


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/groups/{id}"),
        ("get", "/groups/{id}/edit"),
        ("get", "/groups/{id}/invite"),
        ("post", "/groups/{id}/edit"),
        ("post", "/groups/{id}/invite"),
    ],
)
def test_another_applicant_gets_not_found_for_a_group_they_do_not_belong_to(
    client, group, applicant2, method, path
):
    data = form_data(email="me@example.org") if method == "post" else None
    response = getattr(client, method)(path.format(id=group.id), data=data)
    assert response.status_code == 404
    assert group.name not in page_text(response)


def test_another_applicant_cannot_change_the_group_by_posting(client, group, applicant2):
    client.post(f"/groups/{group.id}/edit", data=form_data(name="Hijacked"))
    db.session.expire_all()
    assert db.session.get(Organisation, group.id).name == "Pemberton Allotment Society"


def test_another_applicant_does_not_see_the_group_in_their_list(client, group, applicant2):
    page = page_text(client.get("/groups/"))
    assert "Standish Walkers" in page
    assert group.name not in page


def test_a_missing_group_is_a_404(client, applicant):
    assert client.get("/groups/12345").status_code == 404


@pytest.mark.parametrize("role", STAFF)
def test_staff_can_see_every_group_but_cannot_change_them(client, group, role):
    make_group(make_user(), name="Standish Walkers")
    sign_in(client, make_user(role))
    listing = page_text(client.get("/groups/"))
    assert group.name in listing and "Standish Walkers" in listing
    assert "2 groups" in listing
    page = client.get(f"/groups/{group.id}")
    assert page.status_code == 200
    assert f"/groups/{group.id}/edit" not in page_text(page)
    assert client.get(f"/groups/{group.id}/edit").status_code == 403
    # Officers invite only the first member of a group they added for someone without an account.
    refused = client.get(f"/groups/{group.id}/invite")
    assert refused.status_code == 403
    assert "Only members of this group can invite others" in page_text(refused)
    assert f"/groups/{group.id}/invite" not in page_text(page)
    assert client.get("/groups/new").status_code == 200  # staff may run a group of their own


def test_panel_members_see_no_groups(client, group):
    sign_in(client, make_user(Role.PANEL_MEMBER))
    assert group.name not in page_text(client.get("/groups/"))
    assert client.get(f"/groups/{group.id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/groups/",
        "/groups/new",
        "/groups/1",
        "/groups/1/edit",
        "/groups/1/invite",
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


# The staff list: paginated, and its cost does not grow with the data


def make_groups(count):
    for number in range(count):
        make_group(make_user(), name=f"Group {number:03}")


def test_the_staff_list_shows_one_page_of_groups_and_links_to_the_next(client):
    make_groups(60)
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    first = soup_of(client.get("/groups/"))
    assert len(first.select("tbody tr")) == 50
    assert "60 groups" in first.get_text()
    assert first.select_one(".govuk-pagination a[href='/groups/?page=2']") is not None
    second = soup_of(client.get("/groups/?page=2"))
    assert len(second.select("tbody tr")) == 10
    assert "Group 059" in second.get_text()


def test_the_list_page_makes_the_same_number_of_queries_whatever_the_number_of_groups(client):
    officer = make_user(Role.FINANCE_OFFICER)
    sign_in(client, officer)

    def queries_for_list():
        transaction.commit()  # the set-up is done, as earlier requests would have done it
        db.session.close()  # start cold, as a real request would
        with counting_queries() as statements:
            assert client.get("/groups/").status_code == 200
        return len(statements)

    make_groups(3)
    few = queries_for_list()
    make_groups(57)
    assert queries_for_list() == few


# Creating a group


def test_a_valid_group_is_saved_and_the_member_is_taken_to_it(client, applicant):
    response = client.post("/groups/new", data=form_data())
    group = db.session.scalar(select(Organisation))
    assert response.status_code == 302
    assert response.location == f"/groups/{group.id}"
    assert group.name == "Hindley Green Community Choir"
    assert group.postcode == "WN2 3ER"
    assert services.members_of(group) == [applicant]


def test_a_new_group_is_announced_in_a_success_banner(client, applicant):
    shown = client.post(
        "/groups/new", data=form_data(name="Tom & Jerry's Club"), follow_redirects=True
    )
    banner = soup_of(shown).select_one(".govuk-notification-banner__content")
    assert "<p" not in banner.get_text()
    heading = banner.select_one("p.govuk-notification-banner__heading")
    assert heading.get_text() == "Tom & Jerry's Club has been created"


def test_someone_starting_an_application_without_a_group_comes_back_to_it(client, applicant):
    round_ = open_round(title="Small grants")
    start = f"/applications/start/{round_.slug}"
    sent_away = client.get(start)
    assert sent_away.status_code == 302
    assert sent_away.location == f"/groups/new?next={start}"
    assert client.get(sent_away.location).status_code == 200
    created = client.post(sent_away.location, data=form_data())
    assert created.status_code == 302 and created.location == start
    back = client.get(start)
    assert "Hindley Green Community Choir has been created" in page_text(back)
    assert soup_of(back).find("input", attrs={"name": "organisation", "checked": True})


def test_the_add_your_group_link_on_the_start_page_comes_back_too(client, applicant, group):
    round_ = open_round()
    start = f"/applications/start/{round_.slug}"
    link = soup_of(client.get(start)).find("a", string="Add your group")["href"]
    assert client.post(link, data=form_data()).location == start


@pytest.mark.parametrize(
    ("next_", "followed"),
    [
        ("/applications/", True),
        ("https://evil.example/phish", False),
        ("//evil.example/phish", False),
        ("/\\evil.example/phish", False),
        ("/\t/evil.example", False),
        ("javascript:alert(1)", False),
    ],
)
def test_only_a_next_address_on_this_site_is_followed(client, applicant, next_, followed):
    response = client.post("/groups/new", query_string={"next": next_}, data=form_data())
    group = db.session.scalar(select(Organisation))
    assert response.status_code == 302
    assert response.location == (next_ if followed else f"/groups/{group.id}")


def test_a_charity_is_saved_with_its_number(client, applicant):
    client.post(
        "/groups/new",
        data=form_data(
            org_type="registered_charity", charity_number="1164883", company_number="01234567"
        ),
    )
    group = db.session.scalar(select(Organisation))
    assert (group.charity_number, group.company_number) == ("1164883", None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"postcode": "WN99"}, "Enter a full UK postcode, like WN1 1YN"),
        ({"org_type": "registered_charity"}, "Enter your charity number"),
        ({"org_type": "cic", "company_number": "1234567"}, "Keep any zeros at the start"),
        ({"org_type": "spaceship"}, "Select the type of group"),
        ({"income_band": "a king's ransom"}, "Select your group's annual income"),
        ({"address_line_1": "x" * 10_000}, "Address line 1 must be 200 characters or fewer"),
        ({"town": ""}, "Enter the town or city"),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(client, applicant, overrides, message):
    response = client.post("/groups/new", data=form_data(**overrides))
    assert response.status_code == 200
    assert any(message in text for text in error_messages(response))
    assert typed_value(response, "name") == "Hindley Green Community Choir"
    assert db.session.scalar(select(Organisation)) is None


def test_an_empty_form_lists_every_missing_answer(client, applicant):
    response = client.post("/groups/new", data={})
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter your group's name",
        "Select the type of group",
        "Enter the first line of your group's address",
        "Enter the town or city",
        "Enter a postcode",
        "Select your group's annual income",
        "Enter a phone number for the group, so we can call you back",
    ]
    assert soup_of(response).title.get_text().startswith("Error:")


def test_huge_answers_are_refused_not_crashed_on(client, applicant):
    huge = "x" * 10_000
    data = {field: huge for field in form_data()}
    response = client.post("/groups/new", data=data)
    assert response.status_code == 200
    assert "Group name must be 200 characters or fewer" in error_messages(response)
    assert typed_value(response, "name") == huge
    assert db.session.scalar(select(Organisation)) is None


# Editing a group


def test_a_member_can_change_their_group_and_the_change_is_audited(client, applicant, group):
    response = client.post(f"/groups/{group.id}/edit", data=form_data(name="Pemberton Growers"))
    assert response.status_code == 302
    assert response.location == f"/groups/{group.id}"
    db.session.expire_all()
    assert db.session.get(Organisation, group.id).name == "Pemberton Growers"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
    assert audit.actor_id == applicant.id
    assert audit.before["name"] == "Pemberton Allotment Society"
    assert audit.after["name"] == "Pemberton Growers"


def test_a_bad_edit_is_explained_and_keeps_what_was_typed(client, group):
    response = client.post(
        f"/groups/{group.id}/edit", data=form_data(name="Pemberton Growers", postcode="nowhere")
    )
    assert response.status_code == 200
    assert error_messages(response) == ["Enter a full UK postcode, like WN1 1YN"]
    assert typed_value(response, "name") == "Pemberton Growers"
    assert typed_value(response, "postcode") == "nowhere"
    db.session.expire_all()
    assert db.session.get(Organisation, group.id).name == "Pemberton Allotment Society"


# Inviting and joining


def test_a_member_can_invite_someone_by_email(client, group, outbox):
    response = client.post(f"/groups/{group.id}/invite", data={"email": "friend@example.org"})
    assert response.status_code == 302
    [message] = outbox
    assert message.to == ["friend@example.org"]
    assert "http://localhost/groups/invitations/" in message.body


def test_an_invitation_needs_a_valid_email_address(client, group, outbox):
    response = client.post(f"/groups/{group.id}/invite", data={"email": "not an email"})
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert outbox == []


def test_inviting_an_existing_member_is_explained(client, applicant, group):
    response = client.post(f"/groups/{group.id}/invite", data={"email": applicant.email})
    assert error_messages(response) == ["This person is already a member of the group"]


def test_the_invited_person_joins_from_the_invitation_page(client, applicant, group):
    token = token_for_invitation(applicant, group, "friend@example.org")
    friend = make_user(email="friend@example.org")
    sign_in(client, friend)
    page = client.get(f"/groups/invitations/{token}")
    assert page.status_code == 200
    assert "Join Pemberton Allotment Society" in page_text(page)
    assert "Ada Member has invited friend@example.org" in page_text(page)

    response = client.post(f"/groups/invitations/{token}")
    assert response.status_code == 302
    assert response.location == f"/groups/{group.id}"
    assert services.is_member(friend, group.id)
    assert client.get(f"/groups/{group.id}").status_code == 200


def test_a_used_invitation_link_has_expired(client, applicant, group):
    token = token_for_invitation(applicant, group, "friend@example.org")
    sign_in(client, make_user(email="friend@example.org"))
    client.post(f"/groups/invitations/{token}")
    response = client.get(f"/groups/invitations/{token}")
    assert response.status_code == 410
    assert "This link has expired" in page_text(response)


def test_an_unknown_invitation_link_has_expired(client, applicant):
    assert client.get("/groups/invitations/made-up").status_code == 410


def test_someone_else_cannot_join_with_the_invitation(client, applicant, group):
    token = token_for_invitation(applicant, group, "friend@example.org")
    stranger = make_user(email="stranger@example.org")
    sign_in(client, stranger)
    response = client.post(f"/groups/invitations/{token}")
    assert response.status_code == 200
    assert "This invitation was sent to friend@example.org" in page_text(response)
    assert not services.is_member(stranger, group.id)


def test_a_panel_member_joins_a_group_and_keeps_their_role(client, applicant, group):
    token = token_for_invitation(applicant, group, "panel@example.org")
    panel = make_user(Role.PANEL_MEMBER, email="panel@example.org")
    sign_in(client, panel)
    response = client.post(f"/groups/invitations/{token}")
    assert response.status_code == 302
    assert services.is_member(panel, group.id)
    assert set(panel.roles) == {Role.PANEL_MEMBER} and panel.can(Permission.SCORE_APPLICATIONS)
    assert client.get(f"/groups/{group.id}/edit").status_code == 200
