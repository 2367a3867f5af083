"""Browser fixtures: the app served on a real port, driven by Debian's Chromium through Playwright.

The server runs in a thread of this process and shares the test database, so a test makes its
data with the factories and then looks at it through the browser. Without Chromium the browser
tests skip on a developer's machine but fail under CI, so CI cannot go green without running them.
"""

from __future__ import annotations

import contextvars
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from werkzeug.serving import make_server

from grants import transaction
from grants.accounts.models import User
from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = "Chromium not installed: apt-get install chromium to run browser tests"
# Short enough that a broken page fails the test in seconds rather than hanging the suite; long
# enough for a page that draws a PDF (accepting a grant) on a busy two-core machine.
TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    """CHROMIUM_PATH when it names a program, else the `chromium` on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return shutil.which(configured)
    return shutil.which("chromium")


def _read_whole(app):
    """Hand the server each response whole, its file closed.

    When a page moves on before a script has downloaded, the development server drops the
    connection without closing the file it was streaming; the file is then closed by the garbage
    collector with a ResourceWarning, which fails whichever test happens to be running.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app on 127.0.0.1 at a port the OS picks, so parallel runs never collide."""
    server_log = logging.getLogger("werkzeug")
    # With a handler of its own, werkzeug leaves stderr alone and its request and error lines
    # reach pytest's log capture, which shows them beside a failing test.
    quiet = logging.NullHandler()
    server_log.addHandler(quiet)
    server = make_server("127.0.0.1", 0, _read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        server_log.removeHandler(quiet)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(MISSING_CHROMIUM)
        pytest.skip(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _csrf_protection_on(app) -> Iterator[None]:
    """Browser tests post real forms with CSRF checks on, as production does.

    The rest of the suite turns CSRF off for the test client; here the setting is switched on
    only while a browser test runs, so a form that forgets its token fails a journey.
    """
    previous = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = previous


def _commit_the_set_up_first(context: BrowserContext) -> None:
    """What the test made with the factories is committed before each request leaves the
    browser, as earlier requests would have committed it, so the server's thread can see it.

    Playwright calls route handlers outside the test's context variables, so the handler runs
    the commit inside a copy of them: the test's app context and its database session.
    """
    test_context = contextvars.copy_context()

    def commit_then_continue(route: Route) -> None:
        test_context.run(transaction.commit)
        route.continue_()

    context.route("**/*", commit_then_continue)


def _open_page(browser: Browser, base_url: str, **context_options) -> Iterator[Page]:
    """A page in a context of its own, so no cookies or storage pass from one test to the next."""
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    _commit_the_set_up_first(context)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    yield from _open_page(browser, live_server)


@pytest.fixture
def js_disabled_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """Every page must work without JavaScript: it fails to load for many people, often."""
    yield from _open_page(browser, live_server, java_script_enabled=False)


def sign_in_through_form(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in as a person does, so the session cookie is the one the real form sets."""
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out", exact=True).wait_for()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """`sign_in(page, user)`: the sign-in helper, as a fixture so test modules need no imports."""
    return sign_in_through_form
