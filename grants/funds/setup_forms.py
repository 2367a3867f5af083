"""Forms for a round's scoring criteria and questions, and the small reorder/remove buttons."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from grants.forms import BaseForm, WholeNumberField
from grants.forms import required as answer_needed
from grants.funds.criteria import MAX_SCORE, MAX_WEIGHT, CriterionDetails, format_level_guidance
from grants.funds.models import Criterion, Question, QuestionKind
from grants.funds.questions import MAX_WORD_LIMIT, QuestionDetails, options_from_text
from grants.numbers import record_id

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: "Short text (a line)",
    QuestionKind.LONG_TEXT: "Long text, with a word limit",
    QuestionKind.NUMBER: "A whole number",
    QuestionKind.YES_NO: "Yes or no",
    QuestionKind.SINGLE_CHOICE: "One choice from a list",
    QuestionKind.MULTIPLE_CHOICE: "Any number of choices from a list",
    QuestionKind.DATE: "A date",
    QuestionKind.FILE: "A file upload",
}


class CriterionForm(BaseForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            answer_needed("Enter the criterion's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    max_score = WholeNumberField(
        "Maximum score",
        invalid_message=f"Maximum score must be a whole number from 1 to {MAX_SCORE}",
        widget=GovTextInput(),
        description="Panel members score from 0 up to this number.",
        validators=[
            answer_needed("Enter the maximum score"),
            NumberRange(
                1, MAX_SCORE, f"Maximum score must be a whole number from 1 to {MAX_SCORE}"
            ),
        ],
    )
    level_guidance = TextAreaField(
        "What each score means",
        widget=GovTextArea(),
        description="One line for every score from 0 to the maximum, like "
        "'0: No evidence' then '1: Some evidence'.",
        validators=[
            answer_needed("Enter what each score means"),
            Length(max=10_000, message="What each score means must be 10,000 characters or fewer"),
        ],
    )
    weight = WholeNumberField(
        "Weight",
        invalid_message=f"Weight must be a whole number from 1 to {MAX_WEIGHT}",
        widget=GovTextInput(),
        description="How much this criterion counts towards the total. A criterion with weight 2 "
        "counts twice as much as one with weight 1.",
        validators=[
            answer_needed("Enter the weight"),
            NumberRange(1, MAX_WEIGHT, f"Weight must be a whole number from 1 to {MAX_WEIGHT}"),
        ],
    )
    principle_id = SelectField(
        "Linked principle (optional)", widget=GovSelect(), choices=[], validate_choice=False
    )
    submit = SubmitField("Save criterion", widget=GovSubmitInput())

    def details(self) -> CriterionDetails:
        principle = self.principle_id.data or ""
        return CriterionDetails(
            name=self.name.data,
            level_guidance=self.level_guidance.data,
            weight=self.weight.data,
            max_score=self.max_score.data,
            principle_id=record_id(principle),
        )


def build_criterion_form(criterion: Criterion | None, principles) -> CriterionForm:
    data = {"max_score": 5, "weight": 1}
    if criterion is not None:
        data = {
            "name": criterion.name,
            "max_score": criterion.max_score,
            "level_guidance": format_level_guidance(criterion.level_guidance or {}),
            "weight": criterion.weight,
            "principle_id": str(criterion.principle_id or ""),
        }
    form = CriterionForm(data=data)
    form.principle_id.choices = [("", "Not linked to a principle")] + [
        (str(p.id), p.name) for p in principles
    ]
    return form


class QuestionForm(BaseForm):
    label = StringField(
        "Question",
        widget=GovTextInput(),
        validators=[
            answer_needed("Enter the question"),
            Length(max=300, message="Question must be 300 characters or fewer"),
        ],
    )
    hint = TextAreaField(
        "Hint text (optional)",
        widget=GovTextArea(),
        description="Shown under the question to help people answer it.",
        validators=[Length(max=1000, message="Hint must be 1,000 characters or fewer")],
    )
    kind = RadioField(
        "Type of answer",
        widget=GovRadioInput(),
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        validate_choice=False,
        validators=[
            answer_needed("Select the type of answer"),
            AnyOf([kind.value for kind in QuestionKind], message="Select the type of answer"),
        ],
    )
    word_limit = WholeNumberField(
        "Word limit",
        invalid_message=f"Word limit must be a whole number from 1 to {MAX_WORD_LIMIT:,}",
        widget=GovTextInput(),
        description="For long text answers only.",
        validators=[Optional()],
    )
    options = TextAreaField(
        "Choices",
        widget=GovTextArea(),
        description="For a choice from a list only. Put each choice on its own line.",
        validators=[Length(max=10_000, message="Choices must be 10,000 characters or fewer")],
    )
    required = RadioField(
        "Must groups answer this question?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No, it is optional")],
        validate_choice=False,
        validators=[
            answer_needed("Select whether groups must answer this question"),
            AnyOf(["yes", "no"], message="Select whether groups must answer this question"),
        ],
    )
    submit = SubmitField("Save question", widget=GovSubmitInput())

    def details(self) -> QuestionDetails:
        return QuestionDetails(
            label=self.label.data,
            kind=self.kind.data,
            hint=self.hint.data or "",
            required=self.required.data == "yes",
            word_limit=self.word_limit.data,
            options=options_from_text(self.options.data),
        )


def build_question_form(question: Question | None) -> QuestionForm:
    data = {"required": "yes"}
    if question is not None:
        data = {
            "label": question.label,
            "hint": question.hint,
            "kind": question.kind.value,
            "word_limit": question.word_limit,
            "options": "\n".join(question.options or []),
            "required": "yes" if question.required else "no",
        }
    return QuestionForm(data=data)


class MoveForm(BaseForm):
    """A reorder button: its value says which way."""

    direction = RadioField(
        "Direction",
        choices=[("up", "Up"), ("down", "Down")],
        validate_choice=False,
        validators=[AnyOf(["up", "down"], message="Choose up or down")],
    )
