"""Demo panels, built through the panels services as officers and members would use them, so every
page and the audit trail show a real history.

- Community projects 2026 (closed, blind): a panel of six who represent the community in different
  ways. Members declared their interests (one conflict found from group membership, others
  declared, one declared interest waived), scored independently (one member on paper), and met.
  The meeting was quorate, moderated a score, ranked by the trimmed mean and decided every
  application: funded (one reduced), funded with conditions, reserve list and declined, including
  a decline that departs from the ranking. Decisions were released with feedback.
- Small grants 2026 (open): a panel part-way through scoring. Pat (panel1@example.org) has sent
  some scores, has a draft and has applications not started; one member declared a conflict and
  one declined an application, leaving a gap for the officer to fill.

Each demo applicant's group was found not eligible in the closed round, which gives its place
back; it applied again, and that application is decided, so both applicants see a decision with
feedback on their application page.

Idempotent like the rest of the demo: a round whose panel exists is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application, Channel
from grants.applications.states import DECIDED
from grants.applications.states import ApplicationStatus as S
from grants.clock import utc_to_uk, utcnow
from grants.extensions import db
from grants.funds.models import Criterion, Round
from grants.money import format_pence
from grants.organisations import services as organisations
from grants.panels import access, assignment, decisions, declarations, feedback, meetings, scoring
from grants.panels import services as panels
from grants.panels.meeting_models import DecisionOutcome as O
from grants.panels.models import (
    Assignment,
    AssignmentStatus,
    InterestKind,
    Panel,
    RankingMethod,
    Representation,
)
from grants.reference.models import Neighbourhood
from grants.screening import demo as screening_demo

OFFICER = "officer@example.org"
CLOSED_ROUND = "community-projects-2026"
OPEN_ROUND = "small-grants-2026"

# email, whom they represent, organisation, home neighbourhood, profile recorded by the officer.
# Imam Yusuf has no computer: the officer records his profile, declarations and paper scores.
MEMBERS = [
    ("panel1@example.org", Representation.RESIDENT, None, "Hindley", False),
    ("panel2@example.org", Representation.RESIDENT, None, "Leigh West", False),
    ("panel3@example.org", Representation.YOUNG_PERSON, "Wigan Youth Zone", "Wigan Central", False),
    ("panel4@example.org", Representation.FAITH, None, "Ince", True),
    (
        "panel5@example.org",
        Representation.VCFSE,
        "Wigan and Leigh community network",
        "Atherton",
        False,
    ),
    ("panel6@example.org", Representation.COUNCIL_OFFICER, "Communities team", "Pemberton", False),
]
PAPER_MEMBER = "panel4@example.org"
ABSENT_FROM_MEETING = "panel2@example.org"

# How generous each member scores, in points out of 100 (normalisation evens this out).
LENIENCY = {"panel3@example.org": 6, "panel6@example.org": -6, "panel5@example.org": 2}
# Places in the designed order (0 = strongest) whose scorers disagree sharply.
SPLIT_PLACES = {5, 9, 14}
# Places in the designed order for the demo applicants' applications to the closed round: a
# reduced award for applicant@'s group, funding with conditions for applicant2@'s.
APPLICANT_PLACES = {"applicant@example.org": 3, "applicant2@example.org": 1}

# The decision for each rank (1 first); ranks below the list are declined.
OUTCOMES_BY_RANK = [
    O.FUND,
    O.FUND_WITH_CONDITIONS,
    O.FUND,
    O.FUND_REDUCED,
    O.FUND,
    O.DECLINE,  # ranked sixth but declined: the departure from the ranking
    O.FUND,
    O.FUND_WITH_CONDITIONS,
    O.FUND,
    O.FUND_WITH_CONDITIONS,
    O.RESERVE,
    O.RESERVE,
    O.RESERVE,
]
DEPARTURE_RANK = 6

RATIONALES = {
    O.FUND: "Scored strongly on every criterion. The panel agreed it meets a need residents "
    "have raised and has a realistic plan.",
    O.FUND_WITH_CONDITIONS: "A good project that local people asked for. The panel wants two "
    "things in place before the grant is paid.",
    O.FUND_REDUCED: "The panel supports the activities but not the equipment in the budget, "
    "which the group can borrow from the council's community equipment store.",
    O.RESERVE: "A strong application just below the funding line. It will be funded if money "
    "is returned by another project.",
    O.DECLINE: "Scored below the funding line once the stronger applications were funded.",
}
CONDITIONS = (
    "Send an up-to-date safeguarding policy before the first payment\n"
    "Share attendance figures after six months"
)
REDUCED_REASON = (
    "The panel funded the activities but not the new equipment: the group can borrow it from "
    "the council's community equipment store."
)
DEPARTURE_RATIONALE = (
    "Ranked sixth, but the same activity is already funded in this ward by the council's "
    "holiday activities programme. The panel chose to fund projects in wards with nothing "
    "similar, and has suggested the group works with that programme."
)
DEPARTURE_DETAIL = "The same activity is already funded in this ward."
INTRO = {
    O.FUND: "The panel is pleased to fund your project in full.",
    O.FUND_WITH_CONDITIONS: "The panel is pleased to fund your project, with the conditions below.",
    O.FUND_REDUCED: "The panel is pleased to fund your project, for less than you asked for.",
    O.RESERVE: "Your project is on the reserve list: we will fund it if money becomes "
    "available, and will tell you either way.",
    O.DECLINE: "We are sorry: the panel has not been able to fund your project this time.",
}

# Comments by criterion position, for a low, middling and high score. No comment names anyone.
COMMENTS = [
    (
        "It is not yet clear who asked for this: tell us what local people said.",
        "Some evidence of local need; quotes from residents would make it stronger.",
        "Clear evidence that residents asked for this, from the group's open meetings.",
    ),
    (
        "It is hard to see how people who are seldom heard will find out about it.",
        "Reaches some people who are heard least; more detail on outreach would help.",
        "A thoughtful plan to reach people who rarely take part, such as carers.",
    ),
    (
        "Links with other groups nearby are not described.",
        "Some links with other groups; working with the local school would add to it.",
        "Strong partnerships with neighbouring groups and the community centre.",
    ),
    (
        "The budget needs more detail on what each cost is for.",
        "A workable plan; the timetable for the first month looks tight.",
        "A realistic plan and a clear, well-costed budget.",
    ),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _round(slug: str) -> Round | None:
    return db.session.scalar(select(Round).where(Round.slug == slug))


def _ward(name: str) -> Neighbourhood | None:
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.name == name))


def seed() -> Iterator[str]:
    officer = _user(OFFICER)
    members = [_user(email) for email, *_ in MEMBERS]
    if officer is None or None in members:
        return
    _seed_profiles(officer, members)
    closed, open_ = _round(CLOSED_ROUND), _round(OPEN_ROUND)
    if closed is not None:
        yield from _seed_closed(officer, members, closed)
    if open_ is not None:
        yield from _seed_open(officer, members, open_)


def _seed_profiles(officer: User, members: list[User]) -> None:
    for member, (_email, representation, organisation, ward, by_officer) in zip(
        members, MEMBERS, strict=True
    ):
        if panels.profile_of(member) is not None:
            continue
        home = _ward(ward)
        panels.save_profile(
            officer if by_officer else member,
            member,
            representation=representation.value,
            organisation=organisation,
            neighbourhood_id=home.id if home else None,
        )


def _setting_up(
    officer: User, round_: Round, members: list[User], *, closes_in_days: int | None
) -> Panel:
    panel = panels.open_panel(officer, round_)
    _set_window(officer, panel, closes_in_days)
    for member in members:
        panels.seat_member(officer, panel, member.id)
    return panel


def _set_window(officer: User, panel: Panel, days_from_today: int | None) -> None:
    """Scoring closes at 5pm (UK) that many days from today; None for no close yet."""
    today = utc_to_uk(utcnow()).date()
    panels.update_settings(
        officer,
        panel,
        panels.PanelSettings(
            min_scorers=panel.min_scorers,
            community_majority=panel.community_majority,
            min_young_people=panel.min_young_people,
            min_faith_members=panel.min_faith_members,
            rotation_after=panel.rotation_after,
            disagreement_sd=panel.disagreement_sd,
            disagreement_range=panel.disagreement_range,
            closes_on=None if days_from_today is None else today + timedelta(days=days_from_today),
            closes_at_time=None if days_from_today is None else "17:00",
            # The community projects round shares its budget fairly between neighbourhoods.
            indicative_allocations=panel.round.slug == "community-projects-2026",
        ),
    )


def _active(panel: Panel) -> dict[int, list[int]]:
    """Each member's applications to score: assigned, not declined, and free of conflicts."""
    state = assignment.panel_state(panel)
    by_member: dict[int, list[int]] = {}
    for application_id, scorers in sorted(state.active.items()):
        for member_id in scorers:
            by_member.setdefault(member_id, []).append(application_id)
    return by_member


