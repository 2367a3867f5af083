"""Error pages, the health check's database probe and per-request template context."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

ERROR_PAGES = {
    400: ("Sorry, there is a problem with your request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with your request", "errors/400.html"),
    413: ("The file or form you sent is too large", "errors/413.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/csrf.html", title="Your form could not be sent"), 400

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
