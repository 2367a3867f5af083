"""Section 4 of the report, the story of change: the story and its consent, its photos, and the
one route that serves a photo (to the group and to staff who see every group)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

import grants.monitoring.group_pages  # noqa: F401  (registers the home and award page sections)
from grants import uploads
from grants.errors import DomainError, NotFound, add_to_form, flash_refusal
from grants.monitoring import access, photos, publishing, stories
from grants.monitoring.report.blueprint import bp
from grants.monitoring.report.story_forms import NO, YES, ConfirmForm, PhotoForm, StoryForm
from grants.permissions import signed_in


def load_for_editing(report_id: int):
    """The report, if this person may see it (404 otherwise) and write it (403 otherwise)."""
    report = access.get_for_viewing(current_user, report_id)
    access.check_may_write(current_user, report.award)
    return report


def to_task_list(report):
    return redirect(url_for("reports.task_list", report_id=report.id))


@bp.route("/<int:report_id>/story", methods=["GET", "POST"])
@signed_in
def story(report_id: int):
    report = load_for_editing(report_id)
    if not report.can_edit:
        return to_task_list(report)
    form = StoryForm()
    if not form.is_submitted() and stories.SECTION in (report.sections_saved or []):
        form.has_story.data = YES if report.story else NO
        form.story.data = report.story
        form.consent.data = report.story_consent.value if report.story_consent else None
    if form.validate_on_submit():
        try:
            stories.save_story(current_user, report, form.answer())
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash("Your story of change has been saved", "success")
            return to_task_list(report)
    elif form.is_submitted():
        form.add_further_errors(
            stories.story_problems(form.answer(), photo_count=len(report.photos()))
        )
    return render_template(
        "monitoring/report/story.html",
        report=report,
        form=form,
        word_limit=stories.STORY_WORD_LIMIT,
        max_photos=photos.MAX_PHOTOS,
    )


@bp.route("/<int:report_id>/story/photos", methods=["GET", "POST"])
@signed_in
def story_photos(report_id: int):
    report = load_for_editing(report_id)
    if not report.can_edit:
        return to_task_list(report)
    form = PhotoForm()
    full = len(report.photos()) >= photos.MAX_PHOTOS
    if form.validate_on_submit():
        try:
            photos.add_photo(current_user, report, form.details(request.files.get("photo")))
        except DomainError as error:
            add_to_form(form, error, "photo")
        else:
            flash("Your photo has been added", "success")
            return redirect(url_for("reports.story_photos", report_id=report.id))
    elif form.is_submitted():
        form.add_further_errors(photos.check_details(form.details(None)))
    return render_template(
        "monitoring/report/story_photos.html",
        report=report,
        form=form,
        full=full,
        max_photos=photos.MAX_PHOTOS,
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:report_id>/story/photos/<int:file_id>/remove", methods=["POST"])
@signed_in
def remove_photo(report_id: int, file_id: int):
    report = load_for_editing(report_id)
    if ConfirmForm().validate_on_submit():
        try:
            photos.remove_photo(current_user, report, file_id)
        except NotFound:
            raise
        except DomainError as error:
            flash_refusal(error)
        else:
            flash("The photo has been removed", "success")
    return redirect(url_for("reports.story_photos", report_id=report.id))


@bp.route("/<int:report_id>/photos/<int:file_id>")
@signed_in
def photo(report_id: int, file_id: int):
    """Photos are only ever served here, to the group and to staff who see every group (the
    publishing gate decides what may go further, on pages of its own)."""
    report = access.get_for_viewing(current_user, report_id)
    if not publishing.sees_everything(current_user, report):
        raise NotFound("Photo not found")
    found = photos.photo_of(report, file_id)
    path = uploads.path_of(found.stored_name)
    if not path.exists():
        raise NotFound("Photo not found")
    response = send_file(path, mimetype=found.content_type, max_age=0, conditional=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
