"""Admin pages for neighbourhoods and principles."""

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.extensions import db
from grants.permissions import Role
from grants.reference import services
from grants.reference.models import Neighbourhood, Principle
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in

SIX = [
    "See the person",
    "Listen deeply",
    "Know this place",
    "Connect to neighbourhoods",
    "Show our love and pride",
    "Do the right thing",
]


@pytest.fixture
def admin(client, reference_data):
    user = make_user(Role.ADMIN)
    sign_in(client, user)
    return user


def ward(code):
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.code == code))


def principle(name):
    return db.session.scalar(select(Principle).where(Principle.name == name))


def principle_form(**overrides):
    values = {
        "name": "Share power",
        "description": "Decide together.",
        "position": "7",
        "is_active": "y",
    }
    values.update(overrides)
    return values


# Neighbourhoods


def test_the_neighbourhoods_page_shows_a_map_and_a_table_of_every_ward(client, admin):
    response = client.get("/admin/neighbourhoods")
    assert response.status_code == 200
    soup = soup_of(response)
    svg = soup.select_one("svg.app-map")
    assert svg["role"] == "img"
    area_titles = [title.get_text() for title in svg.select("path > title")]
    assert len(area_titles) == 25
    assert "Leigh West" in area_titles and "Winstanley" in area_titles
    assert svg.select_one("title#map-title").get_text().startswith("Map of the neighbourhoods")
    rows = soup.select("table tbody tr")
    assert len(rows) == 25
    assert "E05000840" in rows[0].get_text() and "Abram" in rows[0].get_text()


def test_each_neighbourhood_in_the_table_links_to_its_edit_page(client, admin):
    abram = ward("E05000840")
    link = soup_of(client.get("/admin/neighbourhoods")).select_one(
        f"tbody a[href='/admin/neighbourhoods/{abram.id}']"
    )
    assert link is not None and link.get_text() == "Abram"


def test_without_neighbourhoods_the_page_says_how_to_import_them(client):
    sign_in(client, make_user(Role.ADMIN))
    page = client.get("/admin/neighbourhoods").get_data(as_text=True)
    assert "No neighbourhoods yet" in page
    assert "<svg" not in page


def test_an_admin_can_rename_a_neighbourhood_and_give_its_place(client, admin):
    hindley = ward("E05000849")
    form = client.get(f"/admin/neighbourhoods/{hindley.id}")
    assert soup_of(form).find("input", attrs={"name": "name"})["value"] == "Hindley"

    response = client.post(
        f"/admin/neighbourhoods/{hindley.id}",
        data={"name": "Hindley Town", "place": "Hindley", "is_active": "y"},
    )
    assert response.status_code == 302
    assert response.location == "/admin/neighbourhoods"
    db.session.expire_all()
    assert (ward("E05000849").name, ward("E05000849").place) == ("Hindley Town", "Hindley")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "neighbourhood.updated")
    )
    assert event.actor_id == admin.id
    assert event.before["name"] == "Hindley" and event.after["name"] == "Hindley Town"
    assert event.before["place"] is None and event.after["place"] == "Hindley"


def test_unticking_in_use_withdraws_a_neighbourhood(client, admin):
    hindley = ward("E05000849")
    client.post(f"/admin/neighbourhoods/{hindley.id}", data={"name": "Hindley"})
    assert "Hindley" not in [n.name for n in services.active_neighbourhoods()]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter a name"),
        ({"name": "x" * 10_000}, "Name must be 120 characters or fewer"),
        ({"name": "Hindley", "place": "p" * 121}, "Place must be 120 characters or fewer"),
    ],
)
def test_a_bad_neighbourhood_edit_is_explained(client, admin, data, message):
    hindley = ward("E05000849")
    response = client.post(f"/admin/neighbourhoods/{hindley.id}", data=data)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    db.session.expire_all()
    assert ward("E05000849").name == "Hindley"


def test_a_missing_neighbourhood_is_a_404(client, admin):
    assert client.get("/admin/neighbourhoods/9999").status_code == 404


# Principles


