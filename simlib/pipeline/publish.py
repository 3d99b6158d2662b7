"""Put files in place so that a reader never sees a half-written one.

A run works in a staging folder inside the scenario's output folder (same
file system), and each finished file is renamed over its final name.  An
interrupted run (Ctrl-C, SIGTERM, a full disk) removes its staging folder on the way out and leaves
the previous brief untouched; a run killed outright (SIGKILL, a power cut) leaves it behind, and
the next run in that folder removes it.

Every temporary a run leaves in an output folder — a ``.simlib-staging-*`` folder, a
``.simlib-NAME.*.tmp`` file of :func:`replacing` — is *claimed* with ``flock`` on a file descriptor the run holds open for as long
as it needs the temporary.  :func:`remove_stale` removes exactly the temporaries whose lock it can
take: the kernel releases a lock when its holder dies, however it dies, so neither a reused PID nor
a run on another host sharing the folder can make a live run's files look stale.  The names begin
with ``.simlib-``, and nothing else is ever removed: ``--out`` may be any folder (a home folder,
``/tmp``), and other programs' hidden temporaries there are not ours to clean.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The lock file inside a staging folder; its holder owns the folder.
LOCK = ".lock"
#: How the names of a staging folder and of a temporary file begin.
STAGING_PREFIX = ".simlib-staging-"
TMP_PREFIX = ".simlib-"
TMP_SUFFIX = ".tmp"
#: A staging folder without its lock file is one whose run died in the instant between creating it
#: and claiming it (or a run is in that instant right now): removed once it is this old.
UNCLAIMED_SECONDS = 60


def _claimed_file(path: Path, flags: int) -> int | None:
    """An fd on ``path`` holding its exclusive lock; None when ``path`` has gone meanwhile (a
    :func:`remove_stale` took it between its creation and this lock)."""
    return _claim(os.open(path, flags, 0o600))


def _claim(fd: int) -> int | None:
    """``fd`` once it holds its file's exclusive lock (closed and None when the file was unlinked
    before the lock was taken)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks only while a remover holds it, to unlink it
        if os.fstat(fd).st_nlink == 0:
            os.close(fd)
            return None
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def staging(outdir: Path) -> Iterator[Path]:
    """A fresh hidden folder ``outdir/.simlib-staging-*``, claimed (locked) for the block's life and removed
    afterwards whatever happens — an error, a full disk, Ctrl-C or SIGTERM (the interrupt then goes on).

    Staging folders and temporaries left in ``outdir`` by runs that were killed are removed first
    (:func:`remove_stale`); those of a run still going are left alone.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    remove_stale(outdir)
    while True:
        path = Path(tempfile.mkdtemp(dir=outdir, prefix=STAGING_PREFIX))
        try:
            fd = _claimed_file(path / LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        if fd is not None:
            break
    try:
        yield path
    finally:
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


def remove_stale(outdir: Path) -> list[Path]:
    """Remove the temporaries in ``outdir`` no live run holds: staging folders
    (``.simlib-staging-*``) and :func:`replacing`'s ``.simlib-NAME.*.tmp`` files whose lock can be
    taken at once.  Nothing else is touched.  Returns what it removed."""
    removed = []
    try:
        entries = list(outdir.iterdir())
    except OSError:
        return removed
    for old in entries:
        name = old.name
        if name.startswith(STAGING_PREFIX) and old.is_dir() and not old.is_symlink():
            if _remove_if_free(old / LOCK, old):
                removed.append(old)
        elif name.startswith(TMP_PREFIX) and name.endswith(TMP_SUFFIX) and old.is_file() and not old.is_symlink():
            if _remove_if_free(old, old):
                removed.append(old)
    return removed


def _remove_if_free(lock: Path, target: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        if target == lock:  # gone meanwhile
            return False
        try:  # a folder never claimed: its run died before it could lock it, or is about to lock it now
            young = time.time() - target.stat().st_mtime < UNCLAIMED_SECONDS
        except OSError:
            return False
        if not young:
            shutil.rmtree(target, ignore_errors=True)
        return not young
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False  # a live run holds it
            raise
        # held: unlink while holding it, so a creator that opened it just before sees it gone
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write to, claimed (locked) while the block runs; renamed
    over ``path`` when the block ends without an error, removed when it fails or is interrupted (the
    error or interrupt then goes on)."""
    while True:  # the descriptor mkstemp returns is locked, so no remover can take the name first
        fd_tmp, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}.", suffix=TMP_SUFFIX)
        fd = _claim(fd_tmp)
        if fd is not None:
            break
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a brief is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary name beside ``path`` and rename it into place (on any failure,
    a full disk included, ``path`` is left as it was and the temporary removed)."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def move(src: Path, dst: Path) -> None:
    """Rename a finished file over its final name (atomic on one file system)."""
    os.replace(src, dst)
