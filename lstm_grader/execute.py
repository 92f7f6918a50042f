"""nbgrader's Execute step, run in a sandboxed kernel, within a notebook time limit and an output budget.

`SandboxedExecute` replaces nbgrader's ``Execute`` in ``c.Autograde.autograde_preprocessors``. Compared with it:

- the kernel is started by `lstm_grader.sandbox` (bubblewrap: an allow-list view of the filesystem, no network,
  own pid namespace; own uid as root; cgroups or rlimits and a watchdog; no lstm_ref) and talks over ipc sockets;
  without bubblewrap it refuses to run unless ``allow_unisolated`` is set, and then records that it ran unisolated;
- ``notebook_timeout`` bounds the whole notebook (every cell shares it); a cell that runs past it is recorded as
  ``TimeLimitExceeded`` and the cells after it as not run; the kernel is killed, not interrupted (a submission can
  ignore SIGINT);
- a kernel that dies (``sys.exit`` in a thread, ``os._exit``, killed by a limit) marks its cell and the rest as not
  run, and the run goes on with the next notebook;
- outputs kept per notebook are capped (``max_output_bytes``); the grading reports have their own budget;
- afterwards every process the submission started is killed and its scratch folder removed, whatever happened.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from time import monotonic

from jupyter_client.manager import AsyncKernelManager
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from traitlets import Any, Bool, Integer, Unicode

from lstm_checks.report import MIME
from lstm_grader import sandbox as sandboxing
from lstm_grader.sandbox import Isolation, Limits, Sandbox
from nbgrader.preprocessors import Execute

class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel command is the sandbox's, over ipc sockets in the sandbox's folder."""

    sandbox = Any(allow_none=True)

    def format_kernel_cmd(self, extra_arguments=None):
        # Called right after the connection file is written: hand it to the sandbox uid only.
        self.sandbox.prepare_connection_file()
        return self.sandbox.command(extra_arguments)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        kw["cwd"] = str(self.sandbox.dir)
        kw["stdin"] = subprocess.DEVNULL
        log = open(self.sandbox.log_path, "wb")
        kw["stdout"] = kw["stderr"] = log
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            log.close()
        self.sandbox.started(self.provisioner.process)


