"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never a downloaded
build) against the live test server. Every page visited is checked with axe-core and must not
load anything from another host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures make are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield browser
    browser.close()


class Visit:
    """A browser tab that remembers every request, so a test can prove no page reached
    another host, and checks each page it lands on with axe-core."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.broken_assets: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._on_console)
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        # A page answered 404 or 429 on purpose logs "Failed to load resource"; a broken asset
        # is caught by _on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _on_response(self, response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.broken_assets.append(f"{response.status} {response.url}")

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self) -> None:
        """axe-core on the current page: no serious or critical violation."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(AXE_JS)
        result: dict[str, Any] = self.page.evaluate(
            "() => axe.run(document, {resultTypes: ['violations']})"
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert bad == [], f"accessibility violations on {self.page.url}: {bad}"

    def assert_stayed_home(self) -> None:
        foreign = [
            url for url in self.requests if not url.startswith((self.base_url, "data:", "about:"))
        ]
        assert foreign == [], f"requests left the server: {foreign}"

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def login(self, username: str, password: str) -> None:
        self.goto("/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_load_state("load")


def _visit(browser: Browser, live_server: Any, viewport: dict[str, int]) -> Iterator[Visit]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]  # ViewportSize is a TypedDict
    page = context.new_page()
    visit = Visit(page, live_server.url)
    yield visit
    visit.assert_stayed_home()
    assert visit.console_errors == [], visit.console_errors
    assert visit.broken_assets == [], visit.broken_assets
    context.close()


@pytest.fixture
def desk(browser: Browser, live_server: Any) -> Iterator[Visit]:
    yield from _visit(browser, live_server, DESK)


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[Visit]:
    yield from _visit(browser, live_server, PHONE)
