"""Every staff route that takes an application refuses an officer in its group.

The rule (grants.applications.conflicts): nobody acts on an application of a group they belong to
now, or belonged to at any time between the application's creation and the action. This test
walks ``app.url_map`` and finds every rule that

- is declared with a staff or panel permission (``@requires(...)`` with anything but APPLY), and
- takes an application, or a part of one, in its address (``application_id``, ``sheet_id``,
  ``declaration_id``, ``decision_id``, ``feedback_id``, ``assignment_id``).

The boundary: routes declared ``@signed_in`` or ``@public`` are the group's own pages (members
working on their own application, answered by grants.applications.access), so they are not
walked; the conflict rule is for staff and panel work on a group's application.

It builds one round in which a programme officer, who also holds every other staff role and sits
on the panel, belongs to the applying group (now, or until after its applications were made),
and requests every such rule by GET and by POST (an empty form: the check must come before any
form is read). Each answer must be 403 saying why, or 404, and nothing in the database may
change. The one page left open is listed in EXPLAINS_ONLY: it says why and offers no action.

The same requests by a colleague outside the group are not refused, so a refusal above comes from
the rule and not from a situation the walker built wrongly. A rule with an argument the walker
does not know how to fill fails the test, so a new route is covered as soon as it is added.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from grants.applications import services as applications
from grants.applications.models import SUPPORTING_DOCUMENTS, Channel
from grants.clock import utcnow
from grants.extensions import db
from grants.organisations.models import Membership
from grants.panels import decisions, declarations, feedback, meetings
from grants.panels import services as panels
from grants.panels.decisions import DecisionInput
from grants.permissions import Permission, Role, access_of, requires
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from tests.applications.factories import submitted_application
from tests.checks import soup_of
from tests.factories import make_group, make_user, sign_in
from tests.panels.factories import make_panel, panel_member, scoring_round
from tests.panels.meeting_setup import score
from tests.panels.member_setup import assign
from tests.panels.test_member_access import add_document

pytestmark = pytest.mark.usefixtures("reference_data")

OBJECT_ARGUMENTS = re.compile(r"^(application|sheet|declaration|decision|feedback|assignment)_id$")
EVERY_ROLE = (
    Role.PROGRAMME_OFFICER,
    Role.FINANCE_OFFICER,
    Role.BANK_DETAILS_VIEWER,
    Role.ADMIN,
    Role.PANEL_MEMBER,
)
# Pages that only explain: they stay open to the conflicted officer, say why and offer no form.
EXPLAINS_ONLY = {("screening.show", "GET")}
# Which of the group's applications each route needs to be in the state it acts on; every other
# route gets the one with the panel, scored and decided but not released.
APPLICATION_FOR = {
    "applications.waive_document": "draft",
    "applications.remove_waiver": "draft",
    "screening.extend": "draft",
    "screening.check": "submitted",
    "screening.correct": "eligible",
    "panels.move": "eligible",
    "meetings.letter": "released",
}


def covered_rules(app) -> list:
    rules = []
    for rule in app.url_map.iter_rules():
        access = access_of(app.view_functions[rule.endpoint])
        if access is None or access.kind != "permission" or access.permission == Permission.APPLY:
            continue
        if any(OBJECT_ARGUMENTS.match(argument) for argument in rule.arguments):
            rules.append(rule)
    return sorted(rules, key=lambda rule: rule.rule)


def _screen(officer, application):
    return screening.screen(
        officer,
        application,
        outcome="eligible",
        checklist=dict.fromkeys(CHECKLIST_LABELS, True),
        message=None,
        link_for=lambda a: "/",
    )


def build(app, how: str) -> dict:
    """The round, its panel and meeting, and the group's applications in every state a route
    acts on; then the officer joins the group (``now``) or is recorded as having left it after
    its applications were made (``since``)."""
    officer = make_user(*EVERY_ROLE, name="Olive Insider")
    colleague = make_user(*EVERY_ROLE, name="Colin Colleague")
    enterer = make_user(Role.PROGRAMME_OFFICER, name="Enid Enterer")
    group = make_group(make_user(name="Gail Group"), name="Hindley Lunch Club")
    round_ = scoring_round(allows_several_applications=True)
    draft = applications.start(enterer, round_, group, channel=Channel.PHONE)
    submitted, eligible, reviewed, released = (
        submitted_application(round_, group) for _ in range(4)
    )
    for application in (eligible, reviewed, released):
        _screen(colleague, application)
    member, conflicted_member = panel_member(name="Maya Member"), panel_member(name="Frank Fee")
    on_paper = panel_member(name="Paula Paper")  # scores on paper: an officer types them in
    seated = [member, conflicted_member, on_paper, officer, colleague]
    panel = make_panel(round_, seated, min_scorers=1)
    for application in (reviewed, released):
        panels.move_to_panel(colleague, panel, application)
        for person in seated:
            assign(panel, application, person)
    declarations.declare(member, reviewed, "none")
    declarations.declare(on_paper, reviewed, "none")
    declarations.declare(colleague, reviewed, "none")
    declaration = declarations.declare(conflicted_member, reviewed, "financial", "Rents a hall")
    sheet = score(reviewed, member, [4, 4, 4])
    score(reviewed, colleague, [3, 3, 3])
    score(released, member, [5, 5, 5])
    document = add_document(reviewed, Path(app.config["UPLOAD_FOLDER"]))
    meeting = meetings.open_meeting(colleague, panel, min_members=1)
    meetings.record_attendance(colleague, meeting, [member.id], min_members=1)
    funded = DecisionInput(outcome="fund", rationale="Strong local support")
    feedback.save_feedback(
        colleague, decisions.decide(colleague, panel, released, funded), "Well done"
    )
    feedback.release(colleague, panel, link_for=lambda a: "/")
    feedback.save_feedback(
        colleague, decisions.decide(colleague, panel, reviewed, funded), "Well done"
    )
    panel.scoring_closes_at = utcnow() - timedelta(hours=1)
    membership = Membership(organisation_id=group.id, user_id=officer.id)
    if how == "since":
        membership.joined_at = utcnow() - timedelta(days=365)
        membership.ended_at = utcnow()
    db.session.add(membership)
    db.session.flush()
    return {
        "officer": officer,
        "colleague": colleague,
        "applications": {
            "draft": draft,
            "submitted": submitted,
            "eligible": eligible,
            "reviewed": reviewed,
            "released": released,
        },
        "round_id": round_.id,
        "user_id": on_paper.id,
        "sheet_id": sheet.id,
        "declaration_id": declaration.id,
        "document_id": document.id,
        "kind": SUPPORTING_DOCUMENTS[0].value,
    }


def address(rule, situation: dict) -> str:
    application = situation["applications"][APPLICATION_FOR.get(rule.endpoint, "reviewed")]
    values = {}
    for argument in rule.arguments:
        if argument == "application_id":
            values[argument] = application.id
        elif argument in situation:
            values[argument] = situation[argument]
        else:
            pytest.fail(
                f"{rule.endpoint} ({rule.rule}) takes {argument!r}, which the conflict walker "
                "cannot fill: add it to tests/test_conflict_walker.py so the route is walked"
            )
    return rule.build(values, append_unknown=False)[1]


def requests_of(app, situation: dict) -> list[tuple[str, str, str]]:
    return [
        (rule.endpoint, method, address(rule, situation))
        for rule in covered_rules(app)
        for method in sorted(rule.methods & {"GET", "POST"})
    ]


def database_state() -> dict:
    """Every row of every table, to show that a refused request changed nothing."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(text(f'SELECT * FROM "{table.name}"')).all()
        state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


