"""Browser tests: a real Chromium (Debian's package) driven by Playwright against a live server.

They skip with a clear message where Chromium is missing locally, and fail in CI (CI=true), where
.ci/run installs it. Never a browser download. Screenshots of each main page are saved under
test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Playwright's sync API runs an event loop in this thread; the test's own database calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FORDELA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE = (ROOT / "tests" / "web" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (browser tests)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture
def site(transactional_db, live_server, demo):
    from fordela.accounts.services import demo_accounts_create
    from fordela.cycle.services import cycle_import

    cycle_import(data=demo)
    demo_accounts_create()
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every page must live within the Content-Security-Policy: the browser reports each blocked
    # script, style or eval on the console.
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(f"{m.text} at {m.location}") if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert refused == [], "\n".join(refused)


def login(page, site: str, username: str) -> None:
    from fordela.accounts.services import DEMO_PASSWORD

    page.goto(f"{site}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def check_axe(page) -> None:
    """axe-core (WCAG 2.1 A/AA rules) must find zero violations on the page as it is now."""
    page.evaluate(AXE)  # not a <script> tag: the page's CSP rightly refuses inline scripts
    result = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}:\n{json.dumps(violations, indent=2, ensure_ascii=False)}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
