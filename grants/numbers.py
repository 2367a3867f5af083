"""Reading whole numbers from text people (or attackers) send.

str.isdigit() is true for characters such as '²' that int() refuses, so every place that turns
request text into a number goes through here instead.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: object, *, max_digits: int = 9, allow_negative: bool = False) -> int | None:
    """The number written in ``text`` using ASCII digits only, or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    negative = allow_negative and text.startswith("-")
    digits = text[1:] if negative else text
    if len(digits) > max_digits or not _DIGITS.fullmatch(digits):
        return None
    return -int(digits) if negative else int(digits)
