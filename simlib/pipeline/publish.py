"""Put files in place so that a reader never sees a half-written one.

A run works in a staging folder inside the scenario's output folder (same
file system), and each finished file is renamed over its final name.  An
interrupted run leaves the previous brief untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging(outdir: Path) -> Iterator[Path]:
    """A fresh hidden folder inside ``outdir``, removed afterwards whatever happens.

    Staging folders left by runs that were killed (their process is gone) are
    removed first; a folder of a run still going is left alone.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    remove_stale(outdir)
    path = Path(tempfile.mkdtemp(dir=outdir, prefix=f".staging-{os.getpid()}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_stale(outdir: Path) -> None:
    """Remove the staging folders in ``outdir`` of runs whose process is gone (killed runs)."""
    for old in outdir.glob(".staging-*"):
        pid = old.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie left by a killed parent does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write to; renamed over ``path`` when the block ends
    without an error, removed when it fails."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a brief is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary name beside ``path`` and rename it into place."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def move(src: Path, dst: Path) -> None:
    """Rename a finished file over its final name (atomic on one file system)."""
    os.replace(src, dst)
