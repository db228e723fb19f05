"""Whether Qt can open a window here, asked before a QApplication exists (Qt would abort instead).

Without a display Qt's xcb plugin aborts the process (exit 134) naming a library that is installed;
this finds the real reason and says it in words.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys

CONNECT_TIMEOUT_SECONDS = 2.0  # an X server that does not answer in this time is not usable
X_TCP_BASE_PORT = 6000  # display N listens on port 6000 + N (and on /tmp/.X11-unix/XN)
# The libraries Qt's xcb plugin loads, and the Debian package of each.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1",
}
WHAT_TO_DO = ("run fcviz in a desktop session (or set DISPLAY, e.g. ssh -X), or draw the window offscreen: "
              "fcviz screenshot --out shot.png (or QT_QPA_PLATFORM=offscreen)")


def display_problem(environ=None) -> str | None:
    """One line saying why no window can open and what to do, or None when Qt should manage."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platforms = [name.split(":")[0].strip() for name in environ.get("QT_QPA_PLATFORM", "").split(";")
                 if name.strip()]
    if platforms and "xcb" not in platforms and not any(p.startswith("wayland") for p in platforms):
        return None  # offscreen, minimal, vnc, eglfs, linuxfb: chosen on purpose
    if environ.get("WAYLAND_DISPLAY") and (not platforms or any(p.startswith("wayland") for p in platforms)):
        return None
    display = environ.get("DISPLAY", "")
    if not display:
        return f"cannot open the window: there is no display (DISPLAY is not set); {WHAT_TO_DO}"
    if not x_server_answers(display):
        return f"cannot open the window: no X server answers on DISPLAY={display}; {WHAT_TO_DO}"
    missing = [package for library, package in XCB_LIBRARIES.items() if not _loadable(library)]
    if missing:
        return (f"cannot open the window: Qt's X11 support needs the Debian packages {' '.join(missing)} "
                f"(sudo apt-get install {' '.join(missing)}, or run scripts/install_system_deps.sh)")
    return None


def x_server_answers(display: str) -> bool:
    """Whether something accepts a connection where DISPLAY ([host]:N[.screen]) points."""
    host, _, number = display.rpartition(":")
    host = host.rpartition("/")[2]  # a protocol prefix such as "unix/"
    try:
        number = int(number.split(".")[0])
    except ValueError:
        return False
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        addresses = [(socket.AF_UNIX, "\0" + path), (socket.AF_UNIX, path)]  # abstract socket, then the file
    else:
        addresses = [(socket.AF_INET6 if ":" in host else socket.AF_INET, (host, X_TCP_BASE_PORT + number))]
    for family, address in addresses:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as connection:
                connection.settimeout(CONNECT_TIMEOUT_SECONDS)
                connection.connect(address)
                return True
        except OSError:
            continue
    return False


def _loadable(library: str) -> bool:
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True
