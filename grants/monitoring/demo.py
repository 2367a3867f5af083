"""Demo monitoring reports for the closed round's awards in force, made through the services, in
every state an officer meets:

- applicant2@'s group has sent its interim report, with a story it lets the council publish
  with its name and a photo; it waits for officer@. Once accepted, the instalment waiting on it
  can be raised and approved;
- another group's interim report was accepted, its story publishable without names;
- one was taken by phone by officer2@ and sent back by officer@ with changes requested (its
  story is for the council only);
- one is started (a draft); one is overdue, one due within the month.

Run twice, it adds nothing: once any report exists, it stops.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import exists, select
from werkzeug.datastructures import FileStorage

from grants.accounts.models import User
from grants.applications.models import Channel
from grants.awards import services as awards
from grants.awards.models import Award, ReportDue, ReportKind
from grants.awards.states import IN_FORCE
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring import changes, photos, stories
from grants.monitoring.models import MonitoringReport
from grants.monitoring.report import services as report
from grants.monitoring.report.routes import review_link
from grants.monitoring.review import services as review
from grants.monitoring.review.routes import links_for
from grants.monitoring.states import ChangeKind, StoryConsent
from grants.organisations.models import Organisation

SECOND_GROUP = "Leigh Youth Football CIC"  # applicant2@'s group


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def seed() -> Iterator[str]:
    if db.session.scalar(select(exists().where(MonitoringReport.id.is_not(None)))):
        yield "Monitoring reports: already there"
        return
    owed = _first_report_owed_by_each_award()
    if not owed:
        return
    officer, officer2 = _user("officer@example.org"), _user("officer2@example.org")
    second = next((d for d in owed if d.award.organisation.name == SECOND_GROUP), None)
    # Interim reports take the states that depend on dates; a final report owed early (its
    # interim already accepted) is the one started ahead of time.
    others = sorted(
        (d for d in owed if d is not second), key=lambda d: d.kind != ReportKind.INTERIM
    )
    accepted, sent_back, overdue, due_soon, draft = (others + [None] * 5)[:5]
    made = []
    if second is not None:
        _sent(_member(second), second, StoryConsent.NAMED, photo=True)
        made.append("sent and waiting for officer@")
    if accepted is not None:
        done = _sent(_member(accepted), accepted, StoryConsent.ANONYMOUS)
        review.accept(officer2, done, links=links_for(done))
        made.append("accepted")
    if sent_back is not None:
        entered = review.enter_for_group(officer2, sent_back, Channel.PHONE)
        _fill(officer2, entered, StoryConsent.COUNCIL_ONLY)
        changes.add_request(
            officer2,
            entered,
            changes.ChangeDetails(
                kind=ChangeKind.MORE_TIME,
                why="The hall was closed for repairs for six weeks",
                new_end_date=entered.award.end_date + timedelta(days=60),
            ),
        )
        _send(officer2, entered, "Told us by phone: the group's secretary")
        review.request_changes(
            officer,
            entered,
            "Thank you. Please add how many sessions you held before the hall closed, so we "
            "can compare them with your target.",
            links=links_for(entered),
        )
        made.append("changes requested (taken by phone)")
    if draft is not None:
        started = report.start(_member(draft), draft)
        report.save_what_happened(
            _member(draft), started, "We have started; more to tell you before the due date."
        )
        made.append("started")
    for due, days, label in ((overdue, -3, "overdue by 3 days"), (due_soon, 12, "due soon")):
        if due is not None:
            awards.move_report_due(due, uk_today() + timedelta(days=days))
            made.append(label)
    db.session.flush()
    yield "Monitoring reports: " + ", ".join(made)


def _first_report_owed_by_each_award() -> list[ReportDue]:
    """For each award in force, the earliest report not yet accepted."""
    dues = db.session.scalars(
        select(ReportDue)
        .join(Award, Award.id == ReportDue.award_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(Award.status.in_(IN_FORCE), ReportDue.accepted_at.is_(None))
        .order_by(Award.id, ReportDue.due_on)
    )
    first: dict[int, ReportDue] = {}
    for due in dues:
        first.setdefault(due.award_id, due)
    return list(first.values())


def _member(due: ReportDue) -> User:
    return due.award.organisation.main_contact


def _sent(person: User, due: ReportDue, consent: StoryConsent, *, photo: bool = False):
    started = report.start(person, due)
    _fill(person, started, consent, photo=photo)
    changes.save_challenges(
        person, started, "Two sessions were rained off; we ran them again the week after."
    )
    _send(person, started, "Secretary")
    return started


def _fill(person: User, started: MonitoringReport, consent: StoryConsent, *, photo=False):
    application = started.award.application
    report.save_what_happened(
        person,
        started,
        "We ran weekly sessions from the spring, with more people each month than we expected. "
        "Volunteers from the estate now run the Saturday session themselves.",
    )
    report.save_spending(
        person,
        started,
        {
            line.id: (line.amount_pence // 2, "About half spent, as planned at the half-way point")
            for line in application.budget_lines
        },
    )
    report.save_outcomes(
        person,
        started,
        reach={group: 12 + 7 * n for n, group in enumerate(application.beneficiary_groups or [])},
        values={
            outcome.id: (
                (min(outcome.target_value, 1) if outcome.indicator.unit.value == "yes_no"
                 else outcome.target_value // 2, "On track", None)
                if outcome.is_measured
                else (None, None, "Going well: the first families have joined")
            )
            for outcome in application.outcomes
        },
    )  # fmt: skip
    stories.save_story(
        person,
        started,
        stories.StoryAnswer(
            has_story=True,
            story="A mum who had just moved to the area came to the first session with her two "
            "children. She now helps run the tea stall and says she finally knows her neighbours.",
            consent=consent,
        ),
    )
    if photo:
        photos.add_photo(
            person,
            started,
            photos.PhotoDetails(
                upload=FileStorage(io.BytesIO(_picture()), "session.jpg", "image/jpeg"),
                alt_text="Children in football kit lined up on a green pitch, with two goals",
                people_agreed=True,
            ),
        )


def _send(person: User, started: MonitoringReport, role: str) -> None:
    if "changes" not in (started.sections_saved or []):
        changes.save_challenges(person, started, None)
    name = started.award.organisation.main_contact.full_name
    report.send(person, started, name, role, True, review_link=review_link)


def _picture() -> bytes:
    """A drawn picture of a pitch, so the demo's photo needs no file of its own."""
    image = Image.new("RGB", (640, 400), (76, 153, 76))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 380), outline=(255, 255, 255), width=4)
    draw.line((320, 20, 320, 380), fill=(255, 255, 255), width=4)
    draw.ellipse((270, 150, 370, 250), outline=(255, 255, 255), width=4)
    for x in (20, 590):
        draw.rectangle((x, 160, x + 30, 240), outline=(255, 255, 255), width=4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
