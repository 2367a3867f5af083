"""URL rules shared by every blueprint.

An id in a URL is a database id: a 64-bit integer at most. Werkzeug's ``int`` converter accepts
any number of digits, and a number too big for the database column made the query itself fail
(a 500 from ``/applications/99999999999999999999``). Replacing the ``int`` converter, before any
route is added, makes every such URL simply not match: the ordinary 404 page.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
