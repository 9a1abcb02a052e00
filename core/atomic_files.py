"""Replacing a file or a folder so that one complete version is always under its name.

A new version is written under a hidden temporary name beside the target, fsynced, then put in
place by one atomic step:
- a file over a file (or over nothing): ``os.replace`` — one rename, the old file is never gone;
- anything over a folder (a day-partitioned export): Linux ``renameat2(RENAME_EXCHANGE)`` swaps
  the two names in one step, then the old version (now under the hidden name) is deleted.
  Where the kernel or file system cannot exchange, the old folder is first renamed aside to
  ``.<name>.tmp-old-<id>``; a kill between that and the next rename leaves that complete copy,
  which the next run puts back (``recover``) instead of deleting it.

Leftovers of a killed run are handled on the next write to the same name, and reported:
unfinished new versions (``.<name>.tmp-<id>``) are removed; an old copy set aside is restored
when the name is empty, else removed because a newer complete version is in place.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

TMP_MARK = ".tmp-"
OLD_MARK = TMP_MARK + "old-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def recover(out: Path) -> list[str]:
    """Put back or clear what a killed replace of ``out`` left; one note per thing done."""
    notes: list[str] = []
    parent = out.parent
    olds = sorted(parent.glob(f".{out.name}{OLD_MARK}*"), key=lambda p: p.stat().st_mtime)
    for stale in parent.glob(f".{out.name}{TMP_MARK}*"):
        if stale not in olds:
            _remove(stale)
            notes.append(f"removed {stale.name}: an unfinished version left by an interrupted run")
    for i, old in enumerate(reversed(olds)):  # the newest set-aside copy is the last complete one
        if i == 0 and not out.exists() and not out.is_symlink():
            os.rename(old, out)
            notes.append(f"restored {out.name} from {old.name}: an interrupted run had set it aside")
        else:
            _remove(old)
            notes.append(f"removed {old.name}: a previous version a newer complete one replaced")
    for note in notes:
        log.warning("export leftovers: %s", note, extra={"path": str(out)})
    return notes


def _libc_renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` atomically; False when this system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish(tmp: Path, out: Path) -> None:
    """Put the finished ``tmp`` under ``out``'s name; ``out`` always names a complete version."""
    if not out.exists() or (out.is_file() and tmp.is_file()):
        os.replace(tmp, out)  # one rename, over the old file if there is one
    elif exchange(tmp, out):
        _remove(tmp)  # tmp now names the old version
    else:
        old = out.parent / f".{out.name}{OLD_MARK}{uuid.uuid4().hex[:8]}"
        os.rename(out, old)  # a kill here leaves `old`, which recover() puts back
        os.rename(tmp, out)
        _remove(old)
    fsync_dir(out.parent)


def new_tmp(out: Path) -> Path:
    return out.parent / f".{out.name}{TMP_MARK}{uuid.uuid4().hex[:8]}"
