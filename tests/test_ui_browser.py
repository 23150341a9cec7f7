"""The facilitator page in a real browser: Debian's Chromium driven by Playwright.

One server (``coopsim ui`` on a free port) for the module, started and stopped by the
tests; each test opens its own browser context (a separate session, as a new tab of
another person would be), at 1280×720, a common projector size. Screenshots go to
``out/test-artifacts/ui/`` (ignored by git), one per tab at 1280×720 among them
(``tab-*.png``).

Chromium: ``/usr/bin/chromium`` (``apt-get install chromium``; never ``playwright
install``), or the executable named by ``COOPSIM_CHROMIUM`` (``make test`` sets it from
its ``CHROMIUM``). Without it these tests are skipped on a workstation, saying what to
install, and fail in CI (``CI`` set, as ``.ci/run`` does), so that CI cannot pass without
running them.

Elements are found by the stable CSS classes the page gives them (``cs-step-button``,
``cs-week``, ``cs-a-mech-rex`` ...), not by their text, which depends on the language.

Every wait is on a condition with an explicit timeout (an element shown, a week reached, a
text changed), never a fixed delay, so the tests pass on a busy machine; the one check
that something does *not* happen (the week after a pause) watches for a change during a
bounded window. A hostile client is played by setting a widget's value from the page's
JavaScript (``solara.debug.widgetManager()``), as a crafted websocket message would.
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
from ui_words import english_in

try:
    from playwright.sync_api import expect
except ImportError:  # the tests then skip (or fail in CI) through missing_dependency
    expect = None  # type: ignore[assignment]

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
VIEWPORT = {"width": 1280, "height": 720}
WAIT = 15_000  # ms: the longest any single page element may take (a figure after a step)
RUN_WAIT = 120_000  # ms: a whole run or a comparison, on a loaded machine
#: seconds from a click on Pause to the page showing Play again (and the week held), on a busy machine
PAUSE_SECONDS = 1.5
#: visible words that mean the page broke
BROKEN = ("Traceback", "Too many renders", "Could not restore session", "RuntimeError")
#: in the page: send a value for the widget that has CSS class ``cls`` as a crafted
#: websocket message (the server receives it as it would a click's)
CRAFT = """async ([cls, value]) => {
  const manager = solara.debug.widgetManager();
  for (const promise of Object.values(manager._models)) {
    const model = await promise;
    const classes = model.get("class_");
    if (typeof classes === "string" && classes.split(" ").includes(cls)) {
      // straight onto the websocket: the widget in the page never sees it (a slider would clamp it)
      model.comm.send({method: "update", state: {v_model: value}, buffer_paths: []});
      return true;
    }
  }
  return false;
}"""
if expect is not None:
    expect.set_options(timeout=WAIT)

#: in the page: keep every refusal message that appears (a slider that receives the echo of
#: a crafted value clamps it and sends the clamped one, which is taken, so a refusal may
#: not stay on screen long)
WATCH_REFUSALS = """() => {
  window.csRefusals = [];
  const seen = () => document.querySelectorAll('.cs-refused').forEach(
    (e) => { if (!window.csRefusals.includes(e.innerText)) window.csRefusals.push(e.innerText); });
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

#: server process id by URL (the pool test kills one of its worker processes)
SERVER_PIDS: dict[str, int] = {}


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
    SERVER_PIDS[url] = process.pid
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
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.goto(url)
        self.network_image().wait_for(timeout=RUN_WAIT)  # the first page of a busy server

    def network_image(self) -> Any:
        return self.page.locator(".cs-network-img").first

    def week(self) -> int:
        text = self.page.locator(".cs-week").inner_text()
        return int(re.search(r"\d+", text).group())  # type: ignore[union-attr]

    def wait_week(self, predicate: str, timeout: float = WAIT) -> None:
        """Wait until the week number satisfies ``predicate`` (a JS expression of ``w``)."""
        self.page.wait_for_function(
            f"(() => {{ const w = parseInt(document.querySelector('.cs-week').innerText.match(/\\d+/)[0]); return {predicate}; }})()",
            timeout=timeout,
        )

    def week_holds(self, seconds: float) -> bool:
        """Whether the week shown stays the same for ``seconds`` (watched, not slept)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.wait_week(f"w !== {self.week()}", timeout=seconds * 1000)
        except PlaywrightTimeout:
            return True
        return False

    def craft(self, css: str, value: Any) -> None:
        """Send ``value`` for the widget of class ``css``, as a hostile client would."""
        assert self.page.evaluate(CRAFT, [css, value]), f"no widget of class {css}"

    def wait_refusal(self, *words: str) -> None:
        """Wait until a refusal message with all of ``words`` has appeared (see WATCH_REFUSALS)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                "(words) => window.csRefusals.some((t) => words.every((w) => t.includes(w)))", arg=list(words)
            )
        except PlaywrightTimeout:
            raise AssertionError(f"no refusal with {words}: {self.page.evaluate('window.csRefusals')}") from None

    def assert_not_broken(self) -> None:
        """No traceback or render error in the page, no part replaced by the error message."""
        text = self.page.locator("body").inner_text()
        assert not [w for w in BROKEN if w in text], text[:2000]
        expect(self.page.locator(".cs-view-failed-message")).to_have_count(0)
        assert self.errors == [], self.errors

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
    tab.page.wait_for_load_state("networkidle", timeout=WAIT)  # late requests (scripts a component loads)
    tab.shot("01-page-fr")
    expect(tab.page.locator(".cs-week")).to_contain_text("Semaine 0 ")
    expect(tab.page.locator(".cs-tab-network")).to_have_text(re.compile(r"^\s*réseau", re.IGNORECASE))
    assert tab.errors == [], tab.errors
    assert tab.failed == [], f"requests that failed (an asset missing offline?): {tab.failed}"


