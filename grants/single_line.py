"""Single-line text (names, titles, addresses, phone numbers) never holds a line break.

A name is printed in lists, in letters, in CSV files and in email subjects. A carriage return or
line feed in it breaks each of those, and in an email header it stops the message being sent at
all. So every single-line answer refuses control characters on the way in (forms, and services
that take names from elsewhere), and anything that must still be made safe for one line (an email
subject written before this rule, say) is cleaned with :func:`single_line`.

"Control characters" are Unicode's Cc class (C0 including tab, DEL and C1, which includes U+0085
NEXT LINE) and the line and paragraph separators U+2028 and U+2029.
"""

from __future__ import annotations

import re

from grants.errors import InvalidInput

CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# A run of control characters and the spaces around them becomes one space.
_CONTROL_RUN = re.compile(f" *(?:[{CONTROL_CHARACTERS}] *)+")


def has_control_characters(value: str | None) -> bool:
    return bool(value) and _CONTROL.search(value) is not None


def single_line(value: str) -> str:
    """``value`` on one line: each run of control characters becomes a space, ends trimmed."""
    return _CONTROL_RUN.sub(" ", value).strip()


def problem(what: str, value: str | None) -> str | None:
    """The message for a single-line answer that holds a control character, or None."""
    if has_control_characters(value):
        return f"{what} must not contain line breaks, tabs or other control characters"
    return None


def check(**answers: tuple[str, str | None]) -> None:
    """Refuse, field by field, answers given as ``field=(what it is, value)``: the way services
    check single-line text that did not come through a form."""
    errors = {
        field: message
        for field, (what, value) in answers.items()
        if (message := problem(what, value)) is not None
    }
    if errors:
        raise InvalidInput(errors)
