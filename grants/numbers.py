"""Reading whole numbers from text people (or attackers) send.

str.isdigit() is true for characters such as '²' that int() refuses, so every place that turns
request text into a number goes through here instead.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
# The largest value a database id (a signed 64-bit integer) can hold. Anything larger overflows
# the database driver rather than simply finding nothing, so it is refused here.
LARGEST_ID = 2**63 - 1
# An id no row has (ids start at 1, and it is truthy): what a route passes on for a field that
# named something unreadable, so the service refuses it exactly as it refuses a missing row.
NO_SUCH_ID = -1


def whole_number(text: object, *, max_digits: int = 9, allow_negative: bool = False) -> int | None:
    """The number written in ``text`` using ASCII digits only, or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    negative = allow_negative and text.startswith("-")
    digits = text[1:] if negative else text
    if len(digits) > max_digits or not _DIGITS.fullmatch(digits):
        return None
    number = int(digits)
    if number > LARGEST_ID:
        return None
    return -number if negative else number


def record_id(text: object) -> int | None:
    """The id of a row named in a form field or query string ("12"), or None when the text
    cannot be one: not ASCII digits ('²', '-1', 'abc', ''), or beyond the 64-bit range the
    database holds. None means "no such record": callers answer 404 or a form error."""
    number = whole_number(text, max_digits=19)
    return number if number is not None and number > 0 else None
