"""Play: one stepping loop per browser tab, and frames posted to the page at a bounded rate.

Solara draws the page again when a state changes. A thread that changes state at every
step fights the renders: on a busy machine a render takes longer than a step, the thread
changes state during every render pass, and the page ends in "Too many renders
triggered", or freezes while the model runs on and Pause is not heard. So:

- The loop (:meth:`Player.play`, run in the tab's background thread) advances the model
  ``speed()`` weeks per tick of :data:`TICK` seconds, or as fast as the machine allows
  when a tick's weeks take longer.
- It posts a frame (``post()``, which bumps the page's frame counter, the only state it
  sets) at most once per tick and only when the page has drawn the previous frame (the
  page calls :meth:`Player.shown` after each draw): at most ``1 / TICK`` frames a second,
  and on a slow machine fewer frames, never a change during every render pass. (If a
  frame is not drawn within :data:`STALE` seconds, the next one is posted anyway.)
- Whether it plays is the page's ``mode``, set by the buttons only; the end of the run is
  read from the model.
- :meth:`Player.pause` stops the loop at once: it sets the loop's cancel flag, which the
  loop reads between two weeks, and waits for the week under way (the session's lock), so
  the page then draws the week where the run stopped.

Example (no page; ``post`` only counts):
    >>> import threading
    >>> from coopsim.ui.session import Session, Settings
    >>> player = Player(Session(Settings(seed=1, overrides=(("years", 1),))), tick=0.0)
    >>> frames = []
    >>> def post():
    ...     frames.append(player.session.week)
    ...     player.shown()  # a page would call it after drawing
    >>> player.play(threading.Event(), lambda: 13, post)
    >>> player.session.done, frames[-1]
    (True, 52)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from .session import Session

#: seconds between two frames while playing (at most four frames a second)
TICK = 0.25
#: seconds after which a frame not yet drawn no longer holds the next one back
STALE = 5.0


class Player:
    """The play loop of one tab's session (see the module docstring)."""

    def __init__(self, session: Session, tick: float = TICK) -> None:
        self.session = session
        self.tick = tick
        self.posted = 0  # frames posted so far (the tests read it)
        self._shown = threading.Event()
        self._shown.set()
        self._posted_at = 0.0
        self._cancel: threading.Event | None = None

    def shown(self) -> None:
        """The page has drawn the last frame posted (called by the page after a draw)."""
        self._shown.set()

    def pause(self) -> None:
        """Stop the loop now; returns once the week under way is done."""
        if self._cancel is not None:
            self._cancel.set()
        with self.session.lock:
            pass

    def play(
        self, cancel: threading.Event, speed: Callable[[], int], post: Callable[[], Any], to_end: bool = False
    ) -> None:
        """Advance until the end, ``cancel`` or :meth:`pause`; post frames (see the module docstring).

        ``to_end``: compute every remaining week at once, then post one frame.
        """
        self._cancel = cancel
        session = self.session
        if to_end:
            session.run_to_end(cancel)
        while not to_end and not cancel.is_set() and not session.done:
            start = time.monotonic()
            session.step(max(1, speed()), cancel)
            if not cancel.is_set() and self._ready():
                self._post(post)
            cancel.wait(max(0.0, self.tick - (time.monotonic() - start)))
        if not cancel.is_set():  # the last weeks on screen (after a pause, the pause's own draw shows them)
            deadline = time.monotonic() + STALE
            while not self._ready() and time.monotonic() < deadline and not cancel.wait(0.05):
                pass
            if not cancel.is_set():
                self._post(post)

    def _ready(self) -> bool:
        return self._shown.is_set() or time.monotonic() - self._posted_at > STALE

    def _post(self, post: Callable[[], Any]) -> None:
        self._shown.clear()
        self._posted_at = time.monotonic()
        self.posted += 1
        post()
