"""Each round's report templates: which version a new report starts on.

A round has one template per kind of report. Small grants owe only a final report and larger
ones an interim report too (the round's award terms decide, ``awards.schedule``); each kind's
template starts from the default below the first time it is needed. Versions are never changed:
an officer's edit writes the next one, and a report keeps the version it was started on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from grants.awards.models import ReportKind
from grants.extensions import db
from grants.monitoring.models import ReportTemplate, ReportTemplateVersion

# The questions every new template starts with, beyond the report's standard sections.
DEFAULT_QUESTIONS: dict[ReportKind, list[dict[str, Any]]] = {
    ReportKind.INTERIM: [],
    ReportKind.FINAL: [
        {
            "key": "next",
            "kind": "long_text",
            "label": "What will your group do now the project has finished?",
            "hint": "For example, carry on with other funding, or hand over to another group.",
            "required": False,
            "word_limit": 300,
            "options": [],
        }
    ],
}


def template_for(round_id: int, kind: ReportKind) -> ReportTemplate:
    """The round's template for this kind of report, made from the default if it has none."""
    template = db.session.scalar(
        select(ReportTemplate).where(
            ReportTemplate.round_id == round_id, ReportTemplate.kind == kind
        )
    )
    if template is None:
        template = ReportTemplate(round_id=round_id, kind=kind)
        template.versions.append(
            ReportTemplateVersion(number=1, questions=[dict(q) for q in DEFAULT_QUESTIONS[kind]])
        )
        db.session.add(template)
        db.session.flush()
    return template


def version_for(round_id: int, kind: ReportKind) -> ReportTemplateVersion:
    """The version a report started now begins on: the template's latest."""
    return template_for(round_id, kind).current
