"""Officers' pages for handing over offline groups: the handovers waiting for a second officer,
approving or refusing one, and the letters to post to contacts without an email address."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from grants.errors import DomainError, NotAllowed, NotFound, flash_refusal
from grants.forms import BaseForm
from grants.organisations import group_page, handover, letters, services
from grants.organisations.routes import bp
from grants.pdf import pdf_response, render_pdf
from grants.permissions import Permission, requires


@bp.route("/handovers")
@requires(Permission.SCREEN_APPLICATIONS)
def handovers():
    return render_template(
        "organisations/handovers.html",
        to_approve=handover.to_approve(current_user),
        yours=handover.proposed_by(current_user),
        form=BaseForm(),
    )


@bp.route("/handovers/<int:handover_id>/<any(approve, refuse):answer>", methods=["POST"])
@requires(Permission.SCREEN_APPLICATIONS)
def decide_handover(handover_id: int, answer: str):
    """A second officer approves (the invitation goes) or refuses; the proposer may withdraw."""
    proposal = handover.get(current_user, handover_id)
    if BaseForm().validate_on_submit():
        try:
            if answer == "approve":
                handover.approve(
                    current_user,
                    proposal,
                    invitation_link=lambda token: url_for(".accept", token=token, _external=True),
                )
                flash(
                    f"Handover approved: we have sent the invitation to {proposal.email}", "success"
                )
            else:
                handover.refuse(current_user, proposal)
                flash("The handover was stopped: nothing has been sent", "success")
        except (NotAllowed, NotFound):
            raise
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for(".handovers"))


@bp.route("/<int:organisation_id>/letters/<int:letter_id>.pdf")
@requires(Permission.SCREEN_APPLICATIONS)
def letter_pdf(organisation_id: int, letter_id: int):
    organisation = services.get_for(current_user, organisation_id)
    letter = letters.get(current_user, organisation, letter_id)
    pdf = render_pdf("pdf/group_letter.html", letter=letter)
    return pdf_response(pdf, f"letter-{letter.id}.pdf", private=True)


@bp.route("/<int:organisation_id>/letters/<int:letter_id>/posted", methods=["POST"])
@requires(Permission.SCREEN_APPLICATIONS)
def letter_posted(organisation_id: int, letter_id: int):
    organisation = services.get_for(current_user, organisation_id)
    letter = letters.get(current_user, organisation, letter_id)
    if BaseForm().validate_on_submit():
        try:
            letters.mark_posted(current_user, letter)
            flash("Letter marked as posted", "success")
        except DomainError as error:
            flash_refusal(error)
    return redirect(url_for(".show", organisation_id=organisation.id))


group_page.register_section("organisations/_handover_section.html", handover.section_for)