def test_the_principles_page_lists_the_six_in_order(client, admin):
    soup = soup_of(client.get("/admin/principles"))
    rows = soup.select("table tbody tr")
    assert len(rows) == 6
    assert all(name in row.get_text() for row, name in zip(rows, SIX, strict=True))
    assert soup.select_one("a[href='/admin/principles/new']") is not None


def test_each_principle_in_the_table_links_to_its_edit_page(client, admin):
    listen = principle("Listen deeply")
    link = soup_of(client.get("/admin/principles")).select_one(
        f"tbody a[href='/admin/principles/{listen.id}']"
    )
    assert link is not None and link.get_text() == "Listen deeply"


def test_an_admin_can_add_a_principle(client, admin):
    assert client.get("/admin/principles/new").status_code == 200
    response = client.post("/admin/principles/new", data=principle_form())
    assert response.status_code == 302
    assert response.location == "/admin/principles"
    assert [p.name for p in services.principles()] == [*SIX, "Share power"]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "principle.created", AuditEvent.actor_id == admin.id
        )
    )
    assert event.after == {
        "name": "Share power",
        "description": "Decide together.",
        "position": 7,
        "active": True,
    }


def test_an_admin_can_change_a_principle(client, admin):
    listen = principle("Listen deeply")
    form = soup_of(client.get(f"/admin/principles/{listen.id}"))
    assert form.find("input", attrs={"name": "name"})["value"] == "Listen deeply"

    response = client.post(
        f"/admin/principles/{listen.id}",
        data=principle_form(name="Listen deeply and often", position="0"),
    )
    assert response.status_code == 302
    assert services.principles()[0].name == "Listen deeply and often"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "principle.updated"))
    assert event.before["name"] == "Listen deeply"
    assert event.after["name"] == "Listen deeply and often"


@pytest.mark.parametrize("name", ["Know this place", "know THIS place"])
def test_a_duplicate_principle_name_is_refused_on_the_form(client, admin, name):
    response = client.post("/admin/principles/new", data=principle_form(name=name))
    assert response.status_code == 200
    assert error_messages(response) == ["A principle with this name already exists"]
    assert soup_of(response).find("input", attrs={"name": "name"})["value"] == name
    assert len(services.principles()) == 6


def test_renaming_a_principle_to_another_ones_name_is_refused(client, admin):
    listen = principle("Listen deeply")
    response = client.post(
        f"/admin/principles/{listen.id}", data=principle_form(name="See The Person")
    )
    assert error_messages(response) == ["A principle with this name already exists"]
    db.session.expire_all()
    assert principle("Listen deeply") is not None


@pytest.mark.parametrize("position", ["abc", "-5", "100000", "", "1.5"])
def test_a_bad_order_number_is_explained(client, admin, position):
    response = client.post("/admin/principles/new", data=principle_form(position=position))
    assert response.status_code == 200
    assert error_messages(response)
    assert soup_of(response).find("input", attrs={"name": "name"})["value"] == "Share power"
    assert len(services.principles()) == 6


def test_an_out_of_range_order_says_what_is_allowed(client, admin):
    response = client.post("/admin/principles/new", data=principle_form(position="100000"))
    assert error_messages(response) == ["Order must be a whole number from 0 to 999"]


def test_a_principle_needs_a_name_and_a_description(client, admin):
    response = client.post("/admin/principles/new", data={"position": "7"})
    assert error_messages(response) == ["Enter a name", "Enter what the principle means"]


def test_a_missing_principle_is_a_404(client, admin):
    assert client.get("/admin/principles/9999").status_code == 404


# Who may use these pages

ADMIN_PAGES = [
    ("get", "/admin/neighbourhoods"),
    ("get", "/admin/neighbourhoods/1"),
    ("post", "/admin/neighbourhoods/1"),
    ("get", "/admin/principles"),
    ("get", "/admin/principles/new"),
    ("post", "/admin/principles/new"),
    ("get", "/admin/principles/1"),
]


@pytest.mark.parametrize(
    "role", [None, Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER]
)
@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_only_admins_can_manage_reference_data(client, role, method, path):
    sign_in(client, make_user(role))
    response = getattr(client, method)(
        path, data={"name": "Hacked", "description": "x", "position": "1"}
    )
    assert response.status_code == 403
    assert principle("Hacked") is None


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
