"""PDFs of applications: a blank form to fill in on paper for each round, and any application as
it stands, for whoever may see its page (the same access answer: see applications.access).
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import select

from grants.applications import access
from grants.applications.models import (
    BENEFICIARY_GROUPS,
    BUDGET_CATEGORIES,
    CHANNEL_LABELS,
    SUPPORTING_DOCUMENTS,
    Application,
)
from grants.clock import utcnow
from grants.extensions import db
from grants.funds.indicators import active_indicators
from grants.funds.models import Round
from grants.organisations.models import IncomeBand, OrganisationType
from grants.pdf import html_to_pdf, pdf_response, render_pdf_html
from grants.permissions import public, signed_in
from grants.reference.models import Neighbourhood, Principle

bp = Blueprint("pdfs", __name__)


def blank_form_html(round_: Round) -> str:
    """The paper form for a round, as the HTML handed to WeasyPrint."""
    if round_.all_neighbourhoods:
        query = select(Neighbourhood).where(Neighbourhood.is_active).order_by(Neighbourhood.name)
        neighbourhoods = list(db.session.scalars(query))
    else:
        neighbourhoods = list(round_.neighbourhoods)
    principles = select(Principle).where(Principle.is_active).order_by(Principle.position)
    return render_pdf_html(
        "pdf/blank_form.html",
        round=round_,
        neighbourhoods=neighbourhoods,
        principles=list(db.session.scalars(principles)),
        org_types=list(OrganisationType),
        income_bands=list(IncomeBand),
        eligible_types=[
            t.label for t in OrganisationType if t.value in (round_.eligible_org_types or [])
        ],
        beneficiary_groups=list(BENEFICIARY_GROUPS.values()),
        budget_categories=list(BUDGET_CATEGORIES.values()),
        supporting_documents=[kind.label for kind in SUPPORTING_DOCUMENTS],
        indicators=active_indicators(round_.fund_id),
    )


def application_html(application: Application) -> str:
    """An application as it stands, as the HTML handed to WeasyPrint. Staff notes are never part
    of it: the same PDF goes to the group."""
    return render_pdf_html(
        "pdf/application.html",
        application=application,
        channel_label=CHANNEL_LABELS[application.channel],
        printed_at=utcnow(),
    )


@bp.route("/rounds/<slug>/application-form.pdf")
@public
def blank_form(slug: str):
    round_ = db.session.scalar(select(Round).where(Round.slug == slug)) or abort(404)
    pdf = html_to_pdf(blank_form_html(round_))
    return pdf_response(pdf, f"{round_.slug}-application-form.pdf", private=False)


@bp.route("/applications/<int:application_id>/application.pdf")
@signed_in
def application_pdf(application_id: int):
    application = access.get_for_viewing(current_user, application_id)
    name = application.reference or f"draft-application-{application.id}"
    return pdf_response(html_to_pdf(application_html(application)), f"{name}.pdf", private=True)
