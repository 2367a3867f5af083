"""URL rules shared by every blueprint.

An id in a URL is a database id: a 64-bit integer at most. Werkzeug's ``int`` converter accepts
any number of digits, and a number too big for the database column made the query itself fail
(a 500 from ``/applications/99999999999999999999``). Replacing the ``int`` converter, before any
route is added, makes every such URL simply not match: the ordinary 404 page.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, has_request_context, request
from flask.globals import request_ctx
from werkzeug.routing import BuildError, IntegerConverter, MapAdapter

LARGEST_ID = 2**63 - 1
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as Flask quotes an anchor


class Application(Flask):
    """Flask, except that every absolute URL starts with the configured ``BASE_URL``.

    Flask builds ``url_for(..., _external=True)`` from the request's ``Host`` (or, behind the
    proxy, ``X-Forwarded-Host``) header, which whoever sends the request chooses: a password reset
    asked for with a forged host emailed a working link to the forger's site. Here no absolute
    URL, in any email from any domain, can come from the request. Outside a request (a CLI
    command or job) URLs build from ``BASE_URL`` too, with no ``SERVER_NAME`` needed.
    """

    def public_url_adapter(self) -> MapAdapter:
        base = urlsplit(self.config["BASE_URL"])
        return self.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)

    def create_url_adapter(self, request):
        if request is None:
            return self.public_url_adapter()
        return super().create_url_adapter(request)

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        in_request = has_request_context()
        if _external is None:
            _external = _scheme is not None or not in_request
        # A request refused for an untrusted host has no URL adapter; its error page still links.
        host_refused = in_request and request_ctx.url_adapter is None
        if not _external and not host_refused:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        if endpoint[:1] == "." and in_request:
            endpoint = f"{request.blueprint}{endpoint}" if request.blueprint else endpoint[1:]
        self.inject_url_defaults(endpoint, values)
        try:
            url = self.public_url_adapter().build(
                endpoint, values, method=_method, url_scheme=_scheme, force_external=_external
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            url = f"{url}#{quote(_anchor, safe=ANCHOR_SAFE)}"
        return url


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    A ``next`` parameter comes from whoever wrote the link, so it may only lead somewhere here:
    never ``https://elsewhere``, ``//elsewhere``, ``/\\elsewhere`` or ``/<tab>/elsewhere`` (browsers
    read the last three as another host too, as they drop tabs and line breaks).
    """
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if target.startswith("//") or any(char.isspace() or ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