def send(client, method: str, path: str):
    response = client.get(path) if method == "GET" else client.post(path, data={})
    response.get_data()  # read (a file download) and close it
    response.close()
    return response


def walk(app, client, situation: dict) -> list[str]:
    """What went wrong for the conflicted officer: each a line naming the route."""
    problems = []
    sign_in(client, situation["officer"])
    before = database_state()
    for endpoint, method, path in requests_of(app, situation):
        response = send(client, method, path)
        if (endpoint, method) in EXPLAINS_ONLY:
            forms = soup_of(response).select(f"form[action^='{path}/']")
            if response.status_code != 200 or forms:
                problems.append(f"{method} {path} ({endpoint}) offers {len(forms)} forms")
            continue
        if response.status_code not in (403, 404):
            problems.append(f"{method} {path} ({endpoint}) answered {response.status_code}")
        elif response.status_code == 403 and "You belong to" not in response.get_data(as_text=True):
            problems.append(f"{method} {path} ({endpoint}) refused without saying why")
    after = database_state()
    changed = sorted(name for name in before if before[name] != after[name])
    if changed:
        problems.append(f"tables changed by refused requests: {changed}")
    return problems


@pytest.mark.parametrize("how", ["now", "since"])
def test_every_staff_route_on_an_application_refuses_an_officer_in_its_group(app, client, how):
    situation = build(app, how)
    assert walk(app, client, situation) == []


