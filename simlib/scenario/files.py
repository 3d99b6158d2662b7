"""Reading a user's file safely: a regular file, no larger than a limit, read once with a bounded read.

Every reader of a file a user names goes through :func:`read_bytes`: the scenario YAML
(:func:`simlib.scenario.loader.read_document`), the roster CSV, the document register, the
series ``simlib calibrate`` reads and the observations ``simlib calibrate-funnel`` reads.  It

- ``stat``\\s the path first, so a path the system cannot look up (a name longer than 255 bytes,
  a symlink loop, a folder without search permission) is one line, never a traceback;
- refuses anything that is not a regular file *before opening it*: a FIFO (named pipe), which
  would block the command forever waiting for a writer, a character device such as
  ``/dev/zero`` (endless) or ``/dev/null`` (empty), a block device, a socket or a directory;
- refuses a file larger than the limit for its kind before reading a byte of it;
- opens the file without blocking (``O_NONBLOCK``: opening a FIFO for reading would otherwise
  wait for a writer), checks the *opened* file again with ``fstat`` (so a path swapped for a FIFO
  or a device between the ``stat`` and the ``open`` is still refused), and reads at most
  ``limit + 1`` bytes, so a file that grows while it is read is refused too.

Symbolic links are followed: a link to a regular file is read as that file.

The limits, in bytes (1 MiB = 1,048,576 bytes):

========================================  ===============  ============================================
file                                      limit            why
========================================  ===============  ============================================
scenario YAML (``simlib check`` etc.)     1 MiB            the ready scenarios are 7-38 KB
document register (``meta.documents``)    1 MiB            the shipped register is a few KB
observations (``calibrate-funnel``)       1 MiB            a few dozen observed rates
roster CSV (``salary.roster``)            16 MiB           100,000 rows of up to ~160 bytes; rows are
                                                           limited to 100,000 too (roster module)
series (``simlib calibrate``, CSV/xlsx)   16 MiB           one row a year: a few KB in practice
========================================  ===============  ============================================
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MiB = 1 << 20

#: The largest scenario file read, in bytes (the ready scenarios are 7-38 KB).
MAX_SCENARIO_BYTES = 1 * MiB
#: The largest document register (``meta.documents``) read, in bytes.
MAX_REGISTER_BYTES = 1 * MiB
#: The largest observations file ``simlib calibrate-funnel`` reads, in bytes.
MAX_FUNNEL_BYTES = 1 * MiB
#: The largest roster CSV read, in bytes (its rows are limited separately, in the roster module).
MAX_ROSTER_BYTES = 16 * MiB
#: The largest series file (CSV or xlsx) ``simlib calibrate`` reads, in bytes.
MAX_CALIBRATE_BYTES = 16 * MiB

_CHUNK = 16 * MiB


class UnreadableFile(Exception):
    """A file that is not read: ``str()`` is one line saying why, without the file's name (the
    caller names the file the way its messages do)."""


def _kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file or a directory, else None."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "not a regular file"
    return None


def size_text(n: int) -> str:
    """A size for a message: bytes below 10 KiB, else MiB to one decimal (``200.0 MiB``)."""
    if n < 10 * 1024:
        return f"{n:,} bytes"
    if n % MiB == 0:
        return f"{n // MiB} MiB"
    return f"{n / MiB:.1f} MiB"


def _check(st: os.stat_result, limit: int, what: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableFile(f"is a directory, not {what}")
    kind = _kind(st.st_mode)
    if kind == "not a regular file":
        raise UnreadableFile(f"is not a regular file, so not {what}")
    if kind is not None:
        raise UnreadableFile(f"is {kind}, not a regular file")
    if st.st_size > limit:
        shown, allowed = f"{st.st_size / MiB:.1f} MiB", size_text(limit)
        if st.st_size < 1.05 * limit:  # just over: in bytes, or it would read "1.0 MiB, more than the 1 MiB"
            shown, allowed = f"{st.st_size:,} bytes", f"{allowed} ({limit:,} bytes)"
        raise UnreadableFile(f"is {shown}, more than the {allowed} {what} may be")


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "file not found"
    if exc.errno == errno.ENAMETOOLONG:
        return "cannot be read: a name in the path is too long (at most 255 bytes a name)"
    if exc.errno == errno.ELOOP:
        return "cannot be read: too many levels of symbolic links (a symlink loop?)"
    if exc.errno == errno.ENOTDIR:
        return "file not found (a part of the path is not a folder)"
    return f"cannot be read ({exc.strerror or exc})"


def read_bytes(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    ``what`` names the kind of file for the messages ("a scenario file", "a roster").  Raises
    :class:`UnreadableFile`, whose text is one line without the file's name:

    - ``file not found``; ``cannot be read (…)`` for any other error of the system (a name
      longer than 255 bytes, a symlink loop and a permission refused each say so);
    - ``is a directory, not a scenario file``; ``is a FIFO (named pipe), not a regular file``,
      and likewise for a character device (``/dev/zero``, ``/dev/null``), a block device and a socket
      — all refused before the file is opened, so nothing blocks or reads without end;
    - ``is 200.0 MiB, more than the 1 MiB a scenario file may be`` — refused before reading;
      a file that grows past ``limit`` while it is read is refused the same way.
    """
    path = os.fspath(path)
    try:
        before = os.stat(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise UnreadableFile(_os_message(exc) if isinstance(exc, OSError) else "cannot be read (a NUL byte in the "
                                                                                  "path)") from None
    _check(before, limit, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(_os_message(exc)) from None
    try:
        _check(os.fstat(fd), limit, what)  # the file opened is the file checked
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise UnreadableFile(_os_message(exc)) from None
    finally:
        os.close(fd)
    if total > limit:
        raise UnreadableFile(f"grew to more than the {size_text(limit)} {what} may be while it was read")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_or_problem(path: Path, limit: int, what: str, label: str | None = None):
    """:func:`read_bytes` for the scenario readers: the bytes, or raise
    :class:`~simlib.scenario.problems.ScenarioError` with one problem naming ``label`` (default: the path)."""
    from simlib.scenario.problems import Problem, ScenarioError

    try:
        return read_bytes(path, limit, what)
    except UnreadableFile as exc:
        raise ScenarioError([Problem(str(path) if label is None else label, "", str(exc))]) from None
