"""Execute a brief notebook with papermill, in a folder of its own.

The kernel is always ipykernel in the Python that runs simlib (:func:`kernel_spec`), whatever
``python3`` kernel a user's Jupyter search path (``JUPYTER_PATH``, ``~/.local/share/jupyter``) holds,
and it shows each warning as one line, ``Category: message`` (:data:`ONE_LINE_WARNINGS`).
"""

from __future__ import annotations

import asyncio
import errno
import os
import re
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: Run by the kernel as it starts (``IPKernelApp.exec_lines``): each warning a cell raises is written
#: to stderr as ``Category: message`` on one line, not as ``file:line: Category: message`` followed by
#: the line of code that raised it.  It leaves no name in the notebook's namespace.
ONE_LINE_WARNINGS = ("__import__('warnings').formatwarning = lambda message, category, filename, lineno, "
                     "line=None: f\"{category.__name__}: {' '.join(str(message).split())}\\n\"")


@dataclass(frozen=True)
class Failure:
    """Why a notebook run failed: the cell and its error, in one line each."""

    cell: int | None
    error: str

    def __str__(self) -> str:
        where = f"cell {self.cell}: " if self.cell is not None else ""
        return where + self.error


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path) -> Failure | None:
    """Run ``notebook`` with ``parameters`` into ``output``; return the failure, if any.

    The executed notebook is written to ``output`` whether or not the run fails
    (papermill adds an error banner to a failed one).  A failure to import a module, or to start
    the kernel at all, says which Python the kernel ran.

    A full disk (ENOSPC or EDQUOT, whether papermill or a cell could not write) raises that
    :class:`OSError`: ``output`` may then be incomplete and must not be kept.  On Ctrl-C or SIGTERM
    (whatever Python handler the process has for them) the run is cancelled, its kernel (in a session
    of its own, out of reach of a terminal's Ctrl-C) and the kernel's process group are killed, and
    then the process's own handler is called, which raises the interrupt; a signal the process
    ignores stays ignored.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    launched: list[str] = []  # the interpreter of the kernel, once it is started
    kernels: list = []  # the kernel managers, and the kernels' processes, to kill on the way out
    with _signals_cancel_the_run() as caught:
        try:
            papermill.execute_notebook(
                str(notebook), str(output), parameters=parameters, cwd=str(cwd),
                progress_bar=False, log_output=False,
                request_save_on_cell_execute=True,  # so a kernel that dies leaves a notebook showing where
                # the kernel's own start-up chatter (e.g. a notice about its local TCP transport) is not
                # the user's business; cell warnings still reach the notebook's stderr outputs, one line each
                extra_arguments=["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False",
                                 f"--IPKernelApp.exec_lines={ONE_LINE_WARNINGS}"],
                kernel_manager_class=_manager_class(launched, kernels),
                # the finished notebook is saved; a graceful shutdown waited up to 2.6 s more, now and then,
                # for a kernel with nothing left to do
                shutdown_kernel="immediate",
            )
        except PapermillExecutionError as exc:
            if caught:
                return None  # the interrupt is raised on the way out
            if exc.ename in ("OSError", "IOError") and _DISK_FULL.match(exc.evalue or ""):
                code = int(_DISK_FULL.match(exc.evalue).group(1))
                raise OSError(code, os.strerror(code)) from None  # a cell could not write: the disk is full
            error = f"{exc.ename}: {exc.evalue}".strip()
            if exc.ename in ("ModuleNotFoundError", "ImportError"):
                error += _ran(launched)
            return Failure(cell=exc.exec_count, error=error)
        except Exception as exc:  # a dead kernel, a timeout, a kernel that never started
            if caught:
                return None
            full = disk_full(exc)
            if full is not None:
                raise full from None
            error = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
            cell = _cell_reached(output)
            return Failure(cell=cell, error=error + (_ran(launched) if cell is None else ""))
        except BaseException as exc:
            if caught and isinstance(exc, asyncio.CancelledError):
                return None  # cancelled by the signal: the interrupt is raised on the way out
            raise
        finally:
            _kill_kernels(kernels)
    return None


#: What ``str(OSError)`` starts with for a full disk (ENOSPC) or a full quota (EDQUOT), as a cell reports it.
_DISK_FULL = re.compile(rf"^\[Errno ({errno.ENOSPC}|{errno.EDQUOT})\]")


def disk_full(exc: BaseException | None) -> OSError | None:
    """The :class:`OSError` of a full disk or quota (ENOSPC, EDQUOT) that caused ``exc``, if any
    (``exc`` itself, or an exception in its ``__cause__``/``__context__`` chain)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _cancel_all(loop) -> None:
    for task in asyncio.all_tasks(loop):
        task.cancel()


