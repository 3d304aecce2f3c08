"""Browser journeys: Playwright for Python driving Debian's Chromium against a real server.

The browser is never downloaded: it is /usr/bin/chromium (``make setup`` installs it with
apt-get). Every page a journey visits must load without a Content-Security-Policy
violation or a console error.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.server import ServerProcess

CHROMIUM = os.environ.get("COP_TEST_CHROMIUM", "/usr/bin/chromium")
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``cop serve`` on a free port, sharing the test database with the factories."""
    server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"],
                           tmp_path_factory.mktemp("live-instance"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make setup` "
                    "(it installs Debian's chromium with apt-get)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors and CSP violations seen while a journey ran."""


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=390)``: a fresh browser context (own cookies) and page."""
    contexts = []
    problems = PageProblems()

    def build(width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield build
    for context in contexts:
        context.close()
    assert not problems, f"console errors or CSP violations: {problems}"


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (from npm) in the page; return violations of the given impacts.

    Evaluated through the DevTools protocol, so the page's strict CSP stays in force.
    """
    if not AXE_PATH.exists():
        pytest.fail("axe-core is missing: run `npm ci`", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text())
    result = page.evaluate("async () => await window.axe.run(document)")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]