def test_the_walker_covers_the_panel_screening_and_waiver_routes(app):
    """The routes the conflict rule was first missed on are among those walked."""
    endpoints = {rule.endpoint for rule in covered_rules(app)}
    assert {
        "panels.reassign",
        "panels.move",
        "scoring.paper",
        "scoring.waive",
        "scoring.reopen",
        "meetings.decide",
        "meetings.moderate",
        "meetings.edit_feedback",
        "meetings.letter",
        "screening.extend",
        "applications.waive_document",
    } <= endpoints
    assert "applications.task_list" not in endpoints  # the group's own page


def test_a_colleague_outside_the_group_is_not_refused(app, client):
    """The situation is right: each refusal above is the conflict rule's."""
    situation = build(app, "since")
    db.session.delete(
        db.session.scalar(select(Membership).where(Membership.user_id == situation["officer"].id))
    )
    sign_in(client, situation["colleague"])
    refused = []
    for endpoint, method, path in requests_of(app, situation):
        response = send(client, method, path)
        if response.status_code in (403, 404):
            refused.append(f"{method} {path} ({endpoint}) answered {response.status_code}")
    assert refused == []


def test_the_walker_fails_on_a_new_route_without_the_check(make_app, client):
    """A route added without the check is caught, without anyone listing it."""
    extra = make_app()

    @requires(Permission.MANAGE_PANELS)
    def unchecked(application_id: int):
        return "Done"

    extra.add_url_rule("/panels/unchecked/<int:application_id>", "unchecked", unchecked)
    db.session.commit()  # the suite's own session lets go of the database first
    with extra.app_context():
        situation = build(extra, "now")
        reviewed_id = situation["applications"]["reviewed"].id
        problems = walk(extra, extra.test_client(), situation)
        db.session.rollback()
    assert [p for p in problems if "(unchecked)" in p] == [
        f"GET /panels/unchecked/{reviewed_id} (unchecked) answered 200"
    ]
    assert [p for p in problems if "(unchecked)" not in p] == []


def test_the_walker_fails_on_an_argument_it_cannot_fill(make_app):
    extra = make_app()

    @requires(Permission.MANAGE_PANELS)
    def mystery(application_id: int, widget_id: int):
        return "Done"

    extra.add_url_rule("/panels/<int:application_id>/widgets/<int:widget_id>", "mystery", mystery)
    rule = next(r for r in covered_rules(extra) if r.endpoint == "mystery")
    with pytest.raises(pytest.fail.Exception, match="takes 'widget_id'"):
        address(rule, {"applications": {"reviewed": type("A", (), {"id": 1})()}})


# Monitoring: every staff route that takes a report, or a report due, refuses an officer in the
# group whose award it is (grants.monitoring.access), by GET and by POST, changing nothing.

REPORT_ARGUMENTS = re.compile(r"^(report|report_due)_id$")


def covered_report_rules(app) -> list:
    rules = []
    for rule in app.url_map.iter_rules():
        access = access_of(app.view_functions[rule.endpoint])
        if access is None or access.kind != "permission" or access.permission == Permission.APPLY:
            continue
        if any(REPORT_ARGUMENTS.match(argument) for argument in rule.arguments):
            rules.append(rule)
    return sorted(rules, key=lambda rule: rule.rule)


def build_reports(how: str) -> dict:
    """An award in force whose interim report the group has sent and whose final report is not
    started; then the officer joins the group (``now``) or is recorded as having left it after
    the application was made (``since``)."""
    from grants.awards.models import ReportKind
    from tests.monitoring.factories import award_in_force, report_due
    from tests.monitoring.test_review import sent

    officer = make_user(*EVERY_ROLE, name="Olive Insider")
    colleague = make_user(*EVERY_ROLE, name="Colin Colleague")
    ready = award_in_force()
    report = sent(ready)
    membership = Membership(organisation_id=ready.award.organisation_id, user_id=officer.id)
    if how == "since":
        membership.joined_at = utcnow() - timedelta(days=365)
        membership.ended_at = utcnow()
    db.session.add(membership)
    db.session.flush()
    return {
        "officer": officer,
        "colleague": colleague,
        "report_id": report.id,
        "report_due_id": report_due(ready, ReportKind.FINAL).id,
    }


