"""The round's report template pages: both templates listed with their version and questions,
questions added, changed, removed and reordered (each a new version), and a preview."""

from __future__ import annotations

import pytest

from grants.awards.models import ReportKind
from grants.extensions import db
from grants.monitoring.setup import templates
from grants.permissions import Role
from tests.factories import make_user, sign_in
from tests.funds.factories import make_round

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def round_(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    return make_round()


def _url(round_, rest: str = "") -> str:
    return f"/funds/rounds/{round_.id}/reports/{rest}"


def _current(round_, kind=ReportKind.INTERIM):
    db.session.expire_all()
    return templates.template_for(round_.id, kind).current


def test_the_round_page_links_to_its_report_templates(client, round_):
    page = client.get(f"/funds/rounds/{round_.id}").get_data(as_text=True)
    assert _url(round_) in page


def test_the_list_shows_both_templates_who_owes_them_and_their_versions(client, round_):
    page = client.get(_url(round_)).get_data(as_text=True)
    assert "Interim report" in page and "Final report" in page
    assert "Every award" in page and "Version 1" in page
    assert "What will your group do now the project has finished?" in page


def test_adding_a_question_makes_version_2(client, round_):
    response = client.post(
        _url(round_, "interim/questions/new"),
        data={"label": "What did volunteers say?", "kind": "long_text", "word_limit": "200",
              "required": "no"},
    )  # fmt: skip
    assert response.status_code == 302
    version = _current(round_)
    assert version.number == 2 and version.questions[0]["word_limit"] == 200
    assert "Version 2" in client.get(_url(round_)).get_data(as_text=True)


def test_every_problem_is_shown_at_once_and_what_was_typed_kept(client, round_):
    response = client.post(
        _url(round_, "interim/questions/new"),
        data={"label": "Pick one", "kind": "single_choice", "options": "Only", "required": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter at least 2 choices" in page and "Select whether groups must answer" in page
    assert 'value="Pick one"' in page
    assert _current(round_).number == 1


def test_a_file_question_is_refused(client, round_):
    response = client.post(
        _url(round_, "interim/questions/new"),
        data={"label": "Send a photo", "kind": "file", "required": "no"},
    )
    assert response.status_code == 200 and "Select the type of answer" in response.get_data(
        as_text=True
    )


def test_changing_removing_and_moving_a_question(client, round_):
    for label in ("First", "Second"):
        client.post(
            _url(round_, "final/questions/new"),
            data={"label": label, "kind": "short_text", "required": "yes"},
        )
    keys = [q["key"] for q in _current(round_, ReportKind.FINAL).questions]
    assert len(keys) == 3
    form = client.get(_url(round_, f"final/questions/{keys[1]}")).get_data(as_text=True)
    assert 'value="First"' in form
    client.post(
        _url(round_, f"final/questions/{keys[1]}"),
        data={"label": "First, put better", "kind": "short_text", "required": "no"},
    )
    client.post(_url(round_, f"final/questions/{keys[2]}/move"), data={"direction": "up"})
    assert client.get(_url(round_, f"final/questions/{keys[0]}/remove")).status_code == 200
    client.post(_url(round_, f"final/questions/{keys[0]}/remove"))
    version = _current(round_, ReportKind.FINAL)
    assert [q["label"] for q in version.questions] == ["Second", "First, put better"]
    assert version.number == 6  # two added, one changed, one moved, one removed


def test_the_preview_draws_each_question(client, round_):
    client.post(
        _url(round_, "interim/questions/new"),
        data={"label": "Which days?", "kind": "multiple_choice", "options": "Mon\nTue",
              "required": "no"},
    )  # fmt: skip
    page = client.get(_url(round_, "interim/preview")).get_data(as_text=True)
    assert "Which days?" in page and 'type="checkbox"' in page


def test_an_unknown_kind_or_key_is_not_found(client, round_):
    assert client.get(_url(round_, "annual/preview")).status_code == 404
    assert client.get(_url(round_, "interim/questions/nope")).status_code == 404
    assert client.post(_url(round_, "interim/questions/nope/remove")).status_code == 404
    assert client.get(f"/funds/rounds/{10**12}/reports/").status_code == 404


def test_a_bad_move_changes_nothing(client, round_):
    response = client.post(
        _url(round_, "final/questions/next/move"), data={"direction": "sideways"}
    )
    assert response.status_code == 302 and _current(round_, ReportKind.FINAL).number == 1


def test_a_double_click_on_save_adds_the_question_once(client, round_):
    body = {"label": "Who came?", "kind": "short_text", "required": "no"}
    assert client.post(_url(round_, "interim/questions/new"), data=body).status_code == 302
    again = client.post(_url(round_, "interim/questions/new"), data=body)
    assert again.status_code == 200
    assert "The report already asks this question" in again.get_data(as_text=True)
    version = _current(round_)
    assert version.number == 2 and len(version.questions) == 1


def test_a_replayed_edit_writes_no_new_version(client, round_):
    body = {"label": "What will you do next?", "kind": "short_text", "required": "no"}
    for _ in range(2):
        client.post(_url(round_, "final/questions/next"), data=body)
    assert _current(round_, ReportKind.FINAL).number == 2


def test_a_double_click_on_move_moves_once(client, round_):
    client.post(
        _url(round_, "final/questions/new"),
        data={"label": "Second", "kind": "short_text", "required": "no"},
    )
    seen = _current(round_, ReportKind.FINAL).number
    move = {"direction": "up", "version": str(seen)}
    page = client.get(_url(round_)).get_data(as_text=True)
    assert f'name="version" value="{seen}"' in page
    second = _current(round_, ReportKind.FINAL).questions[1]["key"]
    for _ in range(2):
        response = client.post(_url(round_, f"final/questions/{second}/move"), data=move)
        assert response.status_code == 302
    version = _current(round_, ReportKind.FINAL)
    assert version.number == seen + 1 and version.questions[0]["key"] == second
    assert "The template changed while you were looking" in client.get(_url(round_)).get_data(
        as_text=True
    )
