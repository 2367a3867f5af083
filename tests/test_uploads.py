"""What people type and upload cannot disguise itself: downloads carry the extension of their
detected type, and text fields lose the invisible characters that reorder text."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from grants.applications import answers
from grants.applications.models import DocumentKind
from grants.forms import BaseForm
from grants.uploads import download_name
from tests.applications.factories import pdf_upload, start_application
from tests.factories import sign_in


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("minutes.html", "application/pdf", "minutes.pdf"),
        ("constitution", "application/pdf", "constitution.pdf"),
        ("photo.JPG", "image/jpeg", "photo.JPG"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("invoice.pdf.exe", "image/png", "invoice.pdf.png"),
        ("talk.m4a", "audio/mp4", "talk.m4a"),
    ],
)
def test_a_download_carries_the_extension_of_its_detected_type(name, content_type, expected):
    assert download_name(name, content_type) == expected


def test_a_pdf_uploaded_as_a_web_page_downloads_as_a_pdf(client):
    application = start_application()
    member = application.organisation.main_contact
    answers.attach(
        member, application, pdf_upload("minutes.html"), kind=DocumentKind.GOVERNING_DOCUMENT
    )
    document = application.documents[0]
    sign_in(client, member)
    response = client.get(f"/applications/{application.id}/files/{document.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "filename=minutes.pdf" in response.headers["Content-Disposition"]
    response.close()


class _Form(BaseForm):
    name = StringField("Name")
    story = TextAreaField("Story", filters=[str.strip])


def test_text_fields_strip_bidirectional_controls(app):
    spoofed = "Invoice\u202egpj.exe"
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"name": spoofed, "story": "  a\u2066b\u2069c\u200f  "}))
    assert form.name.data == "Invoicegpj.exe"
    assert form.story.data == "abc"  # the field's own filters still run too
