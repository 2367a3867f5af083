"""Panel members' forms (and officers' forms acting for them): shape only. The rules (what must be
described, what may be n/a, what a score may be) live in declarations.py and scoring.py."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import RadioField, SelectField, SubmitField, TextAreaField

from grants.forms import BaseForm, required
from grants.panels.declarations import DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH
from grants.panels.models import INTEREST_LABELS
from grants.panels.scoring import Entry, ScoreValues

NOT_APPLICABLE = "na"


class DeclarationForm(BaseForm):
    kind = RadioField(
        "Do you have a conflict of interest in this application?",
        widget=GovRadioInput(),
        choices=[(kind.value, label) for kind, label in INTEREST_LABELS.items()],
        validate_choice=False,  # the service explains a crafted value
    )
    description = TextAreaField(
        "If you have an interest, describe it",
        widget=GovTextArea(),
        description=f"For example, how you know the group. Up to {DESCRIPTION_MAX_LENGTH} characters.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class MemberDeclarationForm(DeclarationForm):
    """An officer records a declaration for a member: whose, and for which application."""

    member = SelectField("Panel member", widget=GovSelect(), validate_choice=False)
    application = SelectField("Application", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Record declaration", widget=GovSubmitInput())


class ReasonForm(BaseForm):
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[required("Enter a reason")],
        description=f"Up to {REASON_MAX_LENGTH} characters.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def scoring_form(criteria, sheet=None) -> BaseForm:
    """A score (radios showing each level's descriptor) and a comment for each criterion. N/a is
    offered only on optional criteria."""

    class ScoringForm(BaseForm):
        save_draft = SubmitField("Save draft", widget=GovSubmitInput())
        submit = SubmitField("Submit scores", widget=GovSubmitInput())

    for criterion in criteria:
        choices = [
            (str(level), f"{level}: {criterion.level_guidance.get(str(level)) or ''}".rstrip(": "))
            for level in range(criterion.max_score + 1)
        ]
        if criterion.optional:
            choices.append((NOT_APPLICABLE, "Not applicable to this application"))
        setattr(
            ScoringForm,
            f"score-{criterion.id}",
            RadioField(
                criterion.name, widget=GovRadioInput(), choices=choices, validate_choice=False
            ),
        )
        setattr(
            ScoringForm,
            f"comment-{criterion.id}",
            TextAreaField(f"Comment on ‘{criterion.name}’", widget=GovTextArea()),
        )
    data = {}
    if sheet is not None:
        for score in sheet.scores:
            value = NOT_APPLICABLE if score.not_applicable else score.score
            data[f"score-{score.criterion_id}"] = None if value is None else str(value)
            data[f"comment-{score.criterion_id}"] = score.comment
    return ScoringForm(data=data)  # a POST's own form data wins over the saved draft


def values_from(form, criteria) -> ScoreValues:
    values = ScoreValues()
    for criterion in criteria:
        raw = form[f"score-{criterion.id}"].data
        values.entries[criterion.id] = Entry(
            score=None if raw == NOT_APPLICABLE else raw,
            not_applicable=raw == NOT_APPLICABLE,
            comment=form[f"comment-{criterion.id}"].data,
        )
    return values
