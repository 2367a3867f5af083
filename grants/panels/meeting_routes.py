"""Programme officers' moderation meeting: opening it, attendance and quorum, the ranked list with
the live budget, equity by neighbourhood, moderated scores, decisions, feedback and release, the
letters for groups without email, the decision record PDF and the list of decline reasons."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.states import ApplicationStatus, next_steps
from grants.errors import DomainError, InvalidInput, NotFound, add_to_form, flash_refusal
from grants.extensions import db
from grants.formatting import pluralise
from grants.funds.models import Round
from grants.numbers import NO_SUCH_ID, record_id
from grants.panels import (
    addenda,
    conflicts,
    decision_history,
    decisions,
    equity,
    feedback,
    meetings,
    record,
    services,
)
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_forms import (
    AttendanceForm,
    ConfirmedForm,
    ConfirmForm,
    DecisionForm,
    DeclineReasonForm,
    FeedbackForm,
    ModerateForm,
    OpenMeetingForm,
    OverrideForm,
    RankingMethodForm,
)
from grants.panels.meeting_models import Decision, DeclineReason
from grants.panels.models import Panel
from grants.pdf import pdf_response
from grants.permissions import Permission, requires

bp = Blueprint("meetings", __name__, url_prefix="/panels/meetings")
OFFICER = Permission.MANAGE_PANELS


def _panel(round_id: int) -> Panel:
    round_ = db.session.get(Round, round_id)
    panel = services.panel_for(round_) if round_ else None
    if panel is None:
        raise NotFound("This round has no panel")
    return panel


def _to_meeting(panel: Panel, anchor: str | None = None):
    return redirect(url_for(".show", round_id=panel.round_id, _anchor=anchor))


def _applicant_link(application) -> str:
    return url_for("applications.show", application_id=application.id, _external=True)


@bp.route("/rounds/<int:round_id>")
@requires(OFFICER)
def show(round_id: int):
    panel = _panel(round_id)
    meeting = meetings.meeting_of(panel)
    if meeting is None:
        return render_template(
            "panels/meeting/open.html",
            panel=panel,
            form=None,
            open_form=OpenMeetingForm(data={"min_members": 3}),
        )
    ranking = meetings.ranked_list(panel)
    budget, within = decisions.live_budget(panel.round, ranking)
    return render_template(
        "panels/meeting/show.html",
        panel=panel,
        meeting=meeting,
        quorum=meetings.quorum(meeting),
        ranking=ranking,
        budget=budget,
        within=within,
        reason_usage=decisions.reason_usage(panel.round_id),
        # Each row links to its application's page: the link built once, not once per row.
        decide_href=url_for(".decide", round_id=panel.round_id, application_id=0).removesuffix("0"),
        method_form=RankingMethodForm(data={"method": panel.ranking_method.value}),
        record_documents=addenda.documents_of(panel),
        own_group_ids=conflicts.officer_conflicted_ids(current_user, panel.round_id),
    )


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@requires(OFFICER)
def open_meeting(round_id: int):
    panel = _panel(round_id)
    form = OpenMeetingForm()
    if form.validate_on_submit():
        try:
            meetings.open_meeting(current_user, panel, min_members=form.min_members.data)
            return redirect(url_for(".attendance", round_id=round_id))
        except DomainError as error:
            add_to_form(form, error, "min_members")
    return render_template("panels/meeting/open.html", panel=panel, form=form, open_form=form)


def _meeting(panel: Panel):
    meeting = meetings.meeting_of(panel)
    if meeting is None:
        raise NotFound("The meeting has not been opened")
    return meeting


@bp.route("/rounds/<int:round_id>/attendance", methods=["GET", "POST"])
@requires(OFFICER)
def attendance(round_id: int):
    panel = _panel(round_id)
    meeting = _meeting(panel)
    form = AttendanceForm(
        data={
            "attending": [str(a.user_id) for a in meeting.attendance],
            "min_members": meeting.min_members,
        }
    )
    form.attending.choices = [(str(u.id), u.full_name) for u in meetings.members_of(panel)]
    if form.validate_on_submit():
        try:
            chosen = [record_id(v) or NO_SUCH_ID for v in form.attending.data or []]
            meetings.record_attendance(
                current_user, meeting, chosen, min_members=form.min_members.data
            )
            flash("Attendance saved", "success")
            return _to_meeting(panel, "quorum")
        except DomainError as error:
            add_to_form(form, error, "attending")
    return render_template("panels/meeting/attendance.html", panel=panel, form=form)


@bp.route("/rounds/<int:round_id>/quorum-override", methods=["GET", "POST"])
@requires(OFFICER)
def override(round_id: int):
    panel = _panel(round_id)
    meeting = _meeting(panel)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            meetings.override_quorum(current_user, meeting, form.reason.data)
            flash("The meeting may decide without quorum; the reason is in the record", "success")
            return _to_meeting(panel, "quorum")
        except DomainError as error:
            add_to_form(form, error, "reason")
    return render_template("panels/meeting/override.html", panel=panel, form=form)


@bp.route("/rounds/<int:round_id>/ranking", methods=["POST"])
@requires(OFFICER)
def ranking_method(round_id: int):
    panel = _panel(round_id)
    form = RankingMethodForm()
    if not form.validate_on_submit():
        flash_refusal(DomainError("Choose how to rank the applications"))
        return _to_meeting(panel, "ranking")
    try:
        meetings.choose_ranking_method(current_user, panel, form.method.data)
        flash(f"Ranked by {panel.ranking_method.label.lower()}", "success")
    except DomainError as error:
        flash_refusal(error)
    return _to_meeting(panel, "ranking")


@bp.route("/rounds/<int:round_id>/close", methods=["GET", "POST"])
@requires(OFFICER)
def close(round_id: int):
    """Says what closing does, then closes on the confirming POST (any other POST, such as an
    old one-click form, only shows this page)."""
    panel = _panel(round_id)
    meeting = _meeting(panel)
    form = ConfirmedForm()
    if meeting.is_open and form.confirmed:
        try:
            meetings.close_meeting(current_user, meeting)
            flash("The meeting is closed and its decision record stored", "success")
        except DomainError as error:
            flash_refusal(error)
        return _to_meeting(panel, "record")
    if not meeting.is_open:
        flash("The meeting has already closed", "information")
        return _to_meeting(panel, "record")
    return render_template(
        "panels/meeting/close.html", panel=panel, plan=record.close_plan(panel), form=form
    )


def _decision_form(form: DecisionForm) -> DecisionForm:
    form.decline_reason.choices = [("", "Choose a reason")] + [
        (str(r.id), r.label) for r in decisions.decline_reasons()
    ]
    return form


def _application_page(panel, application, *, decision_form=None, moderate_form=None):
    ranking = meetings.ranked_list(panel)
    row = next((r for r in ranking.rows if r.application.id == application.id), None)
    if row is None:
        raise NotFound("That application is not with this panel")
    scorers = {}
    if row.aggregate:
        ids = list(row.aggregate.scorer_ids)
        scorers = {
            u.id: u.full_name for u in db.session.scalars(select(User).where(User.id.in_(ids)))
        }
    meeting = meetings.meeting_of(panel)
    at_meeting = meeting is not None and meeting.is_open
    decision = row.decision
    return render_template(
        "panels/meeting/application.html",
        panel=panel,
        row=row,
        # What the services would allow, so no form is offered only to be refused.
        may_moderate=at_meeting and (decision is None or not decision.is_released),
        may_decide=(at_meeting and (decision is None or decision.can_be_decided_again))
        or application.status == ApplicationStatus.RESERVE,
        application=application,
        scorers=scorers,
        history=meetings.moderation_history(application),
        form=decision_form if decision_form and decision_form.errors else moderate_form,
        decision_form=decision_form or _decision_form(DecisionForm(formdata=None)),
        moderate_form=moderate_form or ModerateForm(formdata=None),
    )


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>", methods=["GET", "POST"])
@requires(OFFICER)
def decide(round_id: int, application_id: int):
    panel = _panel(round_id)
    application = decisions.application_of(panel, application_id)
    conflicts.check_officer_may_act(current_user, application, "moderate and decide")
    form = _decision_form(DecisionForm())
    if form.is_submitted():
        reason_id = form.decline_reason.data or ""
        choice = DecisionInput(
            outcome=form.outcome.data,
            rationale=form.rationale.data,
            amount_pence=form.amount.data,
            reduced_reason=form.reduced_reason.data,
            conditions=form.conditions.data,
            decline_reason_id=(record_id(reason_id) or NO_SUCH_ID) if reason_id else None,
            decline_detail=form.decline_detail.data,
            departure_rationale=form.departure_rationale.data,
            change_reason=form.change_reason.data,
        )
        if form.validate():
            try:
                decisions.decide(current_user, panel, application, choice)
                flash(f"Decision recorded for {application.reference}", "success")
                return _to_meeting(panel, "ranking")
            except DomainError as error:
                add_to_form(form, error, "outcome")
        else:
            _add_rule_errors(form, application, choice)
    return _application_page(panel, application, decision_form=form)


def _add_rule_errors(form: DecisionForm, application, choice: DecisionInput) -> None:
    """Beside the form's own errors, what the decision's rules say about the same answers, so
    every problem is reported at once."""
    try:
        decisions.check_choice(
            application, choice, changing=decision_history.has_decision(application)
        )
    except InvalidInput as error:
        for name, message in error.errors.items():
            field = getattr(form, name, None)
            if field is None or not field.errors:
                form.add_error(name, message)


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>/moderate", methods=["POST"])
@requires(OFFICER)
def moderate(round_id: int, application_id: int):
    panel = _panel(round_id)
    application = decisions.application_of(panel, application_id)
    conflicts.check_officer_may_act(current_user, application, "moderate the score of")
    form = ModerateForm()
    if form.validate_on_submit():
        try:
            meetings.moderate(current_user, application, form.score.data, form.reason.data)
            flash("Moderated score saved beside the original scores", "success")
            return redirect(url_for(".decide", round_id=round_id, application_id=application_id))
        except DomainError as error:
            add_to_form(form, error, "score")
    return _application_page(panel, application, moderate_form=form)


@bp.route("/rounds/<int:round_id>/equity")
@requires(OFFICER)
def equity_view(round_id: int):
    panel = _panel(round_id)
    ranking = meetings.ranked_list(panel, with_neighbourhoods=True)
    budget, within = decisions.live_budget(panel.round, ranking)
    return render_template(
        "panels/meeting/equity.html",
        panel=panel,
        budget=budget,
        wards=equity.ward_shares(panel.round, ranking, within),
        formula=equity.FORMULA,
        formula_terms=equity.FORMULA_TERMS,
    )


def _decision(panel: Panel, application_id: int) -> Decision:
    application = decisions.application_of(panel, application_id)
    decision = db.session.scalar(select(Decision).where(Decision.application_id == application.id))
    if decision is None:
        raise NotFound("There is no decision on that application yet")
    return decision


@bp.route("/rounds/<int:round_id>/feedback")
@requires(OFFICER)
def feedback_list(round_id: int):
    panel = _panel(round_id)
    round_decisions = feedback.round_decisions(panel)
    return render_template(
        "panels/meeting/feedback_list.html",
        panel=panel,
        decisions=round_decisions,
        pending=[d for d in round_decisions if feedback.can_release(d)],
        letters=feedback.letters_to_print(panel),
        own_group_ids=conflicts.officer_conflicted_ids(current_user, panel.round_id),
    )


@bp.route(
    "/rounds/<int:round_id>/applications/<int:application_id>/feedback", methods=["GET", "POST"]
)
@requires(OFFICER)
def edit_feedback(round_id: int, application_id: int):
    panel = _panel(round_id)
    decision = _decision(panel, application_id)
    conflicts.check_officer_may_act(current_user, decision.application, "write the feedback on")
    form = FeedbackForm(
        data={"feedback": decision.feedback or feedback.draft_feedback(decision.application)}
    )
    if form.validate_on_submit():
        try:
            feedback.save_feedback(current_user, decision, form.feedback.data)
            flash(f"Feedback saved for {decision.application.reference}", "success")
            return redirect(url_for(".feedback_list", round_id=round_id))
        except DomainError as error:
            add_to_form(form, error, "feedback")
    return render_template(
        "panels/meeting/feedback.html", panel=panel, decision=decision, form=form
    )


@bp.route("/rounds/<int:round_id>/release", methods=["GET", "POST"])
@requires(OFFICER)
def release(round_id: int):
    """Says who will be told, then releases on the confirming POST (any other POST only shows
    this page). A second confirming POST finds nothing left to release and tells nobody twice."""
    panel = _panel(round_id)
    form = ConfirmedForm()
    if form.confirmed:
        try:
            released = feedback.release(current_user, panel, link_for=_applicant_link)
            flash(f"{pluralise(len(released), 'decision')} released to the groups", "success")
        except DomainError as error:
            flash_refusal(error)
        return redirect(url_for(".feedback_list", round_id=round_id))
    plan = feedback.release_plan(current_user, panel)
    if not plan.pending:
        flash(feedback.NOTHING_TO_RELEASE, "information")
        return redirect(url_for(".feedback_list", round_id=round_id))
    return render_template("panels/meeting/release.html", panel=panel, plan=plan, form=form)


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>/letter")
@requires(OFFICER)
def letter(round_id: int, application_id: int):
    panel = _panel(round_id)
    decision = _decision(panel, application_id)
    conflicts.check_officer_may_act(current_user, decision.application, "send the letter for")
    if not decision.is_released:
        raise NotFound("Release the decision before printing its letter")
    return render_template(
        "panels/meeting/letter.html",
        panel=panel,
        decision=decision,
        next_steps=next_steps,
        **feedback.change_told(decision),
    )


@bp.route("/rounds/<int:round_id>/decision-record.pdf")
@requires(OFFICER)
def decision_record(round_id: int):
    """The stored record once the meeting has closed (byte for byte); a draft before."""
    panel = _panel(round_id)
    pdf, stored = record.record_file(current_user, panel)
    name = f"decision-record-{panel.round.slug}{'' if stored else '-draft'}.pdf"
    return pdf_response(pdf, name, private=True)


@bp.route("/rounds/<int:round_id>/decision-record/addenda/<int:number>.pdf")
@requires(OFFICER)
def record_addendum(round_id: int, number: int):
    panel = _panel(round_id)
    document = addenda.addendum(panel, number)
    if document is None:
        raise NotFound("That addendum does not exist")
    name = f"decision-record-{panel.round.slug}-addendum-{number}.pdf"
    return pdf_response(addenda.read(document), name, private=True)


@bp.route("/decline-reasons", methods=["GET", "POST"])
@requires(OFFICER)
def decline_reasons():
    form = DeclineReasonForm()
    if form.validate_on_submit():
        try:
            decisions.add_decline_reason(current_user, form.label.data)
            flash("Reason added", "success")
            return redirect(url_for(".decline_reasons"))
        except DomainError as error:
            add_to_form(form, error, "label")
    return render_template(
        "panels/meeting/decline_reasons.html",
        form=form,
        reasons=decisions.decline_reasons(active_only=False),
        confirm_form=ConfirmForm(),
    )


@bp.route("/decline-reasons/<int:reason_id>/<any(retire, restore):change>", methods=["POST"])
@requires(OFFICER)
def change_reason(reason_id: int, change: str):
    reason = db.session.get(DeclineReason, reason_id)
    if reason is None:
        raise NotFound("Reason not found")
    if ConfirmForm().validate_on_submit():
        decisions.set_reason_active(current_user, reason, change == "restore")
        flash(f"“{reason.label}” {'restored' if change == 'restore' else 'retired'}", "success")
    return redirect(url_for(".decline_reasons"))
