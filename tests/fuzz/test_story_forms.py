"""The report's story, photo, challenges and change-request forms, and finance's answer form,
sent hostile bodies and files.

Never a 500. Whatever the group posts, the award itself never changes; a story is saved only
with a consent choice and within its word limit; a report never holds more than five photos, and
every photo kept is a JPEG or PNG with no EXIF, alt text and the people's agreement; every stored
file belongs to a photo. Whatever finance posts, a request is answered at most once and never
changes the award by itself (a variation is only proposed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select

from grants.awards.models import Variation
from grants.extensions import db
from grants.monitoring import changes, photos, stories
from grants.monitoring.models import MonitoringReport, ReportChangeRequest, ReportFile
from grants.monitoring.states import ChangeKind, ReportStatus, StoryConsent
from tests.factories import sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, assert_nothing_written_outside, files_under, multipart, send
from tests.monitoring.factories import award_in_force, bare_report
from tests.monitoring.test_changes import more_time, with_two_lines
from tests.monitoring.test_photos import tagged_jpeg, texted_png

pytestmark = pytest.mark.usefixtures("reference_data")

STORY = "Our volunteers taught Sam to ride a bike at 40."
PHOTO_LIMIT = 32 * 1024


@pytest.fixture
def world(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", PHOTO_LIMIT)
    ready = with_two_lines(award_in_force())
    report = bare_report(ready)
    sign_in(client, ready.member)
    return ready, report


def award_state(award) -> tuple:
    db.session.expire_all()
    return (award.audit_view(), award.current_amount_pence, award.end_date,
            sorted((p.id, p.amount_pence, p.status) for p in award.payments))  # fmt: skip


def story_state(report_id: int) -> tuple:
    db.session.expire_all()
    report = db.session.get(MonitoringReport, report_id)
    return report.story, report.story_consent, list(report.sections_saved)


STORY_FIELDS = {
    "has_story": fuzz.choice_field(["yes", "no"]),
    "story": fuzz.text_field(STORY, " ".join(["word"] * 301)),
    "consent": fuzz.choice_field([c.value for c in StoryConsent]),
}


@FUZZ
@given(body=fuzz.form_bodies(STORY_FIELDS))
def test_the_story_form(client, world, body):
    ready, report = world
    before, award = story_state(report.id), award_state(ready.award)
    response = send(client, "POST", f"/reports/{report.id}/story", data=body)
    story, consent, saved = story_state(report.id)
    assert award_state(ready.award) == award
    if response.status_code != 302:
        assert (story, consent, saved) == before
        return
    assert "story" in saved
    assert (story is None) == (consent is None)
    assert stories.word_count(story) <= stories.STORY_WORD_LIMIT


def _photo_names(report_id: int) -> set[str]:
    return set(
        db.session.scalars(select(ReportFile.stored_name).where(ReportFile.report_id == report_id))
    )


def _photo_content() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from([tagged_jpeg(), texted_png()]), fuzz.file_contents(PHOTO_LIMIT)
    )


@FUZZ
@given(
    body=fuzz.form_bodies(
        {"alt_text": fuzz.text_field("A litter pick"), "people_agreed": fuzz.checkbox_field()}
    ),
    content=_photo_content(),
    name=st.one_of(st.just("photo.jpg"), fuzz.filenames()),
)
def test_the_photo_form(client, world, upload_folder: Path, tmp_path: Path, body, content, name):
    ready, report = world
    award = award_state(ready.award)
    others = {p.name for p in files_under(upload_folder)} - _photo_names(report.id)
    send(
        client,
        "POST",
        f"/reports/{report.id}/story/photos",
        **multipart(body, {"photo": (content, name)}),
    )
    assert award_state(ready.award) == award
    kept = list(db.session.scalars(select(ReportFile).where(ReportFile.report_id == report.id)))
    assert len(kept) <= photos.MAX_PHOTOS
    # Every stored file is a kept photo (or was there before: the award's offer documents).
    assert {p.name for p in files_under(upload_folder)} == others | {f.stored_name for f in kept}
    for photo in kept:
        assert photo.people_agreed and photo.alt_text.strip()
        with Image.open(upload_folder / photo.stored_name) as image:
            assert image.format in ("JPEG", "PNG") and not image.getexif()
    assert_nothing_written_outside(upload_folder, tmp_path)


def _change_fields(report, kind: ChangeKind) -> dict[str, fuzz.Field]:
    why = {"why": fuzz.text_field("The hall flooded")}
    if kind == ChangeKind.MORE_TIME:
        return {"new_end_date": fuzz.date_field(date(2028, 1, 1)), **why}
    if kind == ChangeKind.DIFFERENT_AMOUNT:
        return {
            "direction": fuzz.choice_field(["increase", "decrease"]),
            "amount_pence": fuzz.number_field("150", "£1,000.50"),
            **why,
        }
    lines = [str(line.id) for line in changes.budget_lines(report)]
    return {
        "from_line_id": fuzz.choice_field(lines),
        "to_line_id": fuzz.choice_field(lines),
        "amount_pence": fuzz.number_field("150", "20.5"),
        **why,
    }


@FUZZ
@given(data=st.data(), kind=st.sampled_from(list(ChangeKind)))
def test_the_change_request_forms(client, world, data, kind):
    ready, report = world
    award = award_state(ready.award)
    body = data.draw(fuzz.form_bodies(_change_fields(report, kind)))
    send(client, "POST", f"/reports/{report.id}/changes/new/{kind.value}", data=body)
    challenges = data.draw(fuzz.form_bodies({"challenges": fuzz.text_field("Rain")}))
    send(client, "POST", f"/reports/{report.id}/changes", data=challenges)
    assert award_state(ready.award) == award
    count = db.session.scalar(
        select(func.count(ReportChangeRequest.id)).where(ReportChangeRequest.report_id == report.id)
    )
    assert count <= changes.MAX_REQUESTS
    assert db.session.scalar(select(func.count(Variation.id))) == 0


ANSWER_FIELDS = {
    "decision": fuzz.choice_field(["agreed", "refused", "variation_proposed"]),
    "new_end_date": fuzz.date_field(date(2028, 1, 1)),
    "direction": fuzz.choice_field(["increase", "decrease"]),
    "change_pence": fuzz.number_field("100", "-5"),
    "reason": fuzz.text_field("The group asked"),
    "answer_text": fuzz.text_field("We agree"),
}


@pytest.fixture
def asked(world):
    ready, report = world
    made = [
        changes.add_request(ready.member, report, more_time(report)),
        changes.add_request(
            ready.member,
            report,
            changes.ChangeDetails(
                ChangeKind.DIFFERENT_AMOUNT, "More came", direction="increase", amount_pence=5_000
            ),
        ),
    ]
    report.status = ReportStatus.SUBMITTED
    changes.mark_sent(ready.member, report)
    return made


@FUZZ
@given(data=st.data(), which=st.integers(0, 1))
def test_the_answer_form(client, world, asked, data, which):
    ready, _report = world
    change = asked[which]
    sign_in(client, ready.raiser)
    award = award_state(ready.award)
    db.session.expire_all()
    answered_before = db.session.get(ReportChangeRequest, change.id).answered_at
    body = data.draw(fuzz.form_bodies(ANSWER_FIELDS))
    send(client, "POST", f"/monitoring/changes/{change.id}", data=body)
    assert award_state(ready.award) == award  # a proposal waits for another officer
    db.session.expire_all()
    found = db.session.get(ReportChangeRequest, change.id)
    if answered_before is not None:
        assert found.answered_at == answered_before
    if found.answer is not None:
        assert found.answer_text.strip()
    proposed = db.session.scalar(
        select(func.count(Variation.id)).where(Variation.award_id == ready.award.id)
    )
    assert proposed <= len(asked)
