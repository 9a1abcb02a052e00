"""Reading a file an operator names (replay, imports): capped by what is read, with a deadline.

``stat`` says nothing true about ``/dev/zero``, a pipe or a FIFO: their size is 0 and they can
deliver gigabytes or nothing at all. So the cap counts the bytes actually read (reading stops
one byte past it), only regular files are accepted (plus stdin, named as ``-`` or
``/dev/stdin``, for ``cat x.rss | replay -``), the file is opened non-blocking so a FIFO with no
writer cannot hang the open, and reading from stdin stops at a deadline.
"""
from __future__ import annotations

import os
import select
import stat
import sys
import time
from pathlib import Path

STDIN_NAMES = ("-", "/dev/stdin", "/proc/self/fd/0")
CHUNK = 1 << 20


class LocalFileError(Exception):
    """The file was not read; ``str()`` says why in plain words."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a pipe/FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def read_capped(path: str | Path, max_bytes: int, deadline_s: float = 30.0) -> bytes:
    """The bytes of ``path`` (a regular file, or stdin), at most ``max_bytes``.

    Raises ``LocalFileError`` for anything else: a device or FIFO, a body past the cap (no more
    than ``max_bytes + 1`` bytes are ever held), stdin that is still open at the deadline.
    """
    name = str(path)
    if name in STDIN_NAMES:
        return read_stream(sys.stdin.fileno(), max_bytes, deadline_s, "stdin")
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise LocalFileError(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise LocalFileError(f"not a regular file ({_kind(mode)}): only files, or '-' for stdin")
        os.set_blocking(fd, True)
        return read_stream(fd, max_bytes, deadline_s, "the file")
    finally:
        os.close(fd)


def read_stream(fd: int, max_bytes: int, deadline_s: float, what: str = "the stream") -> bytes:
    """All bytes of an open descriptor up to its end, within the cap and the deadline."""
    end = time.monotonic() + deadline_s
    chunks: list[bytes] = []
    total = 0
    regular = stat.S_ISREG(os.fstat(fd).st_mode)
    while True:
        if not regular:  # a pipe may stall: wait for data only until the deadline
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise LocalFileError(f"{what} sent no end of data within {deadline_s:g} s "
                                     f"({total} bytes read)")
        try:
            chunk = os.read(fd, min(CHUNK, max_bytes + 1 - total))
        except OSError as exc:
            raise LocalFileError(f"cannot read {what}: {exc.strerror or exc}") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise LocalFileError(f"{what} is larger than the {max_bytes:,} byte limit "
                                 "(reading stopped there)")
        if regular and time.monotonic() > end:
            raise LocalFileError(f"reading {what} took longer than {deadline_s:g} s")