@contextmanager
def _signals_cancel_the_run():
    """While papermill runs: SIGINT and SIGTERM (when the process has a Python handler for them)
    cancel the run's asyncio tasks, so nbclient shuts its kernel down on the way out; afterwards the
    process's own handler is called with the first such signal (it raises the interrupt).  A signal
    arriving outside the event loop calls that handler at once.  nbclient's own signal handlers,
    which would shut the kernel down and let the run go on to report a dead kernel, are not installed."""
    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    caught: list[tuple[int, object]] = []
    previous = {}

    def cancel(signum, frame):
        if caught:
            return  # one unwinding
        if not loop.is_running():
            previous[signum](signum, frame)
            return
        caught.append((signum, frame))
        # through the loop's own wake-up pipe: a Python signal handler does not wake a loop waiting
        # in its selector, and the tasks are cancelled by the loop, between its callbacks
        loop.call_soon_threadsafe(_cancel_all, loop)

    def refuse(*args, **kwargs):
        raise RuntimeError("simlib handles signals itself")

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(sig)
            if callable(handler):
                previous[sig] = handler
                signal.signal(sig, cancel)
    loop.add_signal_handler = refuse  # nbclient catches this RuntimeError and goes on without its handlers
    loop.remove_signal_handler = lambda sig: False
    try:
        yield caught
    finally:
        del loop.add_signal_handler, loop.remove_signal_handler
        for sig, handler in previous.items():
            if signal.getsignal(sig) is cancel:
                signal.signal(sig, handler)
    if caught:
        signum, frame = caught[0]
        previous[signum](signum, frame)  # raises KeyboardInterrupt, or simlib.interrupt.Terminated
        raise KeyboardInterrupt  # a handler that did not raise: the run was cancelled all the same


def _kill_kernels(kernels: list) -> None:
    """Kill every kernel still running of those started (nbclient shuts each down on a normal ending),
    with its whole process group (the kernel leads a session of its own), and reap it."""
    processes = []
    for item in kernels:
        process = item if hasattr(item, "poll") else getattr(getattr(item, "provisioner", None), "process", None)
        if process is not None and process not in processes:
            processes.append(process)
    for process in processes:
        try:
            if process.poll() is not None:
                continue
            try:
                if os.getpgid(process.pid) == process.pid and process.pid != os.getpgrp():
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
            except ProcessLookupError:
                pass
            process.wait(timeout=10)
        except Exception:  # noqa: BLE001 (a kernel already gone, or one that will not be reaped: nothing more to do)
            continue


def _ran(launched: list[str]) -> str:
    """`` (the kernel ran /path/to/python)``: the interpreter a kernel was started with, to follow an error."""
    if not launched:
        return ""
    here = "" if launched[-1] == sys.executable else f", not the Python running simlib ({sys.executable})"
    return f" (the kernel ran {launched[-1]}{here})"


def kernel_spec():
    """ipykernel's own kernel spec for this Python (``sys.executable``): the kernel every brief runs in,
    with simlib's folder on its ``PYTHONPATH`` when only this process's start-up folder put it on
    ``sys.path``; None when ipykernel cannot be imported here."""
    try:
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    except ImportError:
        return None
    from jupyter_client.kernelspec import KernelSpec

    return KernelSpec(resource_dir=RESOURCES, env=_kernel_env(), **get_kernel_dict())


