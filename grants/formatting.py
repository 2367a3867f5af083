"""Template filters and globals: money, dates and the service's own names."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask, current_app
from markupsafe import Markup

from grants.clock import LONDON
from grants.markdown import render_markdown
from grants.money import format_pence
from grants.permissions import Permission


def local_datetime(moment: datetime | None) -> str:
    """'21 November 2026 at 3:05pm', in UK time whatever the server's clock."""
    if moment is None:
        return ""
    from grants.clock import as_aware

    local = as_aware(moment).astimezone(LONDON)
    time = local.strftime("%I:%M%p").lstrip("0").lower()
    return f"{local.day} {local:%B %Y} at {time}"


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    """'1 application', '3 applications'; irregular words give their plural: '2 criteria'."""
    word = singular if count == 1 else (plural or f"{singular}s")
    return f"{count:,} {word}"


def with_article(noun: str) -> str:
    """'an admin', 'a programme officer': the article a reader expects, by the sound of the first
    letter (good enough for the service's own words, which have no silent h or 'you' sounds)."""
    article = "an" if noun[:1].lower() in "aeiou" and noun else "a"
    return f"{article} {noun}"


def split_paragraphs(text: str | None) -> list[list[str]]:
    """Typed text as its paragraphs (split at blank lines), each a list of its lines."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in blocks
        if block.strip()
    ]


def paragraphs(text: str | None, classes: str = "govuk-body") -> Markup:
    """Text as people typed it, on screen and in PDFs: a blank line starts a new paragraph and a
    single line break stays a line break. Everything typed is escaped."""
    opening = Markup('<p class="{}">').format(classes) if classes else Markup("<p>")
    return Markup("").join(
        opening + Markup("<br>").join(lines) + Markup("</p>") for lines in split_paragraphs(text)
    )


def one_decimal(value: float | None) -> Markup:
    """A score or statistic to one decimal place ("64.0"); a dash when there is none yet. Only
    digits, so it is marked safe: long tables of figures skip escaping each one."""
    return Markup("–" if value is None else f"{value:.1f}")


def long_date(day: date | None) -> str:
    """A date as people write it: "1 January 2027"; nothing when there is none."""
    return f"{day.day} {day:%B %Y}" if day else ""


def blank_if_none(value):
    """Jinja's finalize hook: a missing value prints as nothing, never as the word "None"."""
    return "" if value is None else value


def register(app: Flask) -> None:
    app.jinja_env.finalize = blank_if_none
    app.add_template_filter(format_pence, "money")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(pluralise, "pluralise")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(one_decimal, "one_decimal")
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(with_article, "with_article")
    app.add_template_filter(render_markdown, "markdown")
    app.jinja_env.globals["Permission"] = Permission

    @app.context_processor
    def service_names():
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "council_name": current_app.config["COUNCIL_NAME"],
        }
