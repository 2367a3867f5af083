"""Issued documents: each stored once, with its SHA-256 and size, as the next version of its
kind; never overwritten; a rolled-back issue leaves no file behind."""

from __future__ import annotations

import hashlib

import pytest

from grants import transaction, uploads
from grants.awards import documents
from grants.awards.models import DocumentKind
from tests.awards.factories import finance_officer, released_award

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def funded():
    return released_award(300_000)


def test_documents_are_numbered_by_kind_and_hashed(funded):
    finance = finance_officer()
    first = documents.store(finance, funded.award, DocumentKind.OFFER, b"%PDF-one")
    second = documents.store(finance, funded.award, DocumentKind.OFFER, b"%PDF-two")
    other = documents.store(finance, funded.award, DocumentKind.COUNTERSIGNED, b"%PDF-three")
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.sha256 == hashlib.sha256(b"%PDF-one").hexdigest() and first.size_bytes == 8
    assert documents.read(first) == b"%PDF-one" and documents.read(second) == b"%PDF-two"
    assert documents.latest(funded.award, DocumentKind.OFFER).id == second.id
    assert documents.download_name(funded.award, second) == f"{funded.award.reference}-offer-v2.pdf"
    assert (
        documents.download_name(funded.award, other)
        == f"{funded.award.reference}-agreement-countersigned-v1.pdf"
    )


def test_a_rolled_back_issue_leaves_no_file(funded):
    finance = finance_officer()
    transaction.commit()
    document = documents.store(finance, funded.award, DocumentKind.OFFER, b"%PDF-gone")
    path = uploads.path_of(document.stored_name)
    assert path.exists()
    transaction.rollback()
    assert not path.exists()


def test_the_offer_pdf_is_a_real_pdf_naming_the_award(funded):
    finance = finance_officer()
    funded.award.offered_by_id = finance.id
    document = documents.issue_offer(finance, funded.award, accept_link="https://x/awards/1")
    content = documents.read(document)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
