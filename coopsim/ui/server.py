"""Start the facilitator page's server: ``coopsim ui`` and ``make ui``.

It runs Solara's server (``solara run coopsim.ui.app --production``) in place of the
``coopsim`` process, on ``127.0.0.1`` by default, so only this computer can open the page; ``--host 0.0.0.0``
opens it to the network (with a warning: there is no login). Solara's JavaScript and CSS
come from the installed ``solara-assets`` package, so the page works with no internet.
Solara's English badge ("This website runs on Solara"), which would cover the bottom of
the figures on a small screen, is switched off.
"""

from __future__ import annotations

import ipaddress
import os
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """True for addresses only this computer can reach (127.0.0.1, ::1, localhost).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The command line of the Solara server serving :mod:`coopsim.ui.app`."""
    return [
        sys.executable, "-m", "solara", "run", "coopsim.ui.app",
        "--host", host, "--port", str(port), "--production", "--no-open", "--no-check-version", "--log-level", "warning",
    ]  # fmt: skip


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Replace this process by the server (so that Ctrl-C and signals reach it directly).

    Returns only if the server cannot be started.
    """
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # nothing leaves the machine
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # no "This website runs on Solara" over the figures
    command = server_command(host, port)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(command[0], command, env)
    except OSError as exc:
        print(f"coopsim ui: cannot start the server: {exc}", file=sys.stderr)
    return 1
