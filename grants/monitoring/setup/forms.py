"""Forms for a report template's questions: the round's question form, without file uploads
(a report's photos and recording have sections of their own)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import HiddenField, RadioField
from wtforms.validators import AnyOf

from grants.forms import required as answer_needed
from grants.funds.setup_forms import KIND_LABELS, MoveForm, QuestionForm
from grants.monitoring.setup.templates import REPORT_KINDS
from grants.numbers import whole_number

__all__ = ["ReportMoveForm", "ReportQuestionForm", "build_report_question_form"]


class ReportQuestionForm(QuestionForm):
    kind = RadioField(
        "Type of answer",
        widget=GovRadioInput(),
        choices=[(kind.value, KIND_LABELS[kind]) for kind in REPORT_KINDS],
        validate_choice=False,
        validators=[
            answer_needed("Select the type of answer"),
            AnyOf([kind.value for kind in REPORT_KINDS], message="Select the type of answer"),
        ],
    )


def build_report_question_form(question: dict[str, Any] | None) -> ReportQuestionForm:
    data: dict[str, Any] = {"required": "no"}
    if question is not None:
        data = {
            "label": question.get("label"),
            "hint": question.get("hint"),
            "kind": question.get("kind"),
            "word_limit": question.get("word_limit"),
            "options": "\n".join(question.get("options") or []),
            "required": "yes" if question.get("required") else "no",
        }
    return ReportQuestionForm(data=data)


class ReportMoveForm(MoveForm):
    """A reorder button, with the version the officer was looking at: a second click (or a
    colleague's change in between) then moves nothing."""

    version = HiddenField()

    def seen(self) -> int | None:
        return whole_number(self.version.data)
