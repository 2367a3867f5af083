"""Public pages and the health check."""

from unittest import mock

from sqlalchemy.exc import OperationalError


def test_home_page_invites_people_to_apply_and_offers_other_channels(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Create an account" in page
    assert "by phone" in page


def test_footer_links_to_accessibility_statement_and_privacy_notice(client):
    page = client.get("/").get_data(as_text=True)
    for path in ("/accessibility", "/privacy"):
        assert f'href="{path}"' in page
        assert client.get(path).status_code == 200


def test_no_crown_or_gds_transport_on_a_council_service(client):
    page = client.get("/").get_data(as_text=True)
    assert "govuk-footer__crown" not in page
    assert "govuk-logo" not in page and "govuk-header__logotype" not in page
    with client.get("/assets/application.css") as response:
        assert response.status_code == 200
        assert "GDS Transport" not in response.get_data(as_text=True)


def test_healthz_reports_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client):
    failure = OperationalError("SELECT 1", {}, Exception("connection refused"))
    with mock.patch("grants.pages.routes.db.session.execute", side_effect=failure):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_nul_bytes_anywhere_get_a_bad_request_page_not_an_error(client):
    """PostgreSQL cannot store NUL; such requests are refused before they reach a query."""
    for path in ("/rounds/%00", "/groups/?page=%00", "/admin/audit?action=a%00b"):
        assert client.get(path).status_code in (400, 302)
    response = client.post("/sign-in", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert "problem with your request" in response.get_data(as_text=True)