def report_requests(app, situation: dict) -> list[tuple[str, str, str]]:
    found = []
    for rule in covered_report_rules(app):
        values = {}
        for argument in rule.arguments:
            if argument not in situation:
                pytest.fail(
                    f"{rule.endpoint} ({rule.rule}) takes {argument!r}, which the conflict "
                    "walker cannot fill: add it to build_reports in tests/test_conflict_walker.py"
                )
            values[argument] = situation[argument]
        path = rule.build(values, append_unknown=False)[1]
        found += [(rule.endpoint, m, path) for m in sorted(rule.methods & {"GET", "POST"})]
    return found


def walk_reports(app, client, situation: dict) -> list[str]:
    """What went wrong for the conflicted officer on the report routes: a line per route."""
    sign_in(client, situation["officer"])
    before = database_state()
    problems = []
    for endpoint, method, path in report_requests(app, situation):
        response = send(client, method, path)
        if response.status_code not in (403, 404):
            problems.append(f"{method} {path} ({endpoint}) answered {response.status_code}")
        elif response.status_code == 403 and "You belong to" not in response.get_data(as_text=True):
            problems.append(f"{method} {path} ({endpoint}) refused without saying why")
    after = database_state()
    changed = sorted(name for name in before if before[name] != after[name])
    if changed:
        problems.append(f"tables changed by refused requests: {changed}")
    return problems


@pytest.mark.parametrize("how", ["now", "since"])
def test_every_staff_route_on_a_report_refuses_an_officer_in_its_group(app, client, how):
    assert walk_reports(app, client, build_reports(how)) == []


def test_the_walker_covers_the_monitoring_review_routes(app):
    endpoints = {rule.endpoint for rule in covered_report_rules(app)}
    assert {
        "monitoring.review",
        "monitoring.accept",
        "monitoring.request_changes",
        "monitoring.due_date",
        "monitoring.enter",
    } <= endpoints


def test_a_colleague_outside_the_group_is_not_refused_a_report(app, client):
    situation = build_reports("since")
    db.session.delete(
        db.session.scalar(select(Membership).where(Membership.user_id == situation["officer"].id))
    )
    sign_in(client, situation["colleague"])
    refused = []
    for endpoint, method, path in report_requests(app, situation):
        response = send(client, method, path)
        if response.status_code in (403, 404):
            refused.append(f"{method} {path} ({endpoint}) answered {response.status_code}")
    assert refused == []


def test_an_officer_who_left_the_group_writes_nothing_in_its_report(app, client):
    """The group's own form is open to its members and to an officer entering a report for them.
    An officer who belonged to the group since the application was made is neither: every form
    of the report that takes the report or its report due refuses them, saying why, and changes
    nothing (as a current member, they would simply be the group)."""
    from grants.awards.models import ReportDue
    from grants.monitoring.report import services as report_services

    situation = build_reports("since")
    due = db.session.get(ReportDue, situation["report_due_id"])
    draft = report_services.start(due.award.organisation.main_contact, due)
    db.session.commit()
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("reports.")
        and "POST" in rule.methods
        and rule.arguments
        and rule.arguments <= {"report_id", "report_due_id"}
    ]
    assert {"reports.start", "reports.what_happened", "reports.story"} <= {
        rule.endpoint for rule in rules
    }
    sign_in(client, situation["officer"])
    before = database_state()
    problems = []
    for rule in sorted(rules, key=lambda r: r.rule):
        values = {"report_id": draft.id, "report_due_id": due.id}
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        response = send(client, "POST", path)
        if response.status_code != 403 or "You belong to" not in response.get_data(as_text=True):
            problems.append(f"POST {path} ({rule.endpoint}) answered {response.status_code}")
    assert problems == []
    assert [name for name in before if before[name] != database_state()[name]] == []


def test_the_report_walker_fails_on_a_new_route_without_the_check(make_app):
    extra = make_app()

    @requires(Permission.REVIEW_REPORTS)
    def unchecked(report_id: int):
        return "Done"

    extra.add_url_rule("/monitoring/unchecked/<int:report_id>", "unchecked", unchecked)
    db.session.commit()  # the suite's own session lets go of the database first
    with extra.app_context():
        situation = build_reports("now")
        problems = walk_reports(extra, extra.test_client(), situation)
        db.session.rollback()
    path = f"/monitoring/unchecked/{situation['report_id']}"
    assert [p for p in problems if "(unchecked)" in p] == [f"GET {path} (unchecked) answered 200"]
    assert [p for p in problems if "(unchecked)" not in p] == []
