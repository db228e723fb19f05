"""Opening and writing files safely: regular files only, atomic writes, bounded reads.

Reading refuses FIFOs, devices, sockets and directories from `stat` alone, so a FIFO
named like a table never blocks. Writing goes to a temp file beside the target, which is
fsynced and then renamed over it: a failed or killed save leaves the old file as it was.
A write onto a device, FIFO or directory, a read-only file, or a file the same command
reads, is refused. Temp files a crashed save left behind are removed by the next save
into that folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
import uuid
from collections.abc import Callable, Iterable
from typing import BinaryIO

# ".NAME.<pid>-<hex>.tmp" from this version; ".NAME.<hex>.tmp" from older ones
_TEMP_NAME = re.compile(r"^\..+\.(?:(?P<pid>\d+)-)?[0-9a-f]{12}\.tmp$")
STALE_TEMP_SECONDS = 3600  # an old-style temp file (no pid) this old belongs to no running save


class FileRefused(OSError):
    """A path fcviz will not read or write; str() is one line naming the file and why."""

    def __str__(self) -> str:
        return self.args[0]


def check_format(document, expected: str, newest: int, source: str, kind: str, error: type[ValueError]) -> object:
    """The version of the JSON `document`; `error` naming `source` unless it is an object of format
    `expected` (`kind` says what that is, e.g. "an fcviz session") and its version is not newer than `newest`."""
    if not isinstance(document, dict) or document.get("format") != expected:
        found = document.get("format") if isinstance(document, dict) else None
        raise error(f"{source} is not {kind} (format {found!r}, expected {expected!r})")
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > newest:
        raise error(f"{source} was saved by a newer fcviz (format version {version}); "
                    f"this version reads up to {newest}")
    return version


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_readable(path) -> int:
    """The size of the regular file `path`; FileRefused for a FIFO, device, socket or folder.

    Only `stat` is used, so nothing blocks. A missing file raises FileNotFoundError.
    """
    info = os.stat(path)
    kind = _kind(info.st_mode)
    if kind is not None:
        raise FileRefused(f"{os.path.basename(os.fspath(path))} is {kind}, not a file fcviz can open")
    return info.st_size


def check_size(path, size: int, limit: int, what: str = "file") -> None:
    """FileRefused if a `size`-byte file is larger than `limit`."""
    if size > limit:
        raise FileRefused(f"{os.path.basename(os.fspath(path))} is {size / 2 ** 20:,.1f} MB; fcviz opens "
                          f"a {what} of at most {limit / 2 ** 20:,.0f} MB")


def read_limited(path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file `path`, refused before reading if it is larger than `limit`."""
    check_size(path, check_readable(path), limit, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # O_NONBLOCK: a FIFO swapped in after the stat still cannot block
    with os.fdopen(fd, "rb") as stream:
        if _kind(os.fstat(stream.fileno()).st_mode) is not None:
            raise FileRefused(f"{os.path.basename(os.fspath(path))} is not a regular file")
        data = stream.read(limit + 1)
    check_size(path, len(data), limit, what)
    return data


def check_writable(path, inputs: Iterable = ()) -> None:
    """FileRefused unless `path` is a new path or a writable regular file that is none of `inputs`."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FileRefused(f"{name} cannot be written: {exc.strerror or exc}") from exc
    kind = _kind(info.st_mode)
    if kind is not None:
        raise FileRefused(f"{name} is {kind}; fcviz writes only to regular files (give a file name)")
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise FileRefused(f"{name} is read-only; fcviz does not replace it (make it writable, or pick another name)")
    if any(_same_file(path, source) for source in inputs if source is not None):
        raise FileRefused(f"{name} is also this command's input; fcviz does not overwrite it (write to another file)")


def _same_file(path, other) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def remove_stale_temps(directory: str) -> list[str]:
    """Remove temp files that crashed saves left in `directory`; the names removed."""
    removed = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            match = _TEMP_NAME.match(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            if _owner_running(match.group("pid"), entry):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


def _owner_running(pid: str | None, entry: os.DirEntry) -> bool:
    if pid is None:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_TEMP_SECONDS
    if int(pid) == os.getpid():
        return True  # a save of this process (another thread's) may be writing it
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def write_atomically(path, write: Callable[[BinaryIO], object], inputs: Iterable = ()) -> None:
    """Run `write(stream)` on a temp file beside `path`, fsync it, then move it over `path`.

    Refused (FileRefused) onto anything `check_writable` refuses. On any failure the temp
    file is removed and an existing `path` is untouched.
    """
    check_writable(path, inputs)
    directory, name = os.path.split(os.path.abspath(os.fspath(path)))
    remove_stale_temps(directory)
    temp = os.path.join(directory, f".{name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp")
    # O_EXCL: never reuse someone else's file; mode 0o666 lets the umask decide, as open() would
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
