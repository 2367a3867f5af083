"""Matching part of a column's text against what someone typed into a search box.

What they type is text, never a pattern: ``%`` and ``_`` are escaped so "50%" finds "50%" rather
than everything starting with "50", and case is ignored as people expect.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

ESCAPE = "\\"


def contains_text(column, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` anywhere, ignoring case, with no wildcards."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return column.ilike(f"%{escaped}%", escape=ESCAPE)
