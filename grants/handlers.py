"""Error pages, and the one place domain errors become responses.

Services raise ``NotFound`` (the object does not exist, or this person may not know it does) and
``NotAllowed`` (they know it exists but may not do this). Routes let both through: the handlers
below answer with the 404 and 403 pages, and the request boundary rolls the transaction back
because the response is an error. Other domain errors belong to a form and stay in the route
(``grants.errors.add_to_form``).
"""

from __future__ import annotations

from flask import Flask, Response, abort, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from grants.errors import NotAllowed, NotFound

ERROR_PAGES = {
    400: ("Sorry, there is a problem with your request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with your request", "errors/400.html"),
    413: ("The file or form you sent is too large", "errors/413.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
}


def reject_nul_bytes():
    """No person types a NUL character; PostgreSQL cannot store one. Refuse such requests early
    with the ordinary bad-request page, instead of failing deep inside a query."""
    values = [request.path, *request.args.keys()]
    values.extend(value for _key, value in request.args.items(multi=True))
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values.extend(value for _key, value in request.form.items(multi=True))
        values.extend(request.form.keys())
        values.extend(upload.filename or "" for upload in request.files.values())
    if any("\x00" in value for value in values):
        abort(400)


def keep_private_pages_out_of_caches(response: Response) -> Response:
    """A signed-in page or download is for one person: no shared computer's browser cache or
    proxy may keep it (a library PC's next user pressing Back must not see it). The public
    assets stay cacheable."""
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def register(app: Flask) -> None:
    app.before_request(reject_nul_bytes)
    app.after_request(keep_private_pages_out_of_caches)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/csrf.html", title="Your form could not be sent"), 400

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        return _error_page(404)

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed):
        return _error_page(403, message=error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in ERROR_PAGES:
            return error
        title, template = ERROR_PAGES[code]
        return render_template(template, title=title, error=error), code

    @app.errorhandler(500)
    def server_error(error):
        title, template = ERROR_PAGES[500]
        return render_template(template, title=title), 500


def _error_page(code: int, **context):
    title, template = ERROR_PAGES[code]
    return render_template(template, title=title, **context), code