def test_step_play_pause(tab: Tab) -> None:
    tab.click(".cs-step-button")
    tab.wait_week("w === 1")
    tab.click(".cs-play-button")
    tab.wait_week("w >= 9")
    tab.click(".cs-pause-button")
    tab.page.locator(".cs-play-button").wait_for()
    assert tab.week_holds(1.5), "the run went on after pause"
    tab.shot("02-after-play")
    tab.assert_not_broken()


def test_play_on_a_busy_machine_then_pause_holds(tab: Tab) -> None:
    """Play for 20 s with two CPU-bound processes beside the server: the week on the page
    keeps advancing, nothing breaks, and a pause stops the week within a couple of seconds
    of play (the run does not go on in the background)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        tab.click(".cs-play-button")
        tab.page.locator(".cs-pause-button").wait_for()
        shown, start = [tab.week()], time.monotonic()
        while time.monotonic() - start < 20:
            tab.wait_week(f"w > {shown[-1]}", timeout=20_000)  # the page is not frozen
            shown.append(tab.week())
        tab.assert_not_broken()
        before, clicked = tab.week(), time.monotonic()
        tab.click(".cs-pause-button")
        tab.page.locator(".cs-play-button").wait_for(timeout=20_000)
        took = time.monotonic() - clicked
        paused = tab.week()
        assert tab.week_holds(3.0), "the week changed after the pause"
        assert took <= PAUSE_SECONDS, f"the pause showed {took:.1f} s after the click"
        assert paused - before <= 24, f"{paused - before} weeks after the click (about a second of play at most)"
        tab.shot("02b-paused-under-load")
        tab.assert_not_broken()
        print(
            f"\nplay under load: {len(shown)} frames seen in 20 s, weeks {shown[0]}..{shown[-1]}; pause shown in {took:.1f} s"
        )
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait(timeout=10)


def test_crafted_values_get_a_message_never_a_traceback(tab: Tab) -> None:
    """What a hostile client sends: a path for the scenario, sliders out of range, a speed,
    a tab and a colour that are not offered. Each is refused with a sentence (a slider then
    gets the echo of the value, clamps it in the browser and sends an allowed one, which is
    taken); the page keeps working; nothing of the path is read."""
    cases = [
        ("cs-a-scenario", "/etc/passwd", "Scénario refusé"),
        ("cs-a-input-rex-every_weeks", 0, "REX"),
        ("cs-a-input-stipend-amount_per_month", 1e12, "euros"),
        ("cs-a-input-years", 1000, "Durée"),
        ("cs-a-mech-mediation", "yes", "Médiation"),
        ("cs-speed", 99, "Semaines par image"),
        ("cs-color-by", 7, "Couleur"),
    ]
    tab.page.evaluate(WATCH_REFUSALS)
    for css, value, words in cases:
        tab.craft(css, value)
        tab.wait_refusal(words, "refusé")
    tab.craft("cs-tabs", "../../etc")
    tab.shot("08-refused")
    expect(tab.page.locator(".cs-a-scenario")).to_contain_text("tera")  # the scenario kept
    assert "root:" not in tab.page.locator("body").inner_text()
    tab.assert_not_broken()
    tab.click(".cs-step-button")  # the tab still works
    tab.wait_week("w === 1")
    tab.click(".cs-lang-button")
    expect(tab.page.locator(".cs-week")).to_contain_text("Week ")
    tab.craft("cs-a-input-rex-every_weeks", -1)
    tab.wait_refusal("REX", "refused (allowed: 1 to 52)")


def _run_to_end(tab: Tab) -> str:
    tab.click(".cs-end-button")
    tab.page.locator(".cs-finished").wait_for(timeout=RUN_WAIT)
    return tab.page.locator(".cs-counts").inner_text() + tab.page.locator(".cs-events").inner_text()


def _switch(tab: Tab, css: str) -> None:
    """Click a switch of panel A and wait until the page says the settings changed."""
    tab.click(css)
    tab.page.locator(".cs-pending").wait_for()


def test_switching_a_mechanism_and_resetting_changes_the_run(tab: Tab) -> None:
    baseline = _run_to_end(tab)
    _switch(tab, ".cs-a-mech-mediation")
    tab.click(".cs-reset-button")
    tab.wait_week("w === 0")
    expect(tab.page.locator(".cs-pending")).to_have_count(0)
    without = _run_to_end(tab)
    tab.shot("03-without-mediation")
    assert without != baseline
    assert "Médiation réussie" not in without


def test_french_english_switch(tab: Tab) -> None:
    tab.click(".cs-lang-button")
    expect(tab.page.locator(".cs-week")).to_contain_text("Week ")
    expect(tab.page.locator(".cs-tab-network")).to_contain_text(re.compile("network", re.IGNORECASE))
    expect(tab.page.locator(".cs-step-button")).to_contain_text(re.compile("step", re.IGNORECASE))
    tab.shot("04-page-en")
    tab.click(".cs-lang-button")
    expect(tab.page.locator(".cs-week")).to_contain_text("Semaine ")
    expect(tab.page.locator(".cs-step-button")).to_contain_text(re.compile("pas", re.IGNORECASE))


def _compare(tab: Tab) -> float:
    """Click "Compare" and wait for this comparison's table; returns the seconds it took."""
    done = tab.page.locator(".cs-compare-done")
    before = done.get_attribute("class") if done.count() else None  # marks the comparison shown, if any
    start = time.monotonic()
    tab.click(".cs-compare-button")
    if before is None:
        done.wait_for(timeout=RUN_WAIT)
    else:  # this comparison's result replaced the one shown (it may be done before the button greys)
        expect(done).not_to_have_class(before, timeout=RUN_WAIT)
    expect(tab.page.locator(".cs-compare-button")).to_be_enabled(timeout=RUN_WAIT)
    expect(tab.page.locator(".cs-compare-error")).to_have_count(0)
    tab.page.locator(".cs-differences table").wait_for()
    return time.monotonic() - start