def _assigned_to(panel: Panel, member: User) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .join(Assignment, Assignment.application_id == Application.id)
            .where(
                Assignment.panel_id == panel.id,
                Assignment.user_id == member.id,
                Assignment.status == AssignmentStatus.ASSIGNED,
            )
            .order_by(Application.reference, Application.id)
        )
    )


def _criteria(round_: Round) -> list[Criterion]:
    return sorted(round_.criteria, key=lambda c: (c.position, c.id))


def _values(
    criteria: list[Criterion], target: float, seed: int, *, filled: int | None = None
) -> scoring.ScoreValues:
    """Scores near ``target`` (out of 100) with a little variety between criteria, each with a
    comment fitting the score; ``filled`` leaves the later criteria blank (a draft)."""
    values = scoring.ScoreValues()
    for index, criterion in enumerate(criteria):
        if filled is not None and index >= filled:
            values.entries[criterion.id] = scoring.Entry()
            continue
        wobble = ((seed + 2 * index) % 3 - 1) * 5
        level = round((target + wobble) / 100 * criterion.max_score)
        level = max(0, min(criterion.max_score, level))
        share = level / criterion.max_score
        band = 0 if share <= 0.4 else 1 if share <= 0.7 else 2
        comment = COMMENTS[index % len(COMMENTS)][band] if (seed + index) % 2 == 0 else None
        values.entries[criterion.id] = scoring.Entry(score=level, comment=comment)
    return values