def _kernel_env() -> dict[str, str]:
    """``PYTHONPATH`` for the kernel, when simlib is imported from a folder only ``sys.path[0]`` names
    (``python -m simlib.cli`` in a checkout that is not installed): the kernel starts in a staging
    folder, where that entry would point elsewhere.  Empty otherwise (an installed simlib)."""
    import simlib

    home = Path(simlib.__file__).resolve().parent.parent
    entries = [Path(p or os.getcwd()).resolve() for p in sys.path]
    if not entries or entries[0] != home or home in entries[1:]:
        return {}
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(home), os.environ.get("PYTHONPATH", "")) if p)}


def kernel_note() -> str | None:
    """One line, when briefs cannot run in this Python: which interpreter the kernel resolves to instead."""
    if kernel_spec() is not None:
        return None
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(NATIVE_KERNEL_NAME).argv
    except NoSuchKernel:
        return f"ipykernel cannot be imported in {sys.executable}, and Jupyter knows no python3 kernel"
    interpreter = sys.executable if argv[0] in ("python", "python3") else argv[0]
    return (f"ipykernel cannot be imported in {sys.executable}: briefs run in the python3 kernel "
            f"Jupyter finds, {interpreter}")


def _manager_class(launched: list[str], kernels: list | None = None) -> type:
    """A kernel manager for one run: the kernel is :func:`kernel_spec`'s (Jupyter's lookup by name
    only when ipykernel is missing here), the interpreter it starts is appended to ``launched``, and
    the manager and the kernel's process to ``kernels``."""
    kernels = [] if kernels is None else kernels
    from jupyter_client import AsyncKernelManager

    class BriefKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = kernel_spec() or AsyncKernelManager.kernel_spec.fget(self)
            return self._kernel_spec

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            launched.append(cmd[0])
            return cmd

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kernels.append(self)
            await super()._async_launch_kernel(kernel_cmd, **kw)
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                kernels.append(process)

    return BriefKernelManager


def declared_parameters(notebook: Path) -> set[str]:
    """The names the notebook's ``parameters`` cell assigns (papermill warns of any other it is given)."""
    import ast

    nb = nbformat.read(notebook, as_version=4)
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            names |= {t.id for node in tree.body if isinstance(node, ast.Assign)
                      for t in node.targets if isinstance(t, ast.Name)}
    return names


def _cell_reached(output: Path) -> int | None:
    """The number (as the kernel counts them) of the last code cell papermill started, if the notebook
    was saved before the run broke off.

    Papermill stamps ``start_time`` on a cell as it starts it and saves the notebook; a cell's
    ``execution_count`` is no guide, since a dying kernel may or may not have announced it.
    Empty cells are never sent to the kernel, so they are not counted.
    """
    try:
        nb = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return None
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    started = [n for n, c in enumerate(code, 1) if c.metadata.get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def stderr_text(executed: Path) -> list[str]:
    """What the cells of an executed notebook wrote to stderr (warnings), one entry per output."""
    nb = nbformat.read(executed, as_version=4)
    return [
        out.get("text", "")
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]


#: A warning as the kernel shows it: ``Category: message`` (:data:`ONE_LINE_WARNINGS`), or Python's own
#: ``file:line: Category: message`` (then followed by the line of code, indented two spaces).
_WARNING = re.compile(r"^(?:.*?:\d+: )?(\w*Warning: .*)$")


def warnings_in(texts: list[str]) -> list[str]:
    """One line per thing worth saying about what cells wrote to stderr, without repeats: each warning
    as ``Category: message``; of any other text in an output, its last line."""
    found: dict[str, None] = {}
    for text in texts:
        other = None
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if m := _WARNING.match(line):
                found.setdefault(m.group(1).rstrip())
            elif line.startswith("  ") and i and _WARNING.match(lines[i - 1]):
                continue  # the code that raised a warning in Python's own format
            elif line.strip():
                other = line.strip()
        if other is not None:
            found.setdefault(other)
    return list(found)
