"""Labels and helpers the application summary component needs, shared with every template,
because check your answers, the officer's page and the PDF all draw that one component."""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.applications import sections
from grants.applications.models import BENEFICIARY_GROUPS, BUDGET_CATEGORIES, SUPPORTING_DOCUMENTS
from grants.funds.models import Question, QuestionKind


def answer_text(question: Question, value: Any) -> str:
    """A custom question's answer in words. Files and recordings are listed by the summary."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if question.kind == QuestionKind.YES_NO:
        return {"yes": "Yes", "no": "No"}.get(value, str(value))
    if question.kind == QuestionKind.DATE:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{day.day} {day:%B %Y}"
    return str(value)


SUMMARY_GLOBALS = {
    "BENEFICIARY_GROUPS": BENEFICIARY_GROUPS,
    "BUDGET_CATEGORIES": BUDGET_CATEGORIES,
    "SUPPORTING_DOCUMENTS": SUPPORTING_DOCUMENTS,
    "application_section_titles": {
        s.key: s.title for s in [*sections.SECTIONS, sections.DECLARATION]
    },
    "answer_text": answer_text,
}