# The closed round --------------------------------------------------------------------------------


def _seed_closed(officer: User, members: list[User], round_: Round) -> Iterator[str]:
    if panels.panel_for(round_) is not None:
        yield f"Panel for {round_.title}: already there"
        return
    decided_before = db.session.scalar(
        select(Application.id).where(
            Application.round_id == round_.id, Application.status.in_(DECIDED)
        )
    )
    if decided_before is not None:
        yield f"Panel for {round_.title} skipped: its applications were decided without a panel"
        return
    if db.session.scalar(select(Application.id).where(Application.round_id == round_.id)) is None:
        return
    applicants = _applicants(round_)
    panel = _setting_up(officer, round_, members, closes_in_days=None)
    panels.move_all_eligible(officer, panel)
    assignment.assign(officer, panel, assignment.AssignmentMode.BALANCED)
    _closed_declarations(officer, panel, members)
    _fill_gaps(officer, panel)
    _closed_scores(officer, panel, members, applicants)
    _set_window(officer, panel, -1)  # scoring closed yesterday: members may now see the figures
    meeting = _meeting(officer, panel, members)
    decided = _decide_all(officer, panel)
    _write_feedback(officer, decided)
    feedback.release(
        officer,
        panel,
        link_for=lambda a: url_for("applications.show", application_id=a.id),
    )
    meetings.close_meeting(officer, meeting)
    counts: dict[str, int] = {}
    for decision in decided:
        label = decision.outcome.label
        counts[label] = counts.get(label, 0) + 1
    flagged = len(meetings.ranked_list(panel).flagged)
    yield (
        f"Panel for {round_.title}: {len(members)} members, {len(decided)} applications scored "
        f"({flagged} flagged for discussion), meeting closed, decisions released: "
        + ", ".join(f"{label} {n}" for label, n in counts.items())
    )