def _without_rex_in_b(tab: Tab) -> None:
    tab.tab("compare")
    tab.page.locator(".cs-same-settings").wait_for()  # B starts as a copy of A
    tab.click(".cs-b-mech-rex")  # B: without REX
    tab.page.locator(".cs-same-settings").wait_for(state="detached")


def test_comparison_shows_bands_and_differences(tab: Tab) -> None:
    _without_rex_in_b(tab)
    try:
        seconds = _compare(tab)
    finally:
        tab.shot("05-comparison")
    tab.page.locator(".cs-bands img").wait_for()
    assert tab.page.locator(".cs-differences table tbody tr").count() >= 5
    expect(tab.page.locator(".cs-differences")).to_contain_text("[")
    expect(tab.page.locator(".cs-sentences")).to_contain_text("graines appariées")
    expect(tab.page.locator(".cs-sentences")).to_contain_text("avec B (sans REX")  # B's change, in words
    expect(tab.page.locator(".cs-b-changes")).to_contain_text("B : sans REX")
    assert "B (variante)" not in tab.page.locator(".cs-compare").inner_text()
    print(f"\n10-replication comparison in the browser: {seconds:.1f} s")
    tab.assert_not_broken()


def _pool_workers(server_pid: int) -> list[int]:
    """The comparison pool's worker processes: the server's children started by multiprocessing."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
        if parent == server_pid and b"multiprocessing" in command and b"resource_tracker" not in command:
            workers.append(int(stat.parent.name))
    return workers


def test_comparison_works_again_after_a_worker_is_killed(browser: Any, server: str) -> None:
    """Kill one worker process of the pool every tab shares: the next "Et si… ?" works, in
    the tab that compared before and in another tab (the pool was replaced)."""
    one, two = Tab(browser, server), Tab(browser, server)
    try:
        _without_rex_in_b(one)
        _compare(one)
        workers = _pool_workers(SERVER_PIDS[server])
        assert workers, "the comparison ran on worker processes of the server"
        os.kill(workers[0], signal.SIGKILL)
        _without_rex_in_b(two)
        _compare(two)
        _compare(one)
        one.shot("09-compare-after-a-killed-worker")
        one.assert_not_broken()
        two.assert_not_broken()
        assert workers[0] not in _pool_workers(SERVER_PIDS[server])
    finally:
        one.close()
        two.close()


def test_two_tabs_do_not_interfere(browser: Any, server: str) -> None:
    one, two = Tab(browser, server), Tab(browser, server)
    try:
        _switch(one, ".cs-a-mech-rex")
        one.click(".cs-reset-button")
        one.page.locator(".cs-pending").wait_for(state="detached")
        for week in (1, 2, 3):
            one.click(".cs-step-button")
            one.wait_week(f"w === {week}")
        two.click(".cs-step-button")
        two.wait_week("w === 1")
        assert one.week() == 3 and two.week() == 1
        # REX is still on in the second tab, off in the first
        expect(two.page.locator(".cs-a-mech-rex input")).to_be_checked()
        expect(one.page.locator(".cs-a-mech-rex input")).not_to_be_checked()
        one.tab("export")
        two.tab("export")
        expect(one.page.locator(".cs-toml-preview")).to_contain_text("[rex]")
        expect(two.page.locator(".cs-toml-preview")).not_to_contain_text("[rex]")
        one.shot("06-tab-one")
        two.shot("06-tab-two")
    finally:
        one.close()
        two.close()


def test_export_downloads_a_scenario_coopsim_runs(tab: Tab, tmp_path: Path) -> None:
    _switch(tab, ".cs-a-mech-rex")
    tab.click(".cs-reset-button")
    tab.page.locator(".cs-pending").wait_for(state="detached")
    tab.wait_week("w === 0")
    tab.tab("export")
    expect(tab.page.locator(".cs-toml-preview")).to_contain_text("[rex]")
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


def _inside_viewport(box: dict[str, float] | None) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= VIEWPORT["width"] + 1
        and (box["y"] + box["height"] <= VIEWPORT["height"] + 1)
    )


FIGURES = {  # tab -> the figure it shows (the person tab once a person is chosen)
    "network": ".cs-network-img",
    "series": ".cs-series img",
    "work": ".cs-work img",
    "structures": ".cs-structures img",
    "person": ".cs-person-figure img",
}


def test_at_1280x720_tabs_sliders_and_figures_are_seen_in_french_only(tab: Tab) -> None:
    """A decade run to the end, then each tab at 1280×720: every tab label inside the
    window (none scrolled away), each figure whole inside it, no Solara badge, the
    sliders' values with their units and ranges, and no English word in the French page.
    A screenshot of each tab goes to the test artifacts (``tab-*.png``)."""
    body = tab.page.locator("body")
    expect(body).not_to_contain_text("runs on")
    values = tab.page.locator(".cs-setup .cs-slider-value")
    assert values.count() >= 7
    expect(values.first).to_be_visible()
    for k in range(values.count()):
        assert re.search(r"\d", values.nth(k).inner_text()), values.nth(k).inner_text()
    expect(tab.page.locator(".cs-a-ctl-rex-every_weeks .cs-slider-value")).to_have_text(re.compile(r"^\d+ semaines$"))
    expect(tab.page.locator(".cs-a-ctl-rex-every_weeks .cs-slider-max")).to_have_text("52")
    expect(tab.page.locator(".cs-a-ctl-years .cs-slider-value")).to_have_text(re.compile(r"^\d+ ans$"))
    box = tab.page.locator(".cs-a-ctl-stipend-amount_per_month .v-slider").bounding_box()
    assert box is not None and box["width"] > 100, f"a slider collapsed: {box}"
    _run_to_end(tab)
    tab.page.locator(".cs-person-dot").first.click(force=True)  # a person for "Une personne"
    tab.page.locator(".cs-person-facts").wait_for()
    found: dict[str, list[str]] = {}
    for name in ("network", "series", "work", "structures", "person", "compare", "export"):
        label = tab.page.locator(f".cs-tab-{name}")
        assert _inside_viewport(label.bounding_box()), f"the tab {name} is out of view: {label.bounding_box()}"
        label.click()
        if name == "person":
            tab.page.locator(".cs-person-facts").wait_for()
        if name in FIGURES:
            figure = tab.page.locator(FIGURES[name]).first
            figure.wait_for()
            tab.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
            assert _inside_viewport(figure.bounding_box()), f"the figure of {name} is cut: {figure.bounding_box()}"
        tab.shot(f"tab-{name}")
        words = english_in(body.inner_text())
        if words:
            found[name] = words
    assert found == {}, f"English in the French page: {found}"
    tab.assert_not_broken()


def test_presentation_switch_makes_the_text_larger(tab: Tab) -> None:
    size = "() => parseFloat(getComputedStyle(document.querySelector('.cs-week')).fontSize)"
    before = tab.page.evaluate(size)
    tab.page.locator(".cs-present input").first.click(force=True)
    tab.page.wait_for_function(f"({size})() > {before} * 1.1")
    tab.shot("10-presentation")
    assert _inside_viewport(tab.page.locator(".cs-tab-export").bounding_box())
    tab.assert_not_broken()


def _story_name(tab: Tab) -> str:
    """The name in the story's title, "L'histoire de Tiphaine" or "L'histoire d'Aurélie"."""
    title = tab.page.locator(".cs-inspector h3").inner_text().strip()
    rest = title.removeprefix("L'histoire").strip()
    return rest.removeprefix("de ").removeprefix("d'").removeprefix("d’").strip()


