"""Where the notebooks run: an embedded Dask cluster on this machine (the default), or an existing scheduler.

``--scheduler tcp://host:8786`` sends the work to a cluster the instructor already runs (``dask scheduler`` and
``dask worker`` processes, each worker with this repository installed and one thread: one sandboxed kernel at a
time per worker process). Dask re-runs the task of a worker that dies on another worker.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from distributed import Client, LocalCluster


@contextmanager
def dask_client(scheduler: str | None, workers: int):
    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    # Processes, not threads: each kernel start, verdict and nbconvert step holds the GIL. No memory limit: the
    # sandbox caps each kernel, and the nanny must not restart a worker for a kernel's memory.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=0,
                      host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def worker_count(client: Client) -> int:
    return sum(w.get("nthreads", 1) for w in client.scheduler_info(n_workers=-1)["workers"].values())
