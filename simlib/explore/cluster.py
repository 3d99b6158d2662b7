"""Dask for more than one machine: a client for a scheduler address, or a LocalCluster.

``simlib batch|sweep|sensitivity --dask tcp://scheduler:8786`` sends the work to
an existing Dask distributed cluster whose workers have simlib installed (the
same version, in the same project folder for briefs); ``--dask local`` starts a
``LocalCluster`` of ``jobs`` single-threaded worker processes on this machine.

On Ctrl-C or SIGTERM the block of :func:`client_for` is left by the interrupt: the client is
closed (its futures cancelled) and a local cluster shut down with its workers, then the interrupt
goes on.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

CONNECT_SECONDS = 10


class ClusterError(Exception):
    """The cluster could not be reached or started; the message is one line."""


@contextmanager
def client_for(address: str, jobs: int) -> Iterator:
    from distributed import Client, LocalCluster

    if address == "local":
        # Started with SIGINT blocked: the cluster's threads and the worker processes they spawn inherit
        # that, so a Ctrl-C reaching the process group prints no traceback from them; this process
        # (the main thread) gets it and closes the cluster, which ends the workers.  A worker whose
        # parent dies exits by itself (distributed watches the parent).
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(address, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address!r} within {CONNECT_SECONDS} s "
                           f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
    try:
        yield client
    finally:
        client.close()
