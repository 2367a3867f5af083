"""The PDF of each send: drawn once, stored with its SHA-256, never redrawn; downloaded by the
group and staff who see all groups, and by nobody else."""

from __future__ import annotations

import hashlib

import pytest
from bs4 import BeautifulSoup
from flask import current_app

from grants import transaction, uploads
from grants.extensions import db
from grants.monitoring.models import ReportDocument, ReportFile
from grants.monitoring.report import pdf, services
from grants.monitoring.states import FileKind, ReportStatus, StoryConsent
from grants.permissions import Role
from tests.factories import make_group, make_user, sign_in
from tests.monitoring.report_world import fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _sent(w):
    report = fill(w, started(w))
    services.send(w.member, report, "Sam Member", "Chair", True)
    return report


def test_each_send_is_stored_once_with_its_sha256():
    w = world()
    report = _sent(w)
    [document] = report.documents
    content = pdf.read(document)
    assert content.startswith(b"%PDF-")
    assert document.version == 1 and document.size_bytes == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    report.status = ReportStatus.CHANGES_REQUESTED
    services.save_what_happened(w.member, report, "Changed after review")
    services.send(w.member, report, "Sam Member", "Chair", True)
    first, second = report.documents
    assert (first.version, second.version) == (1, 2)
    assert pdf.read(first) == content  # the first send's PDF is never redrawn
    assert first.stored_name != second.stored_name


def test_a_send_that_rolls_back_keeps_no_pdf():
    w = world()
    report = fill(w, started(w))
    transaction.commit()
    services.send(w.member, report, "Sam Member", "Chair", True)
    path = uploads.path_of(report.documents[0].stored_name)
    assert path.exists()
    transaction.rollback()
    assert not path.exists()
    assert db.session.query(ReportDocument).count() == 0


def test_the_pdf_holds_the_whole_report_including_story_photos_and_changes():
    w = world()
    report = fill(w, started(w))
    report.story = "Maisie made a friend."
    report.story_consent = StoryConsent.ANONYMOUS
    report.challenges = "The hall flooded in March."
    stored = uploads.keep_once(PNG)
    report.files.append(
        ReportFile(kind=FileKind.PHOTO, stored_name=stored.stored_name, original_name="a.png",
                   content_type="image/png", size_bytes=len(PNG), sha256=stored.sha256,
                   alt_text="Children at the lunch table", people_agreed=True,
                   created_by_id=w.member.id)
    )  # fmt: skip
    db.session.flush()
    with current_app.test_request_context():
        html = pdf.report_html(report)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "en-GB" and soup.title.get_text(strip=True)
    assert len(soup.find_all("h1")) == 1
    text = soup.get_text(" ", strip=True)
    for expected in (
        "Interim report for Hindley summer lunch club",
        "We ran twelve lunch sessions.",
        "Food",
        "£1,500",
        "People reached: Young people",
        "People taking part",
        "Going well",
        "Maisie made a friend.",
        "You may publish this without names",
        "The hall flooded in March.",
    ):
        assert expected in text, expected
    image = soup.find("img")
    assert image["alt"] == "Children at the lunch table"
    assert image["src"].startswith("data:image/png;base64,")
    assert "Change" not in [a.get_text(strip=True) for a in soup.find_all("a")]


def test_a_second_download_is_the_same_bytes(client):
    w = world()
    report = _sent(w)
    stored = pdf.read(report.documents[0])
    sign_in(client, w.member)
    first = client.get(f"/reports/{report.id}/pdf/1")
    second = client.get(f"/reports/{report.id}/pdf/1")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data == second.data == stored
    assert first.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/reports/{report.id}/pdf/2").status_code == 404
    first.close()
    second.close()


@pytest.mark.parametrize(
    "who, expected",
    [("finance", 200), ("officer", 200), ("admin", 200), ("panel", 404), ("other_group", 404)],
)
def test_who_may_download_it(client, who, expected):
    w = world()
    report = _sent(w)
    people = {
        "finance": lambda: make_user(Role.FINANCE_OFFICER),
        "officer": lambda: make_user(Role.PROGRAMME_OFFICER),
        "admin": lambda: make_user(Role.ADMIN),
        "panel": lambda: make_user(Role.PANEL_MEMBER),
        "other_group": lambda: make_group(make_user()).main_contact,
    }
    sign_in(client, people[who]())
    response = client.get(f"/reports/{report.id}/pdf/1")
    assert response.status_code == expected
    response.close()
