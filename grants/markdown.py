"""Officer-written Markdown (round guidance, fund descriptions), rendered safely in GOV.UK style.

Markdown allows raw HTML, so the rendered output is cleaned with an allow-list: anything not on it
(scripts, event handlers, javascript: links, images, classes someone typed) is dropped. The GOV.UK
classes are added after cleaning, so they are the only classes that reach the page. Headings start
at h2 because the page already has its one h1.
"""

from __future__ import annotations

import markdown as markdown_library
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
GOVUK_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
}
_DEMOTED = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}


class _HeadingLevels(Treeprocessor):
    """'# Title' becomes an h2: a page has one h1, and guidance sits below it."""

    def run(self, root):
        for element in root.iter():
            if element.tag in _DEMOTED:
                element.tag = _DEMOTED[element.tag]
        return None


class _HeadingLevelsExtension(Extension):
    def extendMarkdown(self, md):  # the Markdown library's name for this hook
        md.treeprocessors.register(_HeadingLevels(md), "grants_heading_levels", 5)


def render_markdown(text: str | None) -> Markup:
    """Markdown -> clean HTML with GOV.UK classes, safe to put in a page as it is."""
    if not text:
        return Markup("")
    html = markdown_library.markdown(text, extensions=[_HeadingLevelsExtension()])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        set_tag_attribute_values={tag: {"class": value} for tag, value in GOVUK_CLASSES.items()},
    )
    return Markup(cleaned)
