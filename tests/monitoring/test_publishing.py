"""The one gate for stories: walked over every kind of viewer, every consent choice, every
report status, with and without a story. A story "for the council only" never reaches a group
other than its own, a panel member or the public; the group's name goes out only when the group
said so; a photo goes only with a publishable story, with alt text and the people's agreement.
The SQL filters agree with the Python answers on every combination."""

from __future__ import annotations

import itertools

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from grants.extensions import db
from grants.monitoring import photos, publishing
from grants.monitoring.models import MonitoringReport, ReportFile
from grants.monitoring.states import ReportStatus, StoryConsent
from grants.permissions import Role
from tests.factories import make_group, make_user
from tests.monitoring.factories import award_in_force, bare_report
from tests.monitoring.test_photos import details, tagged_jpeg, upload_folder  # noqa: F401

pytestmark = pytest.mark.usefixtures("reference_data")

STORY = "Ten young people now run the youth club's tuck shop themselves."
# Who may look, and whether they see everything (the group's own members and staff who see every
# group) or only what may be published.
FULL_VIEWERS = ("own_member", "programme_officer", "finance_officer", "admin", "bank_viewer")
OTHER_VIEWERS = ("other_group", "panel_member", "signed_in_no_group", "public", "anonymous_user")
CONSENTS = (*StoryConsent, None)
STORIES = (STORY, None, "   ")


@pytest.fixture(scope="module")
def combinations():
    return list(itertools.product(ReportStatus, CONSENTS, STORIES))


@pytest.fixture
def world():
    ready = award_in_force()
    report = bare_report(ready)
    good, not_agreed, no_alt = (
        photos.add_photo(ready.member, report, details(tagged_jpeg(shade=shade)))
        for shade in (0, 100, 200)
    )
    not_agreed.people_agreed = False  # as an older record or a future edit might hold
    no_alt.alt_text = " "
    stranger = make_user()
    make_group(stranger)
    viewers = {
        "own_member": ready.member,
        "programme_officer": make_user(Role.PROGRAMME_OFFICER),
        "finance_officer": ready.raiser,
        "admin": make_user(Role.ADMIN),
        "bank_viewer": make_user(Role.BANK_DETAILS_VIEWER),
        "other_group": stranger,
        "panel_member": make_user(Role.PANEL_MEMBER),
        "signed_in_no_group": make_user(),
        "public": None,
        "anonymous_user": AnonymousUserMixin(),
    }
    db.session.flush()
    return ready, report, viewers, good


def _set(report: MonitoringReport, status, consent, story) -> None:
    report.status, report.story_consent, report.story = status, consent, story


def _expected_public(status, consent, story) -> bool:
    return (
        status == ReportStatus.ACCEPTED
        and bool((story or "").strip())
        and consent in (StoryConsent.NAMED, StoryConsent.ANONYMOUS)
    )


def test_every_viewer_and_consent_and_status(world, combinations):
    ready, report, viewers, good = world
    name = ready.award.organisation.name
    for status, consent, story in combinations:
        _set(report, status, consent, story)
        publishable = _expected_public(status, consent, story)
        assert publishing.may_publish(report) is publishable, (status, consent, story)
        for kind, viewer in viewers.items():
            seen = publishing.story_for(viewer, report)
            case = (kind, status, consent, story)
            if kind in FULL_VIEWERS:
                assert seen is not None and seen.in_full, case
                assert seen.story == (story or ""), case
                assert seen.consent == consent and seen.group_name == name, case
                assert len(seen.photos) == 3, case
                continue
            if consent == StoryConsent.COUNCIL_ONLY:
                assert seen is None, case  # the rule that must hold above all
            if not publishable:
                assert seen is None, case
                continue
            assert seen is not None and not seen.in_full, case
            assert seen.story == story, case
            assert seen.photos == (good,), case
            if consent == StoryConsent.NAMED:
                assert seen.group_name == name, case
            else:
                assert seen.group_name is None, case


def test_nothing_leaves_through_the_helpers_when_the_story_may_not_be_published(world):
    _ready, report, _viewers, _good = world
    for status, consent in itertools.product(ReportStatus, CONSENTS):
        _set(report, status, consent, STORY)
        if not _expected_public(status, consent, STORY):
            assert publishing.publishable_photos(report) == []
            assert publishing.shown_name(report) is None


def test_the_sql_filters_agree_with_the_gate(world, combinations):
    ready, report, _viewers, good = world
    for status, consent, story in combinations:
        _set(report, status, consent, story)
        db.session.flush()
        in_sql = db.session.scalar(
            select(MonitoringReport.id).where(
                MonitoringReport.id == report.id, publishing.publishable_filter()
            )
        )
        assert (in_sql is not None) is publishing.may_publish(report), (status, consent, story)
        named = db.session.scalar(
            select(MonitoringReport.id).where(
                MonitoringReport.id == report.id, publishing.named_filter()
            )
        )
        assert (named is not None) is (publishing.shown_name(report) is not None)
        photo_ids = set(
            db.session.scalars(
                select(ReportFile.id)
                .join(MonitoringReport, MonitoringReport.id == ReportFile.report_id)
                .where(publishing.publishable_photo_filter())
            )
        )
        assert photo_ids == {p.id for p in publishing.publishable_photos(report)}


def test_the_award_page_section_uses_the_gate(world):
    from grants.monitoring.group_pages import award_section

    ready, report, viewers, _good = world
    _set(report, ReportStatus.SUBMITTED, StoryConsent.COUNCIL_ONLY, STORY)
    section = award_section(viewers["own_member"], ready.award)
    [(row, view)] = section.stories
    assert view.in_full and view.consent == StoryConsent.COUNCIL_ONLY
    assert award_section(viewers["other_group"], ready.award) is None
