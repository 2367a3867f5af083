"""Labels and helpers the application summary component needs, shared with every template,
because check your answers, the officer's page and the PDF all draw that one component."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_login import current_user

from grants.applications import access, sections
from grants.applications.models import (
    BENEFICIARY_GROUPS,
    BUDGET_CATEGORIES,
    SUPPORTING_DOCUMENTS,
    Application,
)
from grants.applications.states import ApplicationStatus, next_steps
from grants.formatting import split_paragraphs
from grants.funds.models import Question, QuestionKind

S = ApplicationStatus


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


def viewer_is_group(application: Application) -> bool:
    """Whether the person looking belongs to the applying group. Pages speak to the group as
    "you"; staff read the same facts about "the group", since it is not their application."""
    return current_user.is_authenticated and access.is_member_of_group(current_user, application)


def viewer_can_change(application: Application) -> bool:
    """Whether the person looking may take the group's actions (change, send, withdraw): the
    group's members, or the officer entering an assisted application. Nobody is offered an action
    they would then be refused."""
    return current_user.is_authenticated and access.can_enter_for_group(current_user, application)


def next_steps_for_viewer(application: Application) -> str:
    if viewer_is_group(application):
        return next_steps(application.status)
    return STAFF_NEXT_STEPS[application.status]


STAFF_NEXT_STEPS = {
    S.DRAFT: "The group is still writing this application. It has not been sent.",
    S.SUBMITTED: "Waiting for an officer to check it is eligible.",
    S.MORE_INFORMATION_REQUESTED: "Waiting for the group to send the information asked for.",
    S.ELIGIBLE: "Eligible. A community panel will score it after the round closes.",
    S.INELIGIBLE: "Found not eligible for this round. The group has been told why.",
    S.IN_PANEL_REVIEW: "A community panel is scoring this application.",
    S.FUNDED: "Funded. A grant offer goes to the group to accept.",
    S.FUNDED_WITH_CONDITIONS: "Funded with conditions. A grant offer goes to the group to accept.",
    S.RESERVE: "On the reserve list, in case money becomes available.",
    S.DECLINED: "Not funded this time. The panel's feedback goes to the group.",
    S.WITHDRAWN: "The group withdrew this application.",
}

# Two section titles speak to the group; staff read them in the third person.
STAFF_SECTION_TITLES = {
    "group": "About the group",
    "project": "The project",
    "outcomes": "How the group will know it worked",
}


def section_title(key: str, application: Application) -> str:
    if not viewer_is_group(application) and key in STAFF_SECTION_TITLES:
        return STAFF_SECTION_TITLES[key]
    return SECTION_TITLES[key]


SECTION_TITLES = {s.key: s.title for s in [*sections.SECTIONS, sections.DECLARATION]}

SUMMARY_GLOBALS = {
    "BENEFICIARY_GROUPS": BENEFICIARY_GROUPS,
    "BUDGET_CATEGORIES": BUDGET_CATEGORIES,
    "SUPPORTING_DOCUMENTS": SUPPORTING_DOCUMENTS,
    "application_section_titles": SECTION_TITLES,
    "application_section_title": section_title,
    "answer_text": answer_text,
    "paragraphs_of": split_paragraphs,
    "viewer_is_group": viewer_is_group,
    "viewer_can_change": viewer_can_change,
    "next_steps_for_viewer": next_steps_for_viewer,
}