def _applicants(round_: Round) -> dict[int, str]:
    """The demo applicants' eligible applications to the round, with their applicant's email, so
    the scores can give each a designed place."""
    found: dict[int, str] = {}
    for email in APPLICANT_PLACES:
        contact = _user(email)
        group = contact and db.session.scalars(organisations.visible_groups_query(contact)).first()
        application_id = group and db.session.scalar(
            select(Application.id).where(
                Application.round_id == round_.id,
                Application.organisation_id == group.id,
                Application.status == S.ELIGIBLE,
            )
        )
        if application_id:
            found[application_id] = email
    return found


def _closed_declarations(officer: User, panel: Panel, members: list[User]) -> None:
    """Interests declared before anyone sees an application. Pat's membership of Hindley Green
    Community Association was found by assignment; these are the others."""
    by_email = {m.email: m for m in members}
    imam, val, colin = (
        by_email["panel4@example.org"],
        by_email["panel5@example.org"],
        by_email["panel6@example.org"],
    )
    imam_apps = _assigned_to(panel, imam)
    if len(imam_apps) > 1:
        declarations.record_for_member(
            officer,
            imam,
            imam_apps[1],
            InterestKind.FAMILY_OR_FRIEND,
            "My brother-in-law is the group's treasurer (told to the officer by phone).",
        )
    val_apps = _assigned_to(panel, val)
    if len(val_apps) > 2:
        waived = declarations.declare(
            val,
            val_apps[2],
            InterestKind.OTHER,
            "I went to one of the group's open days last year.",
        )
        declarations.waive(
            officer,
            waived,
            "Going to a public event is not a conflict: there is no personal or financial link.",
        )
    colin_apps = _assigned_to(panel, colin)
    if len(colin_apps) > 3:
        declarations.declare(
            colin,
            colin_apps[3],
            InterestKind.FINANCIAL,
            "The project would hire the community centre my team manages.",
        )


def _fill_gaps(officer: User, panel: Panel) -> None:
    """Ask another member to score each application a conflict left short of scorers."""
    for row in assignment.progress(panel).gaps:
        choices = assignment.reassign_choices(panel, row.application.id)
        for member in choices[: panel.min_scorers - row.active]:
            assignment.reassign(officer, panel, row.application.id, member.id)


def _closed_scores(
    officer: User, panel: Panel, members: list[User], applicants: dict[int, str]
) -> None:
    """Every member declares no conflict on the rest and submits their scores. Applications get
    a designed strength (the demo applicants' applications score well); three split the
    panel sharply, so they are flagged for discussion."""
    round_ = panel.round
    criteria = _criteria(round_)
    application_ids = sorted(
        {app_id for ids in _active(panel).values() for app_id in ids},
        key=lambda app_id: db.session.get(Application, app_id).reference or "",
    )
    order = [app_id for app_id in application_ids if app_id not in applicants]
    for app_id, email in sorted(applicants.items(), key=lambda item: APPLICANT_PLACES[item[1]]):
        order.insert(min(APPLICANT_PLACES[email], len(order)), app_id)
    target = {app_id: 92 - 4 * place for place, app_id in enumerate(order)}
    split = {order[place] for place in SPLIT_PLACES if place < len(order)}
    active = _active(panel)
    for position, member in enumerate(members):
        on_paper = member.email == PAPER_MEMBER
        actor = officer if on_paper else member
        lean = LENIENCY.get(member.email, 0)
        for app_id in active.get(member.id, []):
            application = db.session.get(Application, app_id)
            if access.declaration_of(member, application) is None:
                if on_paper:
                    declarations.record_for_member(
                        officer, member, application, InterestKind.NONE, None
                    )
                else:
                    declarations.declare(member, application, InterestKind.NONE)
            aim = target[app_id] + lean
            if app_id in split:
                aim += 28 if position % 2 == 0 else -28
            values = _values(criteria, aim, app_id + position)
            scoring.submit(actor, member, application, values)


