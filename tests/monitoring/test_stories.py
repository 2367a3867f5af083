"""The story of change section: an optional short story, the consent choice it needs, "we have
no story this time", and the section marked as saved for the task list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.monitoring import photos, stories
from grants.monitoring.states import ReportStatus, StoryConsent
from grants.monitoring.stories import StoryAnswer
from grants.permissions import Role
from tests.checks import error_messages
from tests.factories import make_group, make_user, sign_in
from tests.monitoring.factories import award_in_force, bare_report
from tests.monitoring.test_photos import details, tagged_jpeg, upload_folder  # noqa: F401

pytestmark = pytest.mark.usefixtures("reference_data")

STORY = "Mary, who is 82, had not left her flat since her husband died. Now she runs the tea urn."


@pytest.fixture
def world():
    ready = award_in_force()
    return ready, bare_report(ready)


def test_a_story_is_saved_with_its_consent_and_the_section_is_marked(world):
    ready, report = world
    stories.save_story(
        ready.member, report, StoryAnswer(True, f"  {STORY}  ", StoryConsent.ANONYMOUS)
    )
    assert report.story == STORY
    assert report.story_consent == StoryConsent.ANONYMOUS
    assert report.sections_saved == ["story"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.story_saved"))
    assert [e.after["story_consent"] for e in events] == ["anonymous"]


def test_saving_twice_marks_the_section_once(world):
    ready, report = world
    report.sections_saved = ["what_happened"]
    for _ in range(2):
        stories.save_story(ready.member, report, StoryAnswer(True, STORY, StoryConsent.NAMED))
    assert report.sections_saved == ["what_happened", "story"]


def test_no_story_this_time_saves_the_section_and_clears_a_story(world):
    ready, report = world
    stories.save_story(ready.member, report, StoryAnswer(True, STORY, StoryConsent.NAMED))
    stories.save_story(ready.member, report, StoryAnswer(False))
    assert report.story is None and report.story_consent is None
    assert "story" in report.sections_saved
    assert stories.has_no_story(report)


def test_a_story_needs_a_consent_choice_and_a_yes_needs_a_story(world):
    ready, report = world
    with pytest.raises(InvalidInput) as refused:
        stories.save_story(ready.member, report, StoryAnswer(True, "", None))
    assert set(refused.value.errors) == {"story", "consent"}
    with pytest.raises(InvalidInput) as refused:
        stories.save_story(ready.member, report, StoryAnswer(None))
    assert set(refused.value.errors) == {"has_story"}
    assert report.sections_saved == []


def test_a_story_over_the_word_limit_is_refused(world):
    ready, report = world
    long_story = " ".join(["word"] * (stories.STORY_WORD_LIMIT + 1))
    with pytest.raises(InvalidInput) as refused:
        stories.save_story(ready.member, report, StoryAnswer(True, long_story, StoryConsent.NAMED))
    assert refused.value.errors == {"story": "Your story must be 300 words or fewer"}
    exactly = " ".join(["word"] * stories.STORY_WORD_LIMIT)
    stories.save_story(ready.member, report, StoryAnswer(True, exactly, StoryConsent.NAMED))


def test_no_story_while_photos_remain_is_refused(world):
    ready, report = world
    photos.add_photo(ready.member, report, details(tagged_jpeg()))
    with pytest.raises(InvalidInput) as refused:
        stories.save_story(ready.member, report, StoryAnswer(False))
    assert "Remove your photos first" in refused.value.errors["has_story"]


def test_only_the_group_or_an_officer_entering_it_writes_and_only_while_editable(world):
    ready, report = world
    stranger = make_user()
    make_group(stranger)
    for outsider in (stranger, make_user(Role.FINANCE_OFFICER), make_user(Role.PANEL_MEMBER)):
        with pytest.raises(NotAllowed):
            stories.save_story(outsider, report, StoryAnswer(True, STORY, StoryConsent.NAMED))
    officer = make_user(Role.PROGRAMME_OFFICER)
    stories.save_story(officer, report, StoryAnswer(True, STORY, StoryConsent.NAMED))
    report.status = ReportStatus.SUBMITTED
    with pytest.raises(DomainError, match="has been sent"):
        stories.save_story(ready.member, report, StoryAnswer(False))


def test_the_page_saves_and_returns_to_the_task_list(client, world):
    ready, report = world
    sign_in(client, ready.member)
    page = client.get(f"/reports/{report.id}/story")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for consent in StoryConsent:
        assert consent.label.replace("'", "&#39;") in text
    response = client.post(
        f"/reports/{report.id}/story",
        data={"has_story": "yes", "story": STORY, "consent": "council_only"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    db.session.refresh(report)
    assert report.story_consent == StoryConsent.COUNCIL_ONLY
    again = client.get(f"/reports/{report.id}/story").get_data(as_text=True)
    assert "Mary, who is 82" in again and 'value="council_only" checked' in again


def test_the_page_shows_every_error_and_keeps_what_was_typed(client, world):
    ready, report = world
    sign_in(client, ready.member)
    response = client.post(
        f"/reports/{report.id}/story", data={"has_story": "yes", "story": "", "consent": "bogus"}
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "Tell us your story, or choose that you have no story this time",
        "Choose what we may do with your story",
    ]


def test_someone_else_gets_404_and_finance_403(client, world):
    ready, report = world
    stranger = make_user()
    make_group(stranger)
    sign_in(client, stranger)
    assert client.get(f"/reports/{report.id}/story").status_code == 404
    sign_in(client, make_user(Role.FINANCE_OFFICER))
    assert client.get(f"/reports/{report.id}/story").status_code == 403


def test_a_sent_report_goes_back_to_its_task_list(client, world):
    ready, report = world
    report.status = ReportStatus.SUBMITTED
    sign_in(client, ready.member)
    response = client.post(f"/reports/{report.id}/story", data={"has_story": "no"})
    assert response.status_code == 302
    db.session.refresh(report)
    assert "story" not in report.sections_saved
