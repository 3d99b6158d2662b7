"""How the ``simlib`` command ends when it cannot finish: signals, a full disk, an unforeseen error.

The console script is :func:`main` here, not :func:`simlib.cli.main`: it installs the signal
handlers before anything heavy is imported, so a Ctrl-C even during start-up is one line, never a
traceback.  Exit statuses (also in the README):

- 0 done; 1 a run failed (a notebook, a full disk, an unforeseen error); 2 bad input;
- 130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM (128 + the signal's number, as a shell
  reports it).

SIGTERM raises :class:`Terminated` (a :class:`KeyboardInterrupt`) in the main thread, so the
``finally`` blocks and context managers on the way out run exactly as they do for Ctrl-C: kernels
and worker processes are shut down, temporaries removed, earlier outputs left as they were.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

from simlib.terminal import shown

EXIT_FAILED = 1
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the main thread is, so that it unwinds as a Ctrl-C does."""


def _on_sigterm(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding: a second SIGTERM must not cut it short
    raise Terminated


def install() -> None:
    """SIGTERM → :class:`Terminated`; SIGINT → KeyboardInterrupt (Python's default, restored in case
    a parent process left it ignored)."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def ending(exc: BaseException) -> tuple[int, str]:
    """The exit status and the one line to print for an exception that reached the top of the command."""
    if isinstance(exc, Terminated):
        return EXIT_TERMINATED, "stopped (SIGTERM): queued work cancelled, finished outputs kept"
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted (Ctrl-C): queued work cancelled, finished outputs kept"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" writing {exc.filename}" if exc.filename else ""
        return EXIT_FAILED, f"the disk is full{where}: nothing was published; earlier outputs are as they were"
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return EXIT_FAILED, f"{exc.strerror or type(exc).__name__}{where}"
    if isinstance(exc, MemoryError):
        return EXIT_FAILED, "out of memory"
    text = " ".join(str(exc).split())
    return EXIT_FAILED, (f"internal error: {type(exc).__name__}{': ' + text if text else ''} "
                         "(set SIMLIB_DEBUG=1 to see where; please report it)")


def main(argv: list[str] | None = None) -> int:
    """The ``simlib`` console script: :func:`simlib.cli.main`, with every ending one line on stderr."""
    install()
    try:
        from simlib.cli import main as cli_main

        return cli_main(argv)
    except SystemExit:
        raise
    except BrokenPipeError:  # `simlib list | head`: the reader has gone; nothing more to say
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (so the interpreter's final flush is quiet)
        except OSError:
            pass
        return EXIT_FAILED
    except BaseException as exc:  # noqa: BLE001 (the one place every ending is turned into a line)
        if os.environ.get("SIMLIB_DEBUG"):
            raise
        status, line = ending(exc)
        try:
            print(f"simlib: {shown(line)}", file=sys.stderr)
        except (OSError, ValueError):
            pass
        return status


if __name__ == "__main__":
    sys.exit(main())
