"""Browser fixtures: Debian's Chromium (installed with apt when missing) driven by Playwright's sync API.

Playwright's browser downloads do not work here, so `playwright install` is never called; the tests
launch /usr/bin/chromium instead. Screenshots go to tests/browser/artifacts/ (gitignored)."""

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio loop on the test thread, so Django would refuse ORM calls
# made there (fixtures creating data, the transactional flush) with SynchronousOnlyOperation.
# This is Django's documented switch for exactly this case; it only relaxes that check.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str) -> None:
    """On CI a missing browser is a failure; on a workstation the browser tests are skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _apt_get(*args: str) -> None:
    command = ["apt-get", *args]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"Chromium is not installed and `{' '.join(command)}` could not run: {exc}")
        return
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        _unavailable(f"Chromium is not installed and `{' '.join(command)}` failed (exit {result.returncode}):\n{tail}")


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """/usr/bin/chromium, installed from Debian's archive the first time it is needed."""
    if not CHROMIUM.exists():
        _apt_get("update")
        _apt_get("install", "-y", "chromium")
        if not CHROMIUM.exists():
            _unavailable(f"`apt-get install -y chromium` succeeded but {CHROMIUM} does not exist.")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_executable: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    for stale in ARTIFACTS.glob("FAILED-*.png"):  # screenshots of an earlier run's failures
        stale.unlink()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_executable), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class Browsing:
    """Opens pages in fresh browser contexts (one per visitor) and notes anything that went wrong:
    JavaScript errors, console errors and failed requests."""

    browser: Any
    base_url: str
    contexts: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def new_page(self, viewport: dict[str, int] | None = None) -> Any:
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport or DESKTOP)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"JavaScript error on {page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console {msg.type} on {page.url}: {msg.text}") if msg.type == "error" else None
            ),
        )
        page.on(
            "requestfailed",
            # ERR_ABORTED is the browser cancelling a request because the page navigated away: not a fault.
            lambda req: (
                self.problems.append(f"request failed: {req.url} ({req.failure})")
                if req.failure != "net::ERR_ABORTED"
                else None
            ),
        )
        page.on(
            "response",
            lambda resp: self.problems.append(f"HTTP {resp.status} for {resp.url}") if resp.status >= 400 else None,
        )
        return page

    def screenshot(self, page: Any, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def browsing(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Browsing]:
    session = Browsing(browser=browser, base_url=live_server.url)
    yield session
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name)
        for n, context in enumerate(session.contexts):
            for m, page in enumerate(context.pages):
                # Best effort: a failing screenshot must not hide the real failure.
                with contextlib.suppress(Exception):
                    session.screenshot(page, f"FAILED-{slug}-{n}-{m}")
    for context in session.contexts:
        context.close()
