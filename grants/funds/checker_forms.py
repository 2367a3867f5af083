"""The eligibility checker's questions: one form per page, each a single set of radios."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import AnyOf

from grants.forms import BaseForm, required
from grants.funds.checker import EVERYWHERE, GROUP_TYPE, INCOME, WHERE
from grants.organisations.models import IncomeBand, OrganisationType
from grants.reference.services import active_neighbourhoods


class CheckerForm(BaseForm):
    answer = RadioField(widget=GovRadioInput(), choices=[], validate_choice=False)
    submit = SubmitField("Continue", widget=GovSubmitInput())


QUESTIONS = {
    GROUP_TYPE: (
        "What type of group are you?",
        "If you are not sure, check your governing document, such as a constitution.",
        "Select the type of group",
    ),
    INCOME: (
        "What was your group's income last year?",
        "Use your latest accounts. If your group is new, estimate this year's income.",
        "Select your group's income",
    ),
    WHERE: (
        "Where will your activity happen?",
        "Choose the neighbourhood where most of the activity will happen.",
        "Select where your activity will happen",
    ),
}


def _choices(step: str) -> list[tuple[str, str]]:
    if step == GROUP_TYPE:
        return [(t.value, t.label) for t in OrganisationType]
    if step == INCOME:
        return [(band.value, band.label) for band in IncomeBand]
    places = [(str(n.id), n.name) for n in active_neighbourhoods()]
    return [*places, (EVERYWHERE, "Across the borough, in many neighbourhoods")]


def checker_form(step: str, saved: str | None) -> CheckerForm:
    """The form for one step, showing the answer given before (if any) on a GET."""
    question, hint, message = QUESTIONS[step]
    choices = _choices(step)
    form = CheckerForm(data={"answer": saved})
    form.answer.label.text = question
    form.answer.description = hint
    form.answer.choices = choices
    form.answer.validators = [
        required(message),
        AnyOf([value for value, _label in choices], message=message),
    ]
    return form
