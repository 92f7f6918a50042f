"""A Dask cluster started as an instructor would: `dask scheduler` and `dask worker` processes on 127.0.0.1."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent


def kill_tree(pid: int, sig=signal.SIGKILL) -> None:
    """The process and everything it started (a worker's sandboxed kernels included)."""
    try:
        process = psutil.Process(pid)
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in family:
        try:
            p.send_signal(sig)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)


class CommandLineCluster:
    """A scheduler on a free port (its address read from its log) and `workers` one-thread workers."""

    def __init__(self, env: dict, workers: int = 2, nanny: bool = True):
        self.env, self.workers, self.nanny = env, workers, nanny
        self.scheduler, self.worker_processes, self.address = None, [], None

    def __enter__(self):
        try:
            self.scheduler = self._start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
                                         stderr=subprocess.PIPE)
            seen, deadline = [], time.monotonic() + 60
            while self.address is None and time.monotonic() < deadline:
                seen.append(self.scheduler.stderr.readline())
                found = re.search(r"Scheduler at:\s+(tcp://127\.0\.0\.1:\d+)", seen[-1])
                self.address = found and found.group(1)
            assert self.address, "the scheduler did not say its address:\n" + "".join(seen)
            for _ in range(self.workers):
                self.worker_processes.append(self._start(
                    ["worker", self.address, "--nthreads", "1", "--memory-limit", "0", "--no-dashboard",
                     "--host", "127.0.0.1", *([] if self.nanny else ["--no-nanny"])], stderr=subprocess.DEVNULL))
            from distributed import Client
            with Client(self.address, timeout="30s") as client:
                client.wait_for_workers(self.workers, timeout=120)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self, args, stderr):
        return subprocess.Popen([str(BIN / "dask"), *args], env=self.env, cwd=tempfile.gettempdir(), text=True,
                                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)

    def __exit__(self, *exc):
        for process in [*self.worker_processes, self.scheduler]:
            if process is not None:
                kill_tree(process.pid, signal.SIGTERM)
                kill_tree(process.pid)
                process.wait(30)
