"""Admin pages for neighbourhoods and principles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import undefer

from grants.errors import DomainError, add_to_form
from grants.extensions import db
from grants.permissions import Permission, requires
from grants.reference import services
from grants.reference.forms import NeighbourhoodForm, PrincipleForm
from grants.reference.maps import MapArea, render_svg
from grants.reference.models import Neighbourhood, Principle

bp = Blueprint("reference", __name__, url_prefix="/admin")


@bp.route("/neighbourhoods")
@requires(Permission.MANAGE_REFERENCE_DATA)
def neighbourhoods():
    query = services.neighbourhoods_query().options(undefer(Neighbourhood.boundary))
    items = list(db.session.scalars(query))
    borough_map = render_svg(
        [MapArea(n.code, n.name, n.boundary or {}) for n in items],
        title="Map of the neighbourhoods listed in the table below",
    )
    return render_template(
        "reference/neighbourhoods.html", neighbourhoods=items, borough_map=borough_map
    )


@bp.route("/neighbourhoods/<int:neighbourhood_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_neighbourhood(neighbourhood_id: int):
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id) or abort(404)
    form = NeighbourhoodForm(obj=neighbourhood)
    if form.validate_on_submit():
        services.update_neighbourhood(
            current_user,
            neighbourhood,
            name=form.name.data,
            place=form.place.data,
            is_active=form.is_active.data,
        )
        flash(f"{neighbourhood.name} has been saved", "success")
        return redirect(url_for(".neighbourhoods"))
    return render_template(
        "reference/neighbourhood_form.html", form=form, neighbourhood=neighbourhood
    )


@bp.route("/principles")
@requires(Permission.MANAGE_REFERENCE_DATA)
def principles():
    return render_template("reference/principles.html", principles=services.principles())


@bp.route("/principles/new", methods=["GET", "POST"])
@bp.route("/principles/<int:principle_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_principle(principle_id: int | None = None):
    principle = None
    if principle_id is not None:
        principle = db.session.get(Principle, principle_id) or abort(404)
    form = PrincipleForm(obj=principle)
    if form.validate_on_submit():
        try:
            saved = services.save_principle(
                current_user,
                principle,
                name=form.name.data,
                description=form.description.data,
                position=form.position.data,
                is_active=form.is_active.data,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            flash(f"{saved.name} has been saved", "success")
            return redirect(url_for(".principles"))
    return render_template("reference/principle_form.html", form=form, principle=principle)
