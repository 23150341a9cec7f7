"""Speed of the facilitator page (``python benchmarks/bench_ui.py``).

Prints three figures, with their targets:

1. one frame at TERA size: one week stepped plus the network figure drawn to PNG (what
   the page does per frame at speed 1 with the network tab open), median over many weeks
   of the middle of a run (target: 150 ms or less); the other views' draw times too;
2. page ready: from opening the page in Chromium to the network figure shown, on a
   server already running (target: 3 s or less); needs /usr/bin/chromium;
3. a 10-replication comparison (20 ten-year runs) on the page's warm pool of worker
   processes (target: 5 s or less);
4. playing: the play loop of :mod:`coopsim.ui.player` for a few seconds at speed 4, each
   frame drawn as the page does (the network figure to PNG): frames a second (at most 4)
   and weeks a second (speed x 4 when the machine keeps up; on a slow machine fewer
   frames, the weeks going on between them).

The machine's cores and load are printed first: figures on a busy 2-core machine are not
comparable with those on an idle one.
"""

from __future__ import annotations

import io
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


def _png(fig: object) -> int:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.tell()


def frame_times(weeks: int = 80) -> None:
    from coopsim.ui.network_view import network_figure
    from coopsim.ui.series_view import series_figure
    from coopsim.ui.session import Session, Settings
    from coopsim.ui.structures_view import structures_figure
    from coopsim.ui.work_view import work_figure

    session = Session(Settings(seed=1))
    session.step(200)
    _png(network_figure(session, "fr"))  # the background is drawn once per run and language
    steps, frames = [], []
    for _ in range(weeks):
        start = time.perf_counter()
        session.step(1)
        middle = time.perf_counter()
        _png(network_figure(session, "fr"))
        frames.append(time.perf_counter() - start)
        steps.append(middle - start)
    people = int((session.model.people.status[: session.model.people.n] != 3).sum())
    print(
        f"frame at TERA size ({people} people present): step {1000 * statistics.median(steps):.1f} ms + network "
        f"figure = {1000 * statistics.median(frames):.0f} ms median over {weeks} weeks (target <= 150 ms)"
    )
    for name, draw in (("series", series_figure), ("work", work_figure), ("structures", structures_figure)):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            _png(draw(session, "fr"))
            times.append(time.perf_counter() - start)
        print(f"  {name} tab figure: {1000 * statistics.median(times):.0f} ms (drawn only when its tab is open)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_ready(tries: int = 3) -> None:
    if not CHROMIUM.exists():
        print("page ready: skipped (no /usr/bin/chromium; sudo apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright

    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "coopsim", "ui", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                if time.perf_counter() - started > 60:
                    raise
                time.sleep(0.1)
        print(f"server answers {time.perf_counter() - started:.1f} s after 'coopsim ui'")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            times = []
            for _ in range(tries):
                context = browser.new_context(viewport={"width": 1500, "height": 1000})
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                page.locator(".cs-network img").first.wait_for(timeout=30_000)
                times.append(time.perf_counter() - start)
                context.close()
            browser.close()
        print(
            f"page ready (open -> network figure shown): {', '.join(f'{t:.2f}' for t in times)} s "
            f"(median {statistics.median(times):.2f} s; target <= 3 s)"
        )
    finally:
        os.killpg(server.pid, 2)
        server.wait(timeout=20)


def comparison_time(replications: int = 10) -> None:
    from coopsim.ui.compare_view import pool_workers, run_comparison, shared_pool
    from coopsim.ui.session import Settings

    pool = shared_pool()
    a = Settings(seed=1)
    b = a.set("rex.enabled", False)
    run_comparison(a, b, 2, executor=pool)  # start and warm the workers, as the page does when it opens
    result = run_comparison(a, b, replications, executor=pool)
    print(
        f"{replications}-replication comparison ({2 * replications} runs of {result.comparison.years:g} years, "
        f"{pool_workers()} warm worker processes): {result.seconds:.1f} s (target <= 5 s)"
    )
    pool.shutdown()


def play_rate(seconds: float = 8.0, speed: int = 4) -> None:
    import threading

    from coopsim.ui.network_view import network_figure
    from coopsim.ui.player import TICK, Player
    from coopsim.ui.session import Session, Settings

    session = Session(Settings(seed=1))
    player = Player(session)
    cancel = threading.Event()

    def post() -> None:  # the page's draw, then "shown", in the drawing thread
        def draw() -> None:
            _png(network_figure(session, "fr"))
            player.shown()

        threading.Thread(target=draw, daemon=True).start()

    thread = threading.Thread(target=player.play, args=(cancel, lambda: speed, post), daemon=True)
    start = time.perf_counter()
    thread.start()
    thread.join(timeout=seconds)
    player.pause()
    elapsed = time.perf_counter() - start
    print(
        f"playing at speed {speed} for {elapsed:.1f} s: {player.posted / elapsed:.1f} frames/s "
        f"(at most {1 / TICK:g}), {session.week / elapsed:.0f} weeks/s (target {speed / TICK:g} when the machine keeps up)"
    )


def main() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average (1 min): {load:.2f}")
    frame_times()
    page_ready()
    comparison_time()
    play_rate()


if __name__ == "__main__":
    main()
