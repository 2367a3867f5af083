"""Programme officers' screening pages: the queue and its CSV export, one application with its
eligibility check, notes, history and extensions, and applications officers enter for groups."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from grants.applications import access as applications_access
from grants.applications import revisions
from grants.applications.conflicts import own_group_conflict
from grants.applications.models import Application
from grants.applications.services import accepting_submissions
from grants.errors import DomainError, add_to_form
from grants.formatting import local_datetime
from grants.pagination import paginate
from grants.permissions import Permission, requires
from grants.screening import access, checks, history, notes, services
from grants.screening import assisted as assisted_entry
from grants.screening import export as csv_export
from grants.screening import queue as screening_queue
from grants.screening.forms import (
    AssistedStartForm,
    CorrectionForm,
    EligibilityForm,
    ExtensionForm,
    NoteForm,
    QueueFilterForm,
)

bp = Blueprint("screening", __name__, url_prefix="/screening")
SCREENER = Permission.SCREEN_APPLICATIONS


def _load(application_id: int) -> Application:
    """The application, or NotFound (the app's handler answers 404): its page's own answer."""
    return applications_access.get_for_viewing(current_user, application_id)


def _applicant_link(application: Application) -> str:
    """Where emails about a screening decision send the group."""
    return url_for("applications.show", application_id=application.id, _external=True)


def _queue_args() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key != "page"}


@bp.route("/")
@requires(SCREENER)
def queue():
    filters = screening_queue.QueueFilters.from_args(request.args)
    form = QueueFilterForm(request.args)
    for name, choices in screening_queue.filter_choices().items():
        form[name].choices = [form[name].choices[0], *choices]
    args = {key: value for key, value in _queue_args().items() if key != "sort"}
    sort_urls = {
        key: url_for(".queue", **args, sort=f"-{key}" if filters.sort == key else key)
        for key in screening_queue.SORT_COLUMNS
    }
    return render_template(
        "screening/queue.html",
        filters_form=form,
        filters=filters,
        page=paginate(screening_queue.queue_query(filters), size=screening_queue.QUEUE_PAGE_SIZE),
        sort_urls=sort_urls,
        export_url=url_for(".export", **_queue_args()),
    )


@bp.route("/export.csv")
@requires(SCREENER)
def export():
    """The filtered queue as a spreadsheet, streamed so a large round never sits in memory."""
    filters = screening_queue.QueueFilters.from_args(request.args)
    response = Response(stream_with_context(csv_export.export_csv(filters)), mimetype="text/csv")
    filename = csv_export.export_filename()
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _correction_form(application: Application, formdata=None) -> CorrectionForm:
    """Offers only the outcomes the application may be corrected to."""
    form = CorrectionForm(formdata=formdata, prefix="correction")
    form.outcome.choices = [
        (outcome.value, outcome.label) for outcome in services.correction_outcomes(application)
    ]
    return form


def _render(application: Application, failed=None, **forms):
    """The officer's page for one application; ``failed`` is a form just sent with errors."""
    return render_template(
        "screening/application.html",
        application=application,
        form=failed,
        note_form=forms.get("note_form") or NoteForm(formdata=None, prefix="note"),
        check_form=forms.get("check_form") or EligibilityForm(formdata=None, prefix="check"),
        correction_form=forms.get("correction_form") or _correction_form(application),
        extension_form=forms.get("extension_form")
        or ExtensionForm(formdata=None, prefix="extension"),
        suggestions=checks.suggest_checklist(application),
        changes=revisions.latest_changes(application),
        checks=history.checks_for(application),
        notes=notes.notes_for(application),
        history=[
            (event, history.describe_event(event)) for event in history.history_of(application)
        ],
        accepting=accepting_submissions(application),
        conflict=access.screening_conflict(current_user, application),
        extension_conflict=access.extension_conflict(current_user, application),
        own_group=own_group_conflict(current_user, application, "add notes to"),
        how_it_reached_us=assisted_entry.HOW_IT_REACHED_US,
        checklist_labels=checks.CHECKLIST_LABELS,
    )


@bp.route("/<int:application_id>")
@requires(SCREENER)
def show(application_id: int):
    return _render(_load(application_id))


@bp.route("/<int:application_id>/notes", methods=["POST"])
@requires(SCREENER)
def add_note(application_id: int):
    application = _load(application_id)
    access.check_no_own_group(current_user, application, "add notes to")
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        try:
            notes.add_note(current_user, application, form.body.data)
        except DomainError as error:
            add_to_form(form, error, "body")
        else:
            flash("Your note has been added", "success")
            return redirect(url_for(".show", application_id=application.id, _anchor="notes"))
    return _render(application, form, note_form=form)


@bp.route("/<int:application_id>/eligibility", methods=["POST"])
@requires(SCREENER)
def check(application_id: int):
    application = _load(application_id)
    access.check_no_own_group(current_user, application, "screen")
    form = EligibilityForm(prefix="check")
    if form.validate_on_submit():
        checklist, waivers = form.checklist_answers()
        try:
            services.screen(
                current_user,
                application,
                outcome=form.outcome.data,
                checklist=checklist,
                waivers=waivers,
                message=form.message.data,
                link_for=_applicant_link,
            )
        except DomainError as error:
            add_to_form(form, error, "outcome")
        else:
            flash(f"Check saved. The application is now: {application.status.label}", "success")
            return redirect(url_for(".show", application_id=application.id))
    return _render(application, form, check_form=form)


@bp.route("/<int:application_id>/correction", methods=["POST"])
@requires(SCREENER)
def correct(application_id: int):
    application = _load(application_id)
    access.check_no_own_group(current_user, application, "correct the outcome of")
    form = _correction_form(application, request.form)
    if form.validate_on_submit():
        checklist, waivers = form.checklist_answers()
        try:
            services.correct(
                current_user,
                application,
                outcome=form.outcome.data,
                checklist=checklist,
                waivers=waivers,
                message=form.message.data,
                reason=form.reason.data,
                link_for=_applicant_link,
            )
        except DomainError as error:
            add_to_form(form, error, "outcome")
        else:
            flash(
                f"Outcome corrected. The application is now: {application.status.label}", "success"
            )
            return redirect(url_for(".show", application_id=application.id))
    return _render(application, form, correction_form=form)


@bp.route("/<int:application_id>/extension", methods=["POST"])
@requires(SCREENER)
def extend(application_id: int):
    application = _load(application_id)
    access.check_may_extend(current_user, application)
    form = ExtensionForm(prefix="extension")
    if form.validate_on_submit():
        try:
            services.extend_deadline(
                current_user,
                application,
                day=form.until.data,
                at=form.time.data,
                reason=form.reason.data,
            )
        except DomainError as error:
            add_to_form(form, error, "until")
        else:
            until = local_datetime(application.extension_until)
            flash(f"The application can now be sent until {until}", "success")
            return redirect(url_for(".show", application_id=application.id))
    return _render(application, form, extension_form=form)


@bp.route("/assisted")
@requires(SCREENER)
def assisted():
    return render_template(
        "screening/assisted.html", page=paginate(assisted_entry.assisted_query())
    )


@bp.route("/assisted/new", methods=["GET", "POST"])
@requires(SCREENER)
def start_assisted():
    form = AssistedStartForm()
    form.round.choices = [("", "Select a round"), *assisted_entry.assisted_round_choices()]
    form.organisation.choices = [("", "Select a group"), *assisted_entry.group_choices()]
    if request.method == "GET" and request.args.get("organisation"):
        form.organisation.data = request.args["organisation"]  # a group just added for them
    if form.validate_on_submit():
        try:
            application = assisted_entry.start_assisted(
                current_user,
                round_id=form.round.data,
                organisation_id=form.organisation.data,
                channel=form.channel.data,
                scan=form.scan.data,
            )
        except DomainError as error:
            add_to_form(form, error, "round")
        else:
            return _after_assisted_start(application)
    return render_template("screening/start_assisted.html", form=form)


def _after_assisted_start(application: Application):
    """Straight on to the task list, unless the round has closed and the draft needs more time."""
    group = application.organisation.name
    if not accepting_submissions(application):
        flash(
            f"Started for {group}. The round has closed: another programme officer must give it"
            " more time before it can be sent"
        )
        return redirect(url_for(".show", application_id=application.id, _anchor="extension"))
    flash(f"Application started for {group}. Enter their answers section by section", "success")
    return redirect(url_for("applications.task_list", application_id=application.id))
