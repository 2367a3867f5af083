"""Section 4 of the report: a story of change, what the group lets the council do with it, and
its photos (``photos``). Whether a story may be published is decided in ``publishing`` alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grants import audit
from grants.accounts.models import User
from grants.errors import InvalidInput
from grants.extensions import db
from grants.monitoring import access
from grants.monitoring.models import MonitoringReport
from grants.monitoring.states import StoryConsent

SECTION = "story"
STORY_WORD_LIMIT = 300
STORY_MAX_LENGTH = 5_000  # characters: 300 words with room to spare, but never a novel


@dataclass(frozen=True)
class StoryAnswer:
    """What the group said. ``has_story`` None means "not answered"."""

    has_story: bool | None
    story: str | None = None
    consent: StoryConsent | None = None


def word_count(text: str | None) -> int:
    return len(re.findall(r"\S+", text or ""))


def story_problems(answer: StoryAnswer, *, photo_count: int = 0) -> dict[str, str]:
    """Every problem with the answer at once, by field."""
    if answer.has_story is None:
        return {"has_story": "Choose whether you have a story to share this time"}
    if not answer.has_story:
        if photo_count:
            return {
                "has_story": "Remove your photos first, or tell us the story they go with",
            }
        return {}
    problems = {}
    story = (answer.story or "").strip()
    if not story:
        problems["story"] = "Tell us your story, or choose that you have no story this time"
    elif word_count(story) > STORY_WORD_LIMIT or len(story) > STORY_MAX_LENGTH:
        problems["story"] = f"Your story must be {STORY_WORD_LIMIT} words or fewer"
    if answer.consent is None:
        problems["consent"] = "Choose what we may do with your story"
    return problems


def _audit_view(report: MonitoringReport) -> dict:
    return {
        "story_words": word_count(report.story),
        "story_consent": report.story_consent.value if report.story_consent else None,
    }


def save_story(actor: User, report: MonitoringReport, answer: StoryAnswer) -> MonitoringReport:
    access.check_may_edit(actor, report)
    problems = story_problems(answer, photo_count=len(report.photos()))
    if problems:
        raise InvalidInput(problems)
    before = _audit_view(report)
    if answer.has_story:
        report.story = answer.story.strip()
        report.story_consent = answer.consent
    else:
        report.story, report.story_consent = None, None
    mark_saved(report, SECTION)
    db.session.flush()
    audit.record(actor, "report.story_saved", report, before=before, after=_audit_view(report))
    return report


def mark_saved(report: MonitoringReport, section: str) -> None:
    """Record that the group saved this section at least once (the task list reads it)."""
    if section not in (report.sections_saved or []):
        report.sections_saved = [*(report.sections_saved or []), section]


def has_no_story(report: MonitoringReport) -> bool:
    """The group said it has no story this time (saved, with nothing in it)."""
    return SECTION in (report.sections_saved or []) and not (report.story or "").strip()