def _meeting(officer: User, panel: Panel, members: list[User]):
    meeting = meetings.open_meeting(officer, panel, min_members=4)
    attending = [m.id for m in members if m.email != ABSENT_FROM_MEETING]
    meetings.record_attendance(officer, meeting, attending, min_members=4)
    meetings.choose_ranking_method(officer, panel, RankingMethod.TRIMMED)
    ranking = meetings.ranked_list(panel)
    flagged = [row for row in ranking.flagged if row.rank != DEPARTURE_RANK]
    if flagged:
        row = flagged[-1]
        agreed = min(100, round(row.score or 0) + 4)
        meetings.moderate(
            officer,
            row.application,
            agreed,
            "Members who scored it low had missed the letters of support from the school; "
            "after discussion the panel agreed a higher score.",
        )
    return meeting


def _decide_all(officer: User, panel: Panel) -> list:
    """Decide in rank order: funding first, then the reserve list, then declines. Declining the
    sixth-ranked application after funding those below it departs from the ranking, with the
    panel's reason."""
    ranking = meetings.ranked_list(panel)
    planned = []
    for row in ranking.rows:
        outcome = OUTCOMES_BY_RANK[row.rank - 1] if row.rank <= len(OUTCOMES_BY_RANK) else O.DECLINE
        planned.append((row, outcome))
    reasons = {r.label: r for r in decisions.decline_reasons()}
    below_line = reasons.get("Scored below the funding line")
    elsewhere = reasons.get("Better suited to another fund")
    order = {
        O.FUND: 0,
        O.FUND_REDUCED: 0,
        O.FUND_WITH_CONDITIONS: 0,
        O.RESERVE: 1,
        O.DECLINE: 2,
    }
    decided = []
    for row, outcome in sorted(planned, key=lambda item: (order[item[1]], item[0].rank)):
        application = row.application
        requested = application.amount_requested_pence
        if outcome.is_funding:
            committed = decisions.committed_pence(panel.round_id)
            if committed + requested > panel.round.budget_pence:
                outcome = O.RESERVE  # the budget is spent: the rest wait on the reserve list
        departure = row.rank == DEPARTURE_RANK and outcome == O.DECLINE
        reason = (elsewhere if departure else below_line) if outcome == O.DECLINE else None
        detail = DEPARTURE_DETAIL if departure else None
        if outcome == O.DECLINE and reason is None:  # an officer retired the usual reasons
            detail = detail or RATIONALES[O.DECLINE]
        reduced = outcome == O.FUND_REDUCED
        choice = decisions.DecisionInput(
            outcome=outcome,
            rationale=RATIONALES[outcome],
            amount_pence=(requested * 3 // 4) // 10_000 * 10_000 if reduced else None,
            reduced_reason=REDUCED_REASON if reduced else None,
            conditions=CONDITIONS if outcome == O.FUND_WITH_CONDITIONS else None,
            decline_reason_id=reason.id if reason else None,
            decline_detail=detail,
            departure_rationale=DEPARTURE_RATIONALE if departure else None,
        )
        decided.append(decisions.decide(officer, panel, application, choice))
    return decided


def _write_feedback(officer: User, decided: list) -> None:
    """The officer's feedback to each group: a first line for the outcome, then the panel's
    comments by criterion with repeats taken out. No panellist is named."""
    for decision in decided:
        parts = [INTRO[decision.outcome]]
        if decision.outcome == O.FUND_REDUCED:
            parts[0] += f" The panel awarded {format_pence(decision.amount_pence)}."
        for criterion, comments in feedback.panel_comments(decision.application).items():
            unique = list(dict.fromkeys(comments))
            parts.append(f"{criterion}:\n" + "\n".join(f"- {comment}" for comment in unique))
        feedback.save_feedback(officer, decision, "\n\n".join(parts))


# The open round ----------------------------------------------------------------------------------


def _seed_open(officer: User, members: list[User], round_: Round) -> Iterator[str]:
    if panels.panel_for(round_) is not None:
        yield f"Panel for {round_.title}: already there"
        return
    submitted = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.round_id == round_.id,
                Application.status == S.SUBMITTED,
                Application.channel == Channel.ONLINE,
            )
            .order_by(Application.reference, Application.id)
        )
    )
    # Officers have screened more since the applications demo: four more found eligible.
    for application in submitted[:4]:
        screening_demo.progress(application, S.ELIGIBLE)
    eligible = list(db.session.scalars(panels.eligible_query(round_)))
    if not eligible:
        return
    panel = _setting_up(officer, round_, members, closes_in_days=14)
    # One eligible application is left for the officer to send to the panel.
    moved = eligible[:-1] if len(eligible) > 1 else eligible
    for application in moved:
        panels.move_to_panel(officer, panel, application)
    assignment.assign(officer, panel, assignment.AssignmentMode.BALANCED)
    criteria = _criteria(round_)
    by_email = {m.email: m for m in members}

    def scored(member: User, application: Application, *, submit: bool, filled=None) -> None:
        declarations.declare(member, application, InterestKind.NONE)
        values = _values(criteria, 60 + application.id % 5 * 7, application.id, filled=filled)
        if submit:
            scoring.submit(member, member, application, values)
        else:
            scoring.save_draft(member, member, application, values)

    # Pat: two sent, one draft, one declared but not started, the rest not looked at yet.
    pat = _assigned_to(panel, by_email["panel1@example.org"])
    pat_member = by_email["panel1@example.org"]
    for index, application in enumerate(pat[:4]):
        if index < 2:
            scored(pat_member, application, submit=True)
        elif index == 2:
            scored(pat_member, application, submit=False, filled=2)
        else:
            declarations.declare(pat_member, application, InterestKind.NONE)
    # Priya has sent all hers; Jordan one sent and one draft.
    priya = by_email["panel2@example.org"]
    for application in _assigned_to(panel, priya):
        scored(priya, application, submit=True)
    jordan = by_email["panel3@example.org"]
    for index, application in enumerate(_assigned_to(panel, jordan)[:2]):
        scored(jordan, application, submit=index == 0, filled=None if index == 0 else 3)
    # Imam Yusuf told the officer of a conflict; Val declined one (a gap to fill) and sent one.
    imam = by_email["panel4@example.org"]
    imam_apps = _assigned_to(panel, imam)
    if imam_apps:
        declarations.record_for_member(
            officer,
            imam,
            imam_apps[0],
            InterestKind.FAMILY_OR_FRIEND,
            "A close friend of mine runs this group (told to the officer by phone).",
        )
    val = by_email["panel5@example.org"]
    val_apps = _assigned_to(panel, val)
    if val_apps:
        decline_on = db.session.scalar(
            select(Assignment).where(
                Assignment.panel_id == panel.id,
                Assignment.user_id == val.id,
                Assignment.application_id == val_apps[0].id,
            )
        )
        panels.decline_assignment(
            val, decline_on, "I am away for most of the scoring window and cannot do them all."
        )
    for application in val_apps[1:2]:
        scored(val, application, submit=True)
    progress = scoring.progress_of(pat_member)
    yield (
        f"Panel for {round_.title}: {len(moved)} applications "
        f"with the panel, scoring part-way ({pat_member.email}: {progress.scored} of "
        f"{progress.to_score} sent)"
    )
