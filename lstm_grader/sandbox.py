"""One confined kernel per graded notebook: where it runs, as whom, within which limits, and its clean-up.

Two modes, chosen once per process by `detect_mode`:

- ``root`` (the grading server and CI, which run as root): the kernel starts inside new mount, pid and network
  namespaces (``unshare``), as a uid of its own from a range nobody else uses (one per parallel slot, held with a
  lock file), with no groups and no_new_privs. Its working folder is a size-capped tmpfs holding a copy of the
  submission's files (no notebooks); every other mount is read-only; /tmp and /dev/shm are private; the course
  folder (solutions/, course/ with the gradebook and other students' work, the reference package) is covered by an
  empty tmpfs. The kernel talks to the grader over ZMQ ``ipc`` sockets in a folder only its uid can enter (the
  network namespace has no usable network, not even loopback). Memory and process counts are capped by cgroups
  when the machine lets us make them, and by rlimits always. When the notebook is done, killing the namespace's
  first process ends every process the submission started, double-forked or not; the slot's uid is then swept.
- ``rlimits`` (an instructor's own account): only resource limits, a clean environment without lstm_ref, and
  a process-group kill plus a sweep by an environment marker. File isolation is then NOT enforced.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from lstm_grader import kernel_env

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INIT = HERE / "sandbox_init.py"
BASE = Path(os.environ.get("LSTM_GRADING_SCRATCH", "/var/tmp/lstm-grading"))
# Sandbox uids: a range with no passwd entry, one per concurrently running kernel.
UID_FIRST, UID_COUNT = 64200, 64
MARKER = "LSTM_GRADING_SANDBOX"

_mode_cache: str | None = None


def detect_mode() -> str:
    """"root" when namespaces and uid switching work here, else "rlimits" (LSTM_GRADING_SANDBOX forces one)."""
    global _mode_cache
    forced = os.environ.get("LSTM_GRADING_SANDBOX_MODE")
    if forced:
        return forced
    if _mode_cache is None:
        _mode_cache = "rlimits"
        if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("mount"):
            probe = subprocess.run(
                ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "--mount-proc", "true"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if probe.returncode == 0:
                _mode_cache = "root"
    return _mode_cache


class Limits:
    """What one notebook's kernel may use (set from the grader's configuration)."""

    def __init__(self, memory_bytes=1 << 30, address_space_bytes=3 << 30, processes=64,
                 file_bytes=16 << 20, work_bytes=64 << 20, cpu_seconds=60, open_files=256):
        self.memory_bytes = memory_bytes
        self.address_space_bytes = address_space_bytes
        self.processes = processes
        self.file_bytes = file_bytes
        self.work_bytes = work_bytes
        self.cpu_seconds = cpu_seconds
        self.open_files = open_files


def _uid_free(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return False
    except KeyError:
        return True


def _processes_matching(uid: int | None = None, marker: str | None = None) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            if uid is not None:
                with open(f"/proc/{pid}/status") as f:
                    status = dict(line.split(":", 1) for line in f if ":" in line)
                # A zombie is already dead (it only waits to be reaped); anything else of the uid is alive.
                if int(status["Uid"].split()[0]) == uid and not status.get("State", "").strip().startswith("Z"):
                    found.append(pid)
            elif marker is not None:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if f"{MARKER}={marker}".encode() in f.read().split(b"\0"):
                        found.append(pid)
        except (OSError, ValueError):
            continue
    return found


def _kill_all(finder, attempts=50) -> bool:
    """SIGKILL whatever `finder()` lists until nothing is left; True when clean."""
    for _ in range(attempts):
        pids = finder()
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)
    return not finder()


class Sandbox:
    """The confinement for one kernel. Create, pass `command()` to the kernel manager, then `destroy()`."""

    def __init__(self, limits: Limits, work_src: str | None = None, hide: list[str] | tuple = ()):
        self.limits = limits
        self.mode = detect_mode()
        self.nonce = secrets.token_hex(6)
        self.process: subprocess.Popen | None = None
        self.enforced: dict[str, object] = {"mode": self.mode}
        self._lock_fd = None
        self._cgroups: list[Path] = []
        BASE.mkdir(mode=0o711, parents=True, exist_ok=True)
        os.chmod(BASE, 0o711)
        if self.mode == "root":
            self.uid = self.gid = self._acquire_slot()
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
        self.dir = BASE / f"k-{self.uid}-{self.nonce}"
        self.dir.mkdir(mode=0o711)
        self.ipc_dir = self.dir / "ipc"
        self.work = self.dir / "work"
        self.pkgs = self.dir / "pkgs"
        for d in (self.ipc_dir, self.work):
            d.mkdir(mode=0o700)
            if self.mode == "root":
                os.chown(d, self.uid, self.gid)
        # The checks (never lstm_ref) as the kernel imports them: a fresh read-only copy per kernel.
        shutil.copytree(ROOT / "lstm_checks", self.pkgs / "lstm_checks",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for path in [self.pkgs, *self.pkgs.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        self.connection_file = str(self.ipc_dir / "kernel.json")
        self.ipc_prefix = str(self.ipc_dir / "k")
        self.log_path = self.dir / "kernel.log"
        self.work_src = work_src
        self.hide = [str(Path(p).resolve()) for p in hide]
        if self.mode == "root":
            self._make_cgroups()

    # -- slots and cgroups ------------------------------------------------------------------------------------
    def _acquire_slot(self) -> int:
        slots = BASE / "slots"
        slots.mkdir(mode=0o700, exist_ok=True)
        for uid in range(UID_FIRST, UID_FIRST + UID_COUNT):
            if not _uid_free(uid):
                continue
            fd = os.open(slots / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    continue
                raise
            # A previous holder may have died before its sweep: nothing of this uid may survive into our run.
            _kill_all(lambda: _processes_matching(uid=uid))
            self._lock_fd = fd
            return uid
        raise RuntimeError(f"no free sandbox uid in {UID_FIRST}..{UID_FIRST + UID_COUNT - 1}")

    def _make_cgroups(self) -> None:
        v1 = {"memory": {"memory.limit_in_bytes": self.limits.memory_bytes,
                         "memory.memsw.limit_in_bytes": self.limits.memory_bytes},
              "pids": {"pids.max": self.limits.processes}}
        for controller, settings in v1.items():
            parent = Path("/sys/fs/cgroup") / controller
            if not (parent / "cgroup.procs").exists():
                continue
            group = parent / "lstm-grading" / self.nonce
            try:
                group.mkdir(parents=True)
                for name, value in settings.items():
                    try:
                        (group / name).write_text(str(value))
                        self.enforced[f"cgroup {name}"] = value
                    except OSError:
                        if name != "memory.memsw.limit_in_bytes":  # swap accounting is often off
                            raise
                self._cgroups.append(group)
            except OSError:
                shutil.rmtree(group, ignore_errors=True)

    # -- launching --------------------------------------------------------------------------------------------
    def spec(self, kernel_argv: list[str]) -> dict:
        lim = self.limits
        rlimits = {"AS": lim.address_space_bytes, "FSIZE": lim.file_bytes, "CPU": lim.cpu_seconds,
                   "NOFILE": lim.open_files, "CORE": 0}
        if self.mode == "root":
            rlimits["NPROC"] = lim.processes  # per uid: each slot has its own uid
        self.enforced.update({f"rlimit {k}": v for k, v in rlimits.items()})
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.work),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(self.pkgs),
            "PYTHONDONTWRITEBYTECODE": "1",
            "IPYTHONDIR": str(self.work / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(self.work / ".jupyter"),
            "MPLCONFIGDIR": str(self.work / ".matplotlib"),
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "LSTM_COURSE_GRADING": "1",
            MARKER: self.nonce,
            # Which class run this kernel belongs to (for the instructor's process listings and the tests).
            "LSTM_GRADING_COURSE": os.environ.get("LSTM_GRADING_COURSE_ROOT", ""),
        }
        return {"mode": self.mode, "uid": self.uid, "gid": self.gid, "work": str(self.work),
                "ipc_dir": str(self.ipc_dir), "work_src": self.work_src, "work_bytes": lim.work_bytes,
                "hide": self.hide, "rlimits": rlimits, "env": env, "argv": kernel_argv,
                "cgroup_procs": [str(g / "cgroup.procs") for g in self._cgroups]}

    def command(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel_argv = [str(kernel_env.kernel_python()), "-s", "-m", "ipykernel_launcher",
                       "-f", self.connection_file,
                       *(extra_arguments or [])]
        spec_path = self.dir / "spec.json"
        spec_path.write_text(json.dumps(self.spec(kernel_argv)))
        os.chmod(spec_path, 0o600)
        init = [sys.executable, "-I", "-S", str(INIT), str(spec_path)]
        if self.mode == "root":
            return ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "--mount-proc", *init]
        return init

    def prepare_connection_file(self) -> None:
        """The kernel reads its connection file as the sandbox uid; nobody else may."""
        if self.mode == "root" and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self.uid, self.gid)
            os.chmod(self.connection_file, 0o600)

    # -- clean-up ---------------------------------------------------------------------------------------------
    def destroy(self) -> bool:
        """Kill everything the kernel started, remove the scratch folder and cgroups; True if nothing survived."""
        clean = True
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.process.kill()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                clean = False
        if self.mode == "root":
            clean &= _kill_all(lambda: _processes_matching(uid=self.uid))
        else:
            clean &= _kill_all(lambda: _processes_matching(marker=self.nonce))
        for group in self._cgroups:
            for _ in range(100):
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        return clean
