"""The smallest requests the fuzz tests found breaking the rules, kept so they stay fixed.

A new finding joins them as ``@pytest.mark.xfail(strict=True, raises=..., reason=...)`` with an
entry in harness.KNOWN_BUGS, so the fuzz tests can look past it; its fix makes the test pass,
strict mode fails the run, and the marker and the entry come out together.
"""

from __future__ import annotations

from grants import uploads
from grants.applications import answers
from grants.applications.models import Application, DocumentKind
from grants.extensions import db
from grants.funds.models import Question, QuestionKind
from grants.permissions import Role
from tests.applications.factories import PDF_BYTES, open_round, pdf_upload, start_application
from tests.factories import make_group, make_user, sign_in
from tests.fuzz.harness import KNOWN_BUGS, multipart
from tests.fuzz.strategies import REAL_FILES

MP3_BYTES = REAL_FILES[3]

# Superscript digits are digits to str.isdigit() but not to int().
SUPERSCRIPT_TWO = "²"


def my_draft(client, **round_settings) -> Application:
    """A draft of the signed-in applicant's group, to a round with these settings."""
    applicant = make_user()
    sign_in(client, applicant)
    round_ = open_round(**round_settings)
    return start_application(round_, make_group(applicant), applicant=applicant)


def stored(application: Application, kind: DocumentKind) -> list[str]:
    db.session.expire_all()
    return [
        d.stored_name
        for d in db.session.get(Application, application.id).documents
        if d.kind == kind
    ]


# Requests that raised, so would have answered 500


def test_where_superscript_id(client, reference_data):
    """A superscript digit is a digit to str.isdigit() but not to int(): choosing a neighbourhood
    with one is refused on the page, not with a 500."""
    draft = my_draft(client)

    response = client.post(
        f"/applications/{draft.id}/where", data={"neighbourhoods": SUPERSCRIPT_TWO}
    )

    assert response.status_code == 200


def test_principles_superscript_id(client, reference_data):
    """The same for the main principle."""
    draft = my_draft(client)

    response = client.post(
        f"/applications/{draft.id}/principles", data={"main_principle": SUPERSCRIPT_TWO}
    )

    assert response.status_code == 200


def test_outcome_superscript_id(client, reference_data):
    """The same for an outcome's principle."""
    draft = my_draft(client)
    body = {"description": "Children fed", "target": "40 children", "principle": SUPERSCRIPT_TWO}

    response = client.post(f"/applications/{draft.id}/outcomes", data=body)

    assert response.status_code == 200


def test_assisted_superscript_id(client, reference_data):
    """The same for the round an officer starts an assisted application in."""
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    group = make_group(make_user())
    open_round()
    body = {"round": SUPERSCRIPT_TWO, "organisation": str(group.id), "channel": "phone"}

    response = client.post("/screening/assisted/new", data=body)

    assert response.status_code == 200


def test_queue_superscript_filter(client):
    """The same in the screening queue's filters."""
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))

    response = client.get("/screening/", query_string={"round": SUPERSCRIPT_TWO})

    assert response.status_code == 200


def test_export_superscript_filter(client):
    """The same in the export's filters."""
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))

    response = client.get("/screening/export.csv", query_string={"neighbourhood": SUPERSCRIPT_TWO})
    response.get_data()
    response.close()

    assert response.status_code == 200


def test_project_without_description(client, reference_data):
    """A project form sent without its description field, for an application that has none
    yet, asks for one rather than failing."""
    draft = my_draft(client)

    response = client.post(
        f"/applications/{draft.id}/project", data={"title": "Lunch club", "summary": "Lunches"}
    )

    assert response.status_code == 200  # "Describe your project"


