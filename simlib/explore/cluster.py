"""Dask for more than one machine: a client for a scheduler address, or a LocalCluster.

``simlib batch|sweep|sensitivity --dask tcp://scheduler:8786`` sends the work to
an existing Dask distributed cluster whose workers have simlib installed (the
same version, in the same project folder for briefs); ``--dask local`` starts a
``LocalCluster`` of ``jobs`` single-threaded worker processes on this machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

CONNECT_SECONDS = 10


class ClusterError(Exception):
    """The cluster could not be reached or started; the message is one line."""


@contextmanager
def client_for(address: str, jobs: int) -> Iterator:
    from distributed import Client, LocalCluster

    if address == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
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