def test_a_burnout_is_found_after_the_end_and_a_click_opens_the_story(tab: Tab) -> None:
    """The guided tour after "Aller à la fin": the key moments filter keeps the burnouts and
    departures of the whole decade; clicking one opens that person's story; a click on a
    person of the network opens theirs too."""
    _run_to_end(tab)
    tab.click(".cs-feed-key")
    expect(tab.page.locator(".cs-events .cs-kind-arrival")).to_have_count(0)  # the filter is on
    expect(tab.page.locator(".cs-events .cs-kind-burnout").first).to_be_attached()  # the decade's burnout(s)
    key = tab.page.locator(".cs-events .cs-event-person").first  # the latest key moment (the first reused button)
    sentence = key.inner_text()
    key.click()
    expect(tab.page.locator(".cs-inspector h3")).to_contain_text("L'histoire")
    assert _story_name(tab) in sentence, (_story_name(tab), sentence)  # the story of the person the sentence names
    tab.tab("network")
    tab.click(".cs-feed-key")
    burnout = tab.page.locator(".cs-events .cs-kind-burnout").first
    sentence = burnout.inner_text()
    burnout.click()
    expect(tab.page.locator(".cs-inspector h3")).to_contain_text("L'histoire")
    assert _story_name(tab) in sentence, (_story_name(tab), sentence)
    expect(tab.page.locator(".cs-person-figure img")).to_be_visible()
    tab.shot("11-story-from-the-key-moments")
    tab.tab("network")
    dot = tab.page.locator(".cs-person-dot").first
    dot.wait_for(state="attached")
    who = dot.locator("title").text_content() or ""
    dot.click(force=True)
    expect(tab.page.locator(".cs-inspector h3")).to_contain_text(who)
    tab.shot("12-story-from-the-network")
    tab.assert_not_broken()