def test_download_of_a_name_with_a_line_break(client, reference_data):
    """A file sent with a line break in its name (RFC 2231: filename*=UTF-8''a%0D%0Ab.pdf)
    can still be downloaded: a header value cannot hold a line break."""
    draft = my_draft(client)
    upload = multipart({}, {"accounts": (PDF_BYTES, "a\r\nb.pdf")})
    assert client.post(f"/applications/{draft.id}/documents", **upload).status_code == 302
    (document,) = db.session.get(Application, draft.id).documents

    response = client.get(f"/applications/{draft.id}/files/{document.id}")
    response.close()

    assert response.status_code == 200


# Requests refused with an error page that changed what was saved


def test_documents_refused_part_way(client, reference_data):
    """When one of several files is refused, the good one still replaces the document in its
    slot, with its file on disk, and the refused one is named and saved nowhere."""
    draft = my_draft(client)
    answers.attach(
        draft.organisation.main_contact,
        draft,
        pdf_upload("constitution.pdf"),
        kind=DocumentKind.GOVERNING_DOCUMENT,
    )
    saved = stored(draft, DocumentKind.GOVERNING_DOCUMENT)
    files = {
        "governing_document": (PDF_BYTES, "new constitution.pdf"),
        "accounts": (MP3_BYTES, "accounts.mp3"),  # not a document type: refused
    }

    response = client.post(f"/applications/{draft.id}/documents", **multipart({}, files))

    assert response.status_code == 200
    assert "accounts.mp3 was not uploaded" in response.get_data(as_text=True)
    (replacement,) = stored(draft, DocumentKind.GOVERNING_DOCUMENT)
    assert [replacement] != saved
    assert uploads.path_of(replacement).is_file()
    assert stored(draft, DocumentKind.ACCOUNTS) == []


def test_recording_replaced_when_project_refused(client, reference_data):
    """When the project's answers are refused, a new recording sent with them does not replace
    the saved one."""
    draft = my_draft(client, allows_recordings=True)
    answers.attach(
        draft.organisation.main_contact,
        draft,
        pdf_upload("first.mp3", MP3_BYTES),
        kind=DocumentKind.RECORDING,
        answer_key="description",
    )
    saved = stored(draft, DocumentKind.RECORDING)
    fields = {"title": "Lunch club", "summary": "Lunches", "description": "word " * 1001}
    files = {"description_recording": (MP3_BYTES, "second.mp3")}

    response = client.post(f"/applications/{draft.id}/project", **multipart(fields, files))

    assert response.status_code == 200  # "Description must be 1000 words or fewer"
    assert stored(draft, DocumentKind.RECORDING) == saved


def test_answers_saved_when_a_recording_is_refused(client, reference_data):
    """When a recorded answer is refused, the typed answers sent with it are not saved either."""
    draft = my_draft(client, allows_recordings=True)
    question = Question(kind=QuestionKind.LONG_TEXT, label="Why?", position=1, word_limit=50)
    draft.round.questions.append(question)
    db.session.commit()
    answers.save_answers(draft.organisation.main_contact, draft, {question.id: "Saved answer"})
    fields = {f"question_{question.id}": "Changed answer"}
    files = {f"question_{question.id}_recording": (PDF_BYTES, "answer.pdf")}  # not audio

    response = client.post(f"/applications/{draft.id}/questions", **multipart(fields, files))

    assert response.status_code == 200  # "The selected file must be a ..."
    db.session.expire_all()
    assert db.session.get(Application, draft.id).answer_for(question.id) == "Saved answer"


def test_every_known_bug_has_a_strict_regression():
    """Each 500 the fuzz tests set aside (harness.KNOWN_BUGS) names a test here that expects it to
    fail, in strict mode, so fixing the bug fails the run until its entry is removed."""
    for bug in KNOWN_BUGS:
        test = globals().get(bug.regression)
        assert test is not None, f"{bug.regression} is not in test_regressions.py"
        marks = [mark for mark in getattr(test, "pytestmark", []) if mark.name == "xfail"]
        assert marks and marks[0].kwargs.get("strict"), f"{bug.regression} is not a strict xfail"
