"""Task-list sections that carry files: the round's own questions (with file answers and
recorded answers) and the supporting documents, and removing a file again."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from grants.applications import answers, files, waivers
from grants.applications.blueprint import (
    back_to_application,
    bp,
    load,
    render_section,
    return_args,
    saved_and_back,
)
from grants.applications.files import PendingFile
from grants.applications.forms import ConfirmForm, DocumentsForm, WaiverForm
from grants.applications.models import SUPPORTING_DOCUMENTS, DocumentKind
from grants.applications.question_forms import (
    answers_from,
    field_name,
    questions_form,
    recording_field_name,
)
from grants.applications.sections import question_key
from grants.errors import DomainError, add_to_form, flash_refusal
from grants.funds.models import QuestionKind
from grants.permissions import Permission, requires, signed_in


def _question_files(application) -> list[PendingFile]:
    """Files chosen on the questions page: answers to file questions, and recorded answers."""
    chosen = []
    for question in application.round.questions:
        if question.kind == QuestionKind.FILE:
            name, kind = field_name(question), DocumentKind.ANSWER_FILE
        elif question.kind == QuestionKind.LONG_TEXT and application.round.allows_recordings:
            name, kind = recording_field_name(question), DocumentKind.RECORDING
        else:
            continue
        chosen.append(PendingFile(request.files.get(name), kind, name, question_key(question)))
    return chosen


@bp.route("/<int:application_id>/questions", methods=["GET", "POST"])
@signed_in
def questions(application_id: int):
    application = load(application_id, for_editing=True)
    form = questions_form(application)
    if form.validate_on_submit():
        try:
            answers.save_answers(
                current_user,
                application,
                answers_from(form, application),
                _question_files(application),
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return saved_and_back(application)
    return render_section(
        "questions",
        application,
        form,
        field_name=field_name,
        recording_field_name=recording_field_name,
        question_key=question_key,
    )


@bp.route("/<int:application_id>/documents", methods=["GET", "POST"])
@signed_in
def documents(application_id: int):
    application = load(application_id, for_editing=True)
    form = DocumentsForm()
    pending = [
        PendingFile(request.files.get(kind.value), kind, kind.value)
        for kind in SUPPORTING_DOCUMENTS
    ]
    returning = form.save_and_return.data
    if returning and not files.chosen(pending):
        return redirect(back_to_application(application))
    if form.validate_on_submit():
        try:
            refused = answers.attach_files(current_user, application, pending)
        except DomainError as error:
            add_to_form(form, error)
        else:
            # The good files are kept (this page commits) and each refused one is named beside
            # its field.
            for field, message in refused.items():
                form.add_error(field, message)
            if not refused and returning:
                return saved_and_back(application, "Your files have been uploaded")
            if not refused:
                flash("Your files have been uploaded", "success")
                return redirect(
                    url_for(".documents", application_id=application.id, **return_args())
                )
    return render_section(
        "documents",
        application,
        form,
        kinds=SUPPORTING_DOCUMENTS,
        may_waive=waivers.may_waive(current_user, application),
    )


@bp.route("/<int:application_id>/files/<int:document_id>/remove", methods=["POST"])
@signed_in
def remove_document(application_id: int, document_id: int):
    application = load(application_id, for_editing=True)
    if ConfirmForm().validate_on_submit():
        try:
            answers.remove_document(current_user, application, document_id)
        except DomainError as error:
            flash_refusal(error)
        else:
            flash("The file has been removed", "success")
    return redirect(
        request.referrer
        if _same_site(request.referrer)
        else url_for(".task_list", application_id=application.id)
    )


def _same_site(target: str | None) -> bool:
    return bool(target) and target.startswith(request.host_url)


def _supporting_kind(kind: str) -> DocumentKind:
    return next((k for k in SUPPORTING_DOCUMENTS if k.value == kind), None) or abort(404)


@bp.route("/<int:application_id>/documents/<kind>/waive", methods=["GET", "POST"])
@requires(Permission.SCREEN_APPLICATIONS)
def waive_document(application_id: int, kind: str):
    """An officer entering an assisted application agrees it can go without a document."""
    application = load(application_id, for_editing=True)
    document_kind = _supporting_kind(kind)
    waivers.check_may_waive(current_user, application)
    waiver = application.waiver_for(document_kind)
    form = WaiverForm(data={"reason": waiver.reason if waiver else ""})
    if form.validate_on_submit():
        try:
            waivers.waive(current_user, application, document_kind, form.reason.data)
        except DomainError as error:
            add_to_form(form, error, default_field="reason")
        else:
            flash(f"{document_kind.label}: waived", "success")
            return redirect(url_for(".documents", application_id=application.id, **return_args()))
    return render_section("waive_document", application, form, kind=document_kind)


@bp.route("/<int:application_id>/documents/<kind>/waiver/remove", methods=["POST"])
@requires(Permission.SCREEN_APPLICATIONS)
def remove_waiver(application_id: int, kind: str):
    application = load(application_id, for_editing=True)
    document_kind = _supporting_kind(kind)
    waivers.check_may_waive(current_user, application)
    if ConfirmForm().validate_on_submit():
        try:
            waivers.withdraw_waiver(current_user, application, document_kind)
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(f"{document_kind.label}: needed again", "success")
    return redirect(url_for(".documents", application_id=application.id, **return_args()))
