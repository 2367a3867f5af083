"""The one gate for stories of change: which stories and photos may leave staff views.

A group's story and photos are seen in full by the group's own members and by staff who see every
group. Everyone else (another group, a panel member, the public, and later the impact and open
data pages) sees a story only when all of these hold:

- the report has been accepted (a draft or a report sent back is still the group's to change);
- a story was given;
- the group chose "You may publish this with our group's name" or "... without names";

and sees the group's name only with the first. A photo goes with its story, and only when the
people shown agreed and it has alt text. "For the council only" never reaches anyone outside the
group and the council's staff. Every page and query that shows a story outside staff views asks
here: :func:`story_for` for one report, :func:`publishable_filter` and
:func:`publishable_photo_filter` for queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func

from grants.awards import access as award_access
from grants.monitoring.models import MonitoringReport, ReportFile
from grants.monitoring.states import FileKind, ReportStatus, StoryConsent
from grants.permissions import Permission

# The consent choices that let a story leave staff views, and the one that lets the name go too.
PUBLISHABLE_CONSENTS = frozenset({StoryConsent.NAMED, StoryConsent.ANONYMOUS})


def _has_story(report: MonitoringReport) -> bool:
    return bool((report.story or "").strip())


def may_publish(report: MonitoringReport) -> bool:
    """Whether the story may be shown outside the group and the council's staff."""
    return (
        report.status == ReportStatus.ACCEPTED
        and _has_story(report)
        and report.story_consent in PUBLISHABLE_CONSENTS
    )


def photo_may_be_published(photo: ReportFile) -> bool:
    return (
        photo.kind == FileKind.PHOTO
        and photo.people_agreed
        and bool((photo.alt_text or "").strip())
    )


def publishable_photos(report: MonitoringReport) -> list[ReportFile]:
    """The photos that may go with a published story: none unless the story may be published."""
    if not may_publish(report):
        return []
    return [photo for photo in report.photos() if photo_may_be_published(photo)]


def shown_name(report: MonitoringReport) -> str | None:
    """The group's name beside a published story: only when the group said so."""
    if may_publish(report) and report.story_consent == StoryConsent.NAMED:
        return report.award.organisation.name
    return None


def sees_everything(viewer, report: MonitoringReport) -> bool:
    """The group's own members, and staff who see every group."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return viewer.can(Permission.VIEW_ALL_GROUPS) or award_access.is_group_member(
        viewer, report.award
    )


@dataclass(frozen=True)
class StoryView:
    """A story as one viewer may see it. ``in_full`` is the group's and staff's view, which
    shows a story for the council only too (with its consent, so the page can say so)."""

    story: str
    consent: StoryConsent | None
    group_name: str | None
    photos: tuple[ReportFile, ...]
    in_full: bool

    @property
    def publishable(self) -> bool:
        return self.consent in PUBLISHABLE_CONSENTS


def story_for(viewer, report: MonitoringReport) -> StoryView | None:
    """The story (and photos) this viewer may see, or None. ``viewer`` may be None (the public)."""
    if sees_everything(viewer, report):
        if not _has_story(report) and not report.photos():
            return None
        return StoryView(
            story=report.story or "",
            consent=report.story_consent,
            group_name=report.award.organisation.name,
            photos=tuple(report.photos()),
            in_full=True,
        )
    if not may_publish(report):
        return None
    return StoryView(
        story=report.story,
        consent=report.story_consent,
        group_name=shown_name(report),
        photos=tuple(publishable_photos(report)),
        in_full=False,
    )


def publishable_filter() -> ColumnElement[bool]:
    """``may_publish`` as SQL, for queries over many reports (impact, open data)."""
    return and_(
        MonitoringReport.status == ReportStatus.ACCEPTED,
        MonitoringReport.story.is_not(None),
        func.length(func.trim(MonitoringReport.story)) > 0,
        MonitoringReport.story_consent.in_(list(PUBLISHABLE_CONSENTS)),
    )


def named_filter() -> ColumnElement[bool]:
    """Published reports whose group may be named (``shown_name`` as SQL)."""
    return and_(publishable_filter(), MonitoringReport.story_consent == StoryConsent.NAMED)


def publishable_photo_filter() -> ColumnElement[bool]:
    """``publishable_photos`` as SQL: join ReportFile to MonitoringReport and filter by this."""
    return and_(
        publishable_filter(),
        ReportFile.report_id == MonitoringReport.id,
        ReportFile.kind == FileKind.PHOTO,
        ReportFile.people_agreed.is_(True),
        ReportFile.alt_text.is_not(None),
        func.length(func.trim(ReportFile.alt_text)) > 0,
    )
