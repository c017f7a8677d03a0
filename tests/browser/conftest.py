"""Browser tests: Playwright drives Debian's Chromium headless against a live server.

`playwright install` cannot download browsers on the build machines, so the tests
launch the Chromium that `make test-browser` installs from apt (env CHROMIUM,
default /usr/bin/chromium). Elements are found only by their accessible names from
helpers' UI contract (get_by_role / get_by_label), as a screen reader would.

Journeys that do not test sign-up log in by copying a ``force_login`` session cookie
into the browser context. Every page a test opens is watched: a server error, a
static asset that fails to load, a JavaScript exception or a console error (a CSP
violation) fails the test. A failing test's pages are saved under
$ARTIFACTS/screenshots/failures/.
"""

import os
import shutil
import socket
from contextlib import suppress

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.tasks_page import DESKTOP, SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]
# Our assigned port range; the first free port in it is used.
PORTS = range(18400, 18500)
TIMEOUT_MS = 10_000


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock, suppress(OSError):
            sock.bind(("127.0.0.1", port))
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, on 127.0.0.1 in our port range, serving static files.

    With DEBUG off the settings use whitenoise's manifest storage, which needs
    collectstatic; here static files are served from the apps' folders instead
    (the live server's StaticFilesHandler), so the pages load the real CSS and JS.
    Whitenoise's autorefresh mode does not warn about the missing STATIC_ROOT.
    """
    storage = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
    )
    storage.enable()
    server = LiveServer(f"127.0.0.1:{_free_port()}")
    yield server
    server.stop()
    storage.disable()


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread, which makes Django
    # refuse ORM calls from the test body; they are plain synchronous calls here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    shutil.rmtree(SCREENSHOTS / "failures", ignore_errors=True)  # from an earlier run
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


class Pages:
    """Opens watched pages in fresh browser contexts for one test."""

    def __init__(self, browser, live_server, request):
        self.browser = browser
        self.url = live_server.url
        self.request = request
        self.contexts = []
        self.problems = []

    def open(self, *, user=None, path="/", viewport=DESKTOP, **context_options):
        """A new page in its own context (cookies, storage), logged in as ``user``."""
        context_options.setdefault("locale", "en-US")
        context = self.browser.new_context(base_url=self.url, viewport=viewport, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie(user, self.url)])
        page = context.new_page()
        self._watch(page)
        if path is not None:
            page.goto(path)
        return page

    def _watch(self, page):
        """Record what a user would not see but should not happen: server errors,
        assets that fail to load, script errors and CSP violations."""

        def on_response(response):
            path = response.url.removeprefix(self.url)
            if response.status >= 500 or (response.status >= 400 and path.startswith("/static/")):
                self.problems.append(f"{response.status} for {response.url}")

        def on_console(message):
            # Chromium logs every 4xx as "Failed to load resource"; the app answers
            # 422 on purpose (a form with errors), so statuses are judged above.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                self.problems.append(f"console error on {page.url}: {message.text}")

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def allow_problems(self, *fragments: str) -> None:
        """Forget the problems a test caused on purpose (a request it made fail):
        htmx logs a failed request as a console error."""
        self.problems[:] = [p for p in self.problems if not any(f in p for f in fragments)]

    def close(self):
        if getattr(self.request.node, "browser_test_failed", False):
            self._save_failure_screenshots()
        for context in self.contexts:
            context.close()

    def _save_failure_screenshots(self):
        folder = SCREENSHOTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(self.contexts):
            for m, page in enumerate(context.pages):
                with suppress(Exception):
                    page.screenshot(path=folder / f"{self.request.node.name}-{n}-{m}.png")


@pytest.fixture
def pages(browser, live_server, request):
    pages = Pages(browser, live_server, request)
    yield pages
    pages.close()
    assert not pages.problems, "\n".join(pages.problems)


def session_cookie(user, url: str) -> dict:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": url}
