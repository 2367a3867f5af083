"""Every upload field, sent random bytes under hostile names.

Never a 500; never a file written outside the upload folder (the folder sits four levels down
the test's own directory, so a traversing name would land where the test looks); every stored
file belongs to a document and every document's file is there; every stored file downloads; and,
as for every form, nothing already saved is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import current_app
from hypothesis import given
from hypothesis import strategies as st

from grants.funds.models import QuestionKind, Round
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import (
    FUZZ,
    assert_kept,
    assert_nothing_written_outside,
    assert_uploads_match_documents,
    get,
    multipart,
    send,
)
from tests.fuzz.worlds import Applications, applicant_world, question_fields

PASSWD = Path("/etc/passwd")


@pytest.fixture
def applications(client, reference_data) -> Applications:
    return applicant_world(client)


def _question_files(round_: Round) -> list[str]:
    names = []
    for question in round_.questions:
        if question.kind == QuestionKind.FILE:
            names.append(f"question_{question.id}")
        if question.kind == QuestionKind.LONG_TEXT:
            names.append(f"question_{question.id}_recording")
    return names


@dataclass(frozen=True)
class UploadPage:
    """An upload page: its other fields, its file inputs, where a valid save sends people, and
    what that save may change. A refused request changes nothing."""

    path: str
    fields: Callable[[Round], dict[str, fuzz.Field]]
    files: Callable[[Round], list[str]]
    saved_to: str
    may_change: frozenset[str]
    # Several files at once keep the good ones even when another is refused (the page answers
    # with the refusals, not a redirect), so the group's own drafts may gain files either way.
    keeps_good_files: bool = False


UPLOAD_PAGES = {
    "documents": UploadPage(
        "documents",
        lambda r: {},
        lambda r: ["governing_document", "safeguarding_policy", "accounts"],
        "/applications/{id}/documents",
        frozenset({"documents"}),
        keeps_good_files=True,
    ),
    "project recording": UploadPage(
        "project",
        lambda r: {
            "title": fuzz.text_field("Summer lunch club"),
            "summary": fuzz.text_field("Lunches for children"),
            "description": fuzz.text_field("We will cook.", ""),
        },
        lambda r: ["description_recording"],
        "/applications/{id}",
        frozenset({"project", "documents"}),
    ),
    "question files": UploadPage(
        "questions",
        question_fields,
        _question_files,
        "/applications/{id}",
        frozenset({"questions", "documents"}),
    ),
}


def check_downloads(client, application_id: int, state: dict | None) -> None:
    """Every file the application holds downloads as an attachment (or is refused), never a 500."""
    for document in (state or {}).get("documents", []):
        response = get(client, f"/applications/{application_id}/files/{document[0]}")
        response.close()
        if response.status_code == 200:
            assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name", list(UPLOAD_PAGES))
@FUZZ
@given(data=st.data())
def test_upload_page(client, applications, upload_folder, tmp_path, name, data):
    page = UPLOAD_PAGES[name]
    passwd = PASSWD.stat() if PASSWD.exists() else None
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    fields = data.draw(fuzz.form_bodies(page.fields(applications.round)), label="fields")
    chosen = data.draw(st.sets(st.sampled_from(page.files(applications.round))), label="slots")
    files = {slot: data.draw(fuzz.uploads(limit), label=slot) for slot in sorted(chosen)}
    url = f"/applications/{{id}}/{page.path}"
    ids = dict(applications.ids)
    with applications.example() as states:
        saved = applications.post_to_each(client, url, page.saved_to, **multipart(fields, files))

        after = states.after = applications.states()
        for which, state in states.before.items():
            if saved[which] or (page.keeps_good_files and which in ("filled", "empty")):
                assert_kept(state, after[which], may_change=page.may_change)
            else:
                assert_kept(state, after[which])
        assert not (saved["others"] or saved["sent"])
        assert_uploads_match_documents(upload_folder)
        assert_nothing_written_outside(upload_folder, tmp_path)
        assert (PASSWD.stat() if PASSWD.exists() else None) == passwd
    for which in ("filled", "empty", "sent"):
        check_downloads(client, ids[which], after[which])


@FUZZ
@given(data=st.data())
def test_removing_a_file(client, applications, upload_folder, data):
    """The remove button, with ids of each application's files or made up, and any Referer: the
    redirect never leaves the site, and only the owner's named file goes."""
    referrer = data.draw(
        st.one_of(
            st.none(),
            st.sampled_from(["http://localhost/applications/", "https://evil.example/", "//x"]),
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
        ),
        label="referrer",
    )
    body = data.draw(fuzz.form_bodies({"submit": fuzz.text_field("Remove")}))
    with applications.example() as states:
        known = [str(d[0]) for state in states.before.values() if state for d in state["documents"]]
        item = data.draw(st.one_of(st.sampled_from(known), st.integers(0, 2**31).map(str)))

        for application_id in applications.ids.values():
            response = send(
                client,
                "POST",
                f"/applications/{application_id}/files/{item}/remove",
                data=body,
                headers={"Referer": referrer} if referrer is not None else {},
            )
            if response.status_code == 302:
                location = response.headers["Location"]
                assert location.startswith(("/", "http://localhost/")), location
                assert not location.startswith("//"), location

        after = states.after = applications.states()
        for which, state in states.before.items():
            own = state["documents"] if state else []
            if which in ("filled", "empty") and any(str(d[0]) == item for d in own):
                assert after[which]["documents"] in (own, [d for d in own if str(d[0]) != item])
                assert_kept(state, after[which], may_change={"documents"})
            else:
                assert_kept(state, after[which])
        assert_uploads_match_documents(upload_folder)
