"""Execute a brief notebook with papermill, in a folder of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat


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
    (papermill adds an error banner to a failed one).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, cwd=str(cwd),
            progress_bar=False, log_output=False,
            request_save_on_cell_execute=True,  # so a kernel that dies leaves a notebook showing where
            # the kernel's own start-up chatter (e.g. a notice about its local TCP transport) is not
            # the user's business; cell warnings still reach the notebook's stderr outputs
            extra_arguments=["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"],
            # the finished notebook is saved; a graceful shutdown waited up to 2.6 s more, now and then,
            # for a kernel with nothing left to do
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        return Failure(cell=exc.exec_count, error=f"{exc.ename}: {exc.evalue}".strip())
    except Exception as exc:  # a dead kernel, a timeout, a kernel that never started
        error = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
        return Failure(cell=_cell_reached(output), error=error)
    return None


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