def error_output(ename: str, evalue: str) -> dict:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class SandboxedExecute(Execute):
    notebook_timeout = Integer(30, help="Seconds the whole notebook may run (all cells together).").tag(config=True)
    max_output_bytes = Integer(1 << 20, help="Output bytes kept per notebook (grading reports apart).").tag(
        config=True)
    max_report_bytes = Integer(32 << 20, help="Bytes of grading reports accepted per notebook.").tag(config=True)
    memory_bytes = Integer(1 << 30, help="Memory cap of the kernel and its children (cgroup).").tag(config=True)
    address_space_bytes = Integer(3 << 30, help="Address-space rlimit per kernel process.").tag(config=True)
    max_processes = Integer(64, help="Processes and threads the kernel's uid may have.").tag(config=True)
    file_bytes = Integer(16 << 20, help="Largest file the kernel may write.").tag(config=True)
    work_bytes = Integer(64 << 20, help="Size of the kernel's scratch folder (tmpfs).").tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap binary that isolates the kernel (a name on PATH or a path).").tag(
        config=True)
    allow_unisolated = Bool(False, help="Grade even where bubblewrap cannot isolate the kernel (each notebook's "
                            "record and feedback then say so).").tag(config=True)

    # Timeouts are enforced by notebook_timeout; poll often so a dead kernel is noticed quickly.
    shell_timeout_interval = 1
    iopub_timeout = 2
    raise_on_iopub_timeout = False
    interrupt_on_timeout = False
    error_on_timeout = None

    def _limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, address_space_bytes=self.address_space_bytes,
                      processes=self.max_processes, file_bytes=self.file_bytes, work_bytes=self.work_bytes,
                      cpu_seconds=self.notebook_timeout + 10)

    # -- output budget ----------------------------------------------------------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        data = content.get("data") or {}
        is_report = isinstance(data, dict) and MIME in data
        size = len(content.get("text", "") or "")
        if isinstance(data, dict):
            size += sum(len(str(v)) for v in data.values())
        if is_report:
            self._report_bytes += size
            if self._report_bytes > self.max_report_bytes:
                return None
        else:
            self._output_bytes += size
            if self._output_bytes > self.max_output_bytes:
                if not self._truncated:
                    self._truncated = True
                    outs.append(new_output("stream", name="stdout",
                                           text="\n[output truncated by the autograder: too much output]\n"))
                return None
        return super().output(outs, msg, display_id, cell_index)

    # -- the run ----------------------------------------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._output_bytes = self._report_bytes = 0
        self._truncated = False
        path = (resources or {}).get("metadata", {}).get("path") or None
        isolation = sandboxing.isolation(self.bwrap)
        if not isolation.isolated and not self.allow_unisolated:
            raise sandboxing.SandboxUnavailable(isolation.refusal())
        sandbox = Sandbox(self._limits(), work_src=path, isolation=isolation)
        self.km = SandboxKernelManager(sandbox=sandbox, transport="ipc", ip=sandbox.ipc_prefix,
                                       connection_file=sandbox.connection_file, kernel_name="python3")
        self.owns_km = True
        self.shutdown_kernel = "immediate"  # no polite wait: the sandbox is torn down right after
        self.startup_timeout = max(5, self.notebook_timeout)
        deadline = monotonic() + self.notebook_timeout
        problem = None  # why the remaining cells do not run
        record = {"sandbox": sandbox.enforced}
        started = monotonic()
        ready = False
        ran = set()  # indices of the cells that were sent to the kernel
        try:
            try:
                with self.setup_kernel():
                    self.wait_for_reply(self.kc.kernel_info())
                    ready = True
                    for index, cell in enumerate(self.nb.cells):
                        if cell.cell_type != "code" or not cell.source.strip():
                            continue
                        if monotonic() >= deadline:
                            problem = ("TimeLimitExceeded", f"not run: the notebook's {self.notebook_timeout} s "
                                       "time limit ran out before this cell")
                            break
                        self.timeout_func = lambda _cell: max(1, min(
                            int(deadline - monotonic() + 0.999), self.timeout or self.notebook_timeout))
                        ran.add(index)
                        try:
                            self.preprocess_cell(cell, resources, index)
                        except CellTimeoutError:
                            cell.outputs.append(error_output(
                                "TimeLimitExceeded",
                                f"this cell was stopped: the notebook's {self.notebook_timeout} s time limit ran out"))
                            problem = ("TimeLimitExceeded", "not run: the notebook's time limit ran out earlier")
                            break
                        except DeadKernelError:
                            cell.outputs.append(error_output(
                                "KernelDied", "the kernel stopped while running this cell (it exited, was killed "
                                "by a resource limit, or crashed)"))
                            problem = ("KernelDied", "not run: the kernel had stopped earlier in the notebook")
                            break
            except Exception as exc:
                if not ready:  # the kernel never became ready
                    problem = ("KernelNotStarted", f"the kernel did not start ({type(exc).__name__}: {exc})"[:300])
                    record["kernel_log"] = _tail(sandbox.log_path)
                elif problem is None:  # e.g. the kernel sent something nbclient could not handle
                    self.log.exception("execution stopped")
                    problem = ("KernelError", f"not run: grading stopped on a kernel error ({type(exc).__name__})")
            if problem is not None:
                record["problem"] = problem[0]
                for index, cell in enumerate(self.nb.cells):
                    if cell.cell_type == "code" and cell.source.strip() and index not in ran:
                        cell.outputs = [error_output(*problem)]
        finally:
            record["clean"] = sandbox.destroy()
            record["seconds"] = round(monotonic() - started, 3)
            self.km = None
            self.kc = None
        self.resources.setdefault("lstm_grading", {})["execute"] = record
        return self.nb, self.resources


def check_isolation(config, quiet: bool = False) -> Isolation:
    """What isolates the learners' code here (printed as one line); SystemExit naming cause and fix when grading
    cannot start, or when it would run unisolated without ``allow_unisolated``."""
    settings = SandboxedExecute(config=config)
    try:
        isolation = sandboxing.isolation(settings.bwrap)
    except sandboxing.SandboxUnavailable as exc:
        raise SystemExit(f"autograde cannot start: {exc}") from None
    if not isolation.isolated and not settings.allow_unisolated:
        raise SystemExit(isolation.refusal())
    if not quiet:
        print(isolation.line(settings._limits()), flush=True)
    return isolation


def _tail(path, limit=2000) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace")
