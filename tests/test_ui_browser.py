"""The facilitator page in a real browser: Debian's Chromium driven by Playwright.

One server (``coopsim ui`` on a free port) for the module, started and stopped by the
tests; each test opens its own browser context (a separate session, as a new tab of
another person would be). Screenshots go to ``out/test-artifacts/ui/``.

Chromium: ``/usr/bin/chromium`` (``apt-get install chromium``; never ``playwright
install``), or the executable named by ``COOPSIM_CHROMIUM`` (``make test`` sets it from
its ``CHROMIUM``). Without it these tests are skipped on a workstation, saying what to
install, and fail in CI (``CI`` set, as ``.ci/run`` does), so that CI cannot pass without
running them.

Elements are found by the stable CSS classes the page gives them (``cs-step-button``,
``cs-week``, ``cs-a-mech-rex`` ...), not by their text, which depends on the language.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("COOPSIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "out" / "test-artifacts" / "ui"
WAIT = 15_000  # ms: the longest any single page element may take (a figure after a step)


def _need_chromium(missing_dependency: Callable[[str, str], NoReturn]) -> None:
    """Chromium and Playwright are there, or the tests skip (workstation) or fail (CI)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing_dependency(
            f"Chromium, which the browser tests drive, at {CHROMIUM} (COOPSIM_CHROMIUM)",
            "sudo apt-get install chromium, or point COOPSIM_CHROMIUM at a Chromium (never 'playwright install')",
        )
    if importlib.util.find_spec("playwright") is None:
        missing_dependency("Playwright, which drives Chromium", "make install-dev (pip install -e '.[dev]')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[Any], seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"coopsim ui exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"coopsim ui did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def server(missing_dependency: Callable[[str, str], NoReturn]) -> Iterator[str]:
    """``coopsim ui`` on a free port, for the whole module."""
    _need_chromium(missing_dependency)
    port = _free_port()
    env = {**os.environ, "COOPSIM_UI_WORKERS": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "coopsim", "ui", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the pool's workers stop with it
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, process)
        yield url
    finally:
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """One browser context and page on the server, with the console errors it logged."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.goto(url)
        self.network_image().wait_for()

    def network_image(self) -> Any:
        return self.page.locator(".cs-network img").first

    def week(self) -> int:
        text = self.page.locator(".cs-week").inner_text()
        return int(re.search(r"\d+", text).group())  # type: ignore[union-attr]

    def wait_week(self, predicate: str) -> None:
        """Wait until the week number satisfies ``predicate`` (a JS expression of ``w``)."""
        self.page.wait_for_function(
            f"(() => {{ const w = parseInt(document.querySelector('.cs-week').innerText.match(/\\d+/)[0]); return {predicate}; }})()"
        )

    def click(self, css: str) -> None:
        self.page.locator(css).first.click()

    def tab(self, name: str) -> None:
        self.click(f".cs-tab-{name}")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, server: str) -> Iterator[Tab]:
    t = Tab(browser, server)
    yield t
    t.close()


def test_page_loads_offline_without_console_errors(tab: Tab) -> None:
    tab.page.wait_for_timeout(1000)  # let late requests (scripts a component loads when mounted) happen
    tab.shot("01-page-fr")
    assert tab.week() == 0
    assert tab.page.locator(".cs-tab-network").inner_text().lower().startswith("réseau")
    assert tab.errors == [], tab.errors
    assert tab.failed == [], f"requests that failed (an asset missing offline?): {tab.failed}"


def test_step_play_pause(tab: Tab) -> None:
    tab.click(".cs-step-button")
    tab.wait_week("w === 1")
    tab.click(".cs-play-button")
    tab.wait_week("w >= 9")
    tab.click(".cs-pause-button")
    tab.page.locator(".cs-play-button").wait_for()
    paused_at = tab.week()
    time.sleep(1.0)
    assert tab.week() == paused_at, "the run went on after pause"
    tab.shot("02-after-play")
    assert tab.errors == [], tab.errors


def _run_to_end(tab: Tab) -> str:
    tab.click(".cs-end-button")
    tab.page.locator(".cs-finished").wait_for(timeout=60_000)
    return tab.page.locator(".cs-counts").inner_text() + tab.page.locator(".cs-events").inner_text()


def test_switching_a_mechanism_and_resetting_changes_the_run(tab: Tab) -> None:
    baseline = _run_to_end(tab)
    tab.click(".cs-a-mech-mediation")
    tab.page.locator(".cs-pending").wait_for()
    tab.click(".cs-reset-button")
    tab.wait_week("w === 0")
    assert tab.page.locator(".cs-pending").count() == 0
    without = _run_to_end(tab)
    tab.shot("03-without-mediation")
    assert without != baseline
    assert "Médiation réussie" not in without


def test_french_english_switch(tab: Tab) -> None:
    tab.click(".cs-lang-button")
    tab.page.wait_for_function("document.querySelector('.cs-week').innerText.startsWith('Week')")
    assert "NETWORK" in tab.page.locator(".cs-tab-network").inner_text().upper()
    assert "Step" in tab.page.locator(".cs-step-button").inner_text().title()
    tab.shot("04-page-en")
    tab.click(".cs-lang-button")
    tab.page.wait_for_function("document.querySelector('.cs-week').innerText.startsWith('Semaine')")
    assert "PAS" in tab.page.locator(".cs-step-button").inner_text().upper()


def test_comparison_shows_bands_and_differences(tab: Tab) -> None:
    tab.tab("compare")
    tab.page.locator(".cs-same-settings").wait_for()  # B starts as a copy of A
    tab.click(".cs-b-mech-rex")  # B: without REX
    tab.page.locator(".cs-same-settings").wait_for(state="detached")
    start = time.monotonic()
    tab.click(".cs-compare-button")
    try:
        tab.page.locator(".cs-differences table").wait_for(timeout=90_000)
    finally:
        tab.shot("05-comparison")
    seconds = time.monotonic() - start
    tab.page.locator(".cs-bands img").wait_for()
    rows = tab.page.locator(".cs-differences table tbody tr").count()
    assert rows >= 5
    assert "[" in tab.page.locator(".cs-differences").inner_text()
    assert "graines appariées" in tab.page.locator(".cs-sentences").inner_text()
    tab.shot("05-comparison")
    print(f"\n10-replication comparison in the browser: {seconds:.1f} s")
    assert tab.errors == [], tab.errors


def test_two_tabs_do_not_interfere(browser: Any, server: str) -> None:
    one, two = Tab(browser, server), Tab(browser, server)
    try:
        one.click(".cs-a-mech-rex")
        one.click(".cs-reset-button")
        for _ in range(3):
            one.click(".cs-step-button")
            one.page.wait_for_timeout(50)
        one.wait_week("w === 3")
        two.click(".cs-step-button")
        two.wait_week("w === 1")
        assert one.week() == 3 and two.week() == 1
        # REX is still on in the second tab, off in the first
        assert two.page.locator(".cs-a-mech-rex input").is_checked()
        assert not one.page.locator(".cs-a-mech-rex input").is_checked()
        one.tab("export")
        two.tab("export")
        assert "[rex]" in one.page.locator(".cs-toml-preview").inner_text()
        assert "[rex]" not in two.page.locator(".cs-toml-preview").inner_text()
        one.shot("06-tab-one")
        two.shot("06-tab-two")
    finally:
        one.close()
        two.close()


def test_export_downloads_a_scenario_coopsim_runs(tab: Tab, tmp_path: Path) -> None:
    tab.click(".cs-a-mech-rex")
    tab.click(".cs-reset-button")
    tab.wait_week("w === 0")
    tab.page.locator(".cs-pending").wait_for(state="detached")
    tab.tab("export")
    with tab.page.expect_download() as info:
        tab.click(".cs-dl-toml")
    path = tmp_path / "from-the-page.toml"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert 'extends = "tera.toml"' in text and "[rex]" in text
    tab.shot("07-export")
    done = subprocess.run(
        [sys.executable, "-m", "coopsim", "run", str(path), "--seed", "1", "--years", "1", "--no-report", "--quiet",
         "--out", str(tmp_path / "run")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "run" / "summary.json").exists()
