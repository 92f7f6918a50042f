"""One confined kernel per graded notebook: what it can see, as whom it runs, within which limits, and its clean-up.

The same sandbox whoever grades, root or an instructor without root, built on bubblewrap (``bwrap``):

- **An allow-list view of the filesystem.** The kernel sees the system's programs and libraries (``/usr/bin``,
  ``/usr/lib*``) and the grading kernel's environment, read-only; a copy of the course's ``lstm_checks``,
  read-only; a private size-capped tmpfs as its working folder (holding only the submission's data files) and
  another as /tmp; and the one folder of ZMQ ``ipc`` sockets it talks to the grader through. Nothing else exists
  in its view: not the course, the gradebook, other students' work, solutions, anyone's home, /root, /work, /srv,
  /opt, another checkout anywhere.
- **No network at all** (an empty network namespace: only its own loopback, on which nothing listens), its own
  pid, ipc and uts namespaces, ``--die-with-parent``, ``no_new_privs``.
- **As whom:** when the grader runs as root, each kernel runs as a uid of its own from a range nobody else uses
  (one per parallel slot, held with a lock file; no groups), so per-uid limits and the final sweep are exact and a
  kernel that escaped its namespaces would still own nothing. Otherwise it runs as the instructor, whose files
  are simply not in its view.
- **Limits:** memory and process count through cgroup v1 (root), or cgroup v2 where the grader's cgroup is
  delegated to it, else a psutil watchdog on the kernel's process tree; rlimits always (address space, file size,
  CPU seconds, open files, no core dumps; processes per uid as root).

`isolation()` finds out, once per process, what holds here and returns it as an `Isolation` record: the runner
prints its one line and refuses to grade without isolation unless the instructor explicitly allows it.
When the notebook is done, killing bwrap ends its pid namespace and with it every process the submission
started, double-forked or not; a sweep (the slot's uid, or an environment marker) checks that nothing survived.
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
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from lstm_grader import kernel_env

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INIT = HERE / "sandbox_init.py"
# Sandbox uids (root only): a range with no passwd entry, one per concurrently running kernel.
UID_FIRST, UID_COUNT = 64200, 64
# Their locks: one folder for every root grader on the machine (uids are machine-wide), root's alone.
SLOTS = Path("/var/tmp/lstm-grading/slots")
MARKER = "LSTM_GRADING_SANDBOX"
# Where things are inside the sandbox.
WORK = "/home/learner"
PKGS = "/opt/lstm-grading"
# The system files a Python kernel needs (symbolic links such as /lib -> usr/lib are recreated as links).
SYSTEM_PATHS = ("/usr/bin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32", "/bin", "/lib", "/lib32",
                "/lib64", "/libx32", "/etc/ld.so.cache")
USERNS_FIX = ("in a Docker container, the default seccomp profile blocks them: run it with a profile that "
              "allows clone/unshare of user namespaces, or grade on the host (bubblewrap#505). On Ubuntu 24.04 "
              "and later, AppArmor restricts them: install an AppArmor profile for /usr/bin/bwrap "
              "that allows userns, or set the sysctl kernel.apparmor_restrict_unprivileged_userns=0 (bubblewrap#632). Elsewhere check the sysctls "
              "user.max_user_namespaces (> 0) and kernel.unprivileged_userns_clone (= 1); or grade on a machine "
              "that allows them")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here; the message names the cause and the fix, in one line."""


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


def _size(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


# ---------------------------------------------------------------------------------------------------------------
# The grader's own scratch folder: per user, and only ever one of ours.

def scratch_dir() -> Path:
    """/var/tmp/lstm-grading-<user> (LSTM_GRADING_SCRATCH overrides), made if absent, refused if not ours."""
    path = Path(os.environ.get("LSTM_GRADING_SCRATCH") or f"/var/tmp/lstm-grading-{kernel_env.user_name()}")
    try:
        path.mkdir(mode=0o711, parents=True, exist_ok=True)
        info = path.lstat()
    except OSError as exc:
        raise SandboxUnavailable(f"cannot make the grading scratch folder {path} ({exc.strerror}): set "
                                 "LSTM_GRADING_SCRATCH to a folder you may write") from None
    me = os.geteuid()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != me:
        try:
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            owner = f"uid {info.st_uid}"
        what = "is not a folder" if not stat.S_ISDIR(info.st_mode) else f"belongs to {owner}, not to you"
        raise SandboxUnavailable(
            f"the grading scratch folder {path} {what} ({kernel_env.user_name()}): remove it (as {owner} or root) "
            "or set LSTM_GRADING_SCRATCH to a folder of your own")
    os.chmod(path, 0o711)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Memory and process limits: which mechanism works here.

def _cgroup_v2_base() -> Path | None:
    """The grader's own cgroup in the unified hierarchy, when it is delegated with memory and pids."""
    try:
        with open("/proc/self/mounts") as f:
            mount = next((line.split()[1] for line in f if line.split()[2] == "cgroup2"), None)
        with open("/proc/self/cgroup") as f:
            rel = next((line.strip()[3:] for line in f if line.startswith("0::")), None)
        if mount is None or rel is None:
            return None
        base = Path(mount) / rel.lstrip("/")
        if not {"memory", "pids"} <= set((base / "cgroup.controllers").read_text().split()):
            return None
        (base / "cgroup.subtree_control").write_text("+memory +pids")  # fails if the group is not ours
        return base
    except (OSError, StopIteration):
        return None


def _cgroup_v1_ready() -> bool:
    return os.geteuid() == 0 and all((Path("/sys/fs/cgroup") / c / "cgroup.procs").exists() for c in ("memory", "pids"))


def limits_mechanism() -> str:
    if _cgroup_v1_ready():
        return "cgroup v1"
    if _cgroup_v2_base() is not None:
        return "cgroup v2"
    return "rlimits + watchdog"


def _make_cgroups(mechanism: str, limits: Limits, nonce: str, uid: int, enforced: dict) -> list[Path]:
    """Per-kernel cgroups with the memory and process caps; [] when they cannot be made (the watchdog then)."""
    if mechanism == "cgroup v1":
        plan = [(Path("/sys/fs/cgroup/memory/lstm-grading") / nonce,
                 {"memory.limit_in_bytes": limits.memory_bytes, "memory.memsw.limit_in_bytes": limits.memory_bytes}),
                (Path("/sys/fs/cgroup/pids/lstm-grading") / nonce, {"pids.max": limits.processes})]
    elif mechanism == "cgroup v2":
        base = _cgroup_v2_base()
        plan = [(base / f"lstm-grading-{nonce}", {"memory.max": limits.memory_bytes, "memory.swap.max": 0,
                                                  "pids.max": limits.processes})] if base else []
    else:
        return []
    made = []
    try:
        for group, settings in plan:
            group.mkdir(parents=True)
            made.append(group)
            for name, value in settings.items():
                try:
                    (group / name).write_text(str(value))
                    enforced[f"cgroup {name}"] = value
                except OSError:
                    if "swap" not in name:  # swap accounting is often off
                        raise
            if uid != os.geteuid():  # the kernel joins it after dropping to its own uid
                os.chown(group / "cgroup.procs", uid, -1)
    except OSError:
        for group in made:
            _remove_cgroup(group)
        return []
    return made


def _remove_cgroup(group: Path) -> None:
    for _ in range(100):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


# ---------------------------------------------------------------------------------------------------------------
# What holds here, said once.

@dataclass(frozen=True)
class Isolation:
    """What confines the learners' code on this machine, for this user."""
    bwrap: str | None  # the bubblewrap binary that confined a trial kernel here; None: no isolation
    missing: str       # what is missing for isolation ("" when it holds)
    fix: str           # how to get it
    own_uid: bool      # each kernel runs as a uid of its own (the grader runs as root)
    limits: str        # "cgroup v1", "cgroup v2" or "rlimits + watchdog"

    @property
    def isolated(self) -> bool:
        return self.bwrap is not None

    @property
    def mode(self) -> str:
        return "bubblewrap" if self.isolated else "unisolated"

    def line(self, limits: Limits) -> str:
        """The one line the runner prints at its start."""
        rl = (f"rlimits: address space {_size(limits.address_space_bytes)}, file {_size(limits.file_bytes)}, "
              f"CPU {limits.cpu_seconds} s")
        caps = f"memory {_size(limits.memory_bytes)}, {limits.processes} processes"
        held = (f"{self.limits}: {caps}; {rl}" if self.limits.startswith("cgroup")
                else f"{rl}; watchdog on the process tree: {caps}")
        if self.isolated:
            who = "each kernel under a uid of its own" if self.own_uid else f"kernels run as {kernel_env.user_name()}"
            return (f"isolation: bubblewrap, {who}: a kernel sees only its environment and the system files "
                    f"(read-only) and a private {_size(limits.work_bytes)} tmpfs; no network; own pid namespace | "
                    f"limits: {held}")
        reach = "what any user may read" if self.own_uid else "what you may read and write"
        return (f"isolation: NONE ({self.missing}; graded anyway: --allow-unisolated): submissions can reach "
                f"{reach} and the network | limits: {held}")

    def refusal(self) -> str:
        return (f"autograde refuses to grade: the learners' code cannot be isolated here: {self.missing}. "
                f"Fix: {self.fix}. To grade anyway, without isolation, pass --allow-unisolated (every report and "
                "feedback page will say so).")


_isolations: dict[str, Isolation] = {}


def isolation(bwrap: str = "bwrap") -> Isolation:
    """Find out (once per process and binary) whether bubblewrap confines a trial kernel here; raises
    SandboxUnavailable when grading cannot start at all (scratch folder, kernel environment)."""
    if bwrap in _isolations:
        return _isolations[bwrap]
    scratch_dir()
    try:
        if not kernel_env.is_ready():
            raise SandboxUnavailable(f"the grading kernel's environment {kernel_env.env_dir()} is not built: run "
                                     "`make grading-kernel`")
    except kernel_env.KernelEnvError as exc:
        raise SandboxUnavailable(str(exc)) from None
    found = shutil.which(bwrap)
    mechanism = limits_mechanism()
    own_uid = os.geteuid() == 0
    if not found:
        missing, fix = (f"bubblewrap ({bwrap}) is not installed",
                        "install it as root with `apt-get install bubblewrap` (`make setup` does), or point "
                        "c.SandboxedExecute.bwrap at it")
    else:
        missing, fix = _trial(Isolation(found, "", "", own_uid, mechanism), Limits(cpu_seconds=30))
    result = Isolation(found if not missing else None, missing, fix, own_uid, mechanism)
    _isolations[bwrap] = result
    return result


TRIAL = """import json, os, socket, sys
import numpy, ipykernel
print(json.dumps({"interfaces": sorted(n for _, n in socket.if_nameindex()),
                  "visible": [p for p in sys.argv[1:] if os.path.exists(p)]}))
"""


def _trial(probe: Isolation, limits: Limits) -> tuple[str, str]:
    """Start bubblewrap as a kernel would be started; ("", "") when it confines as it should, else what is
    missing and the fix."""
    box = Sandbox(limits, isolation=probe)
    try:
        bare = box.run(["/usr/bin/true"], minimal=True)
        if bare.returncode != 0:
            detail = (bare.stderr.strip().splitlines() or [f"exit status {bare.returncode}"])[-1]
            if detail.startswith("bwrap:") and any(w in detail for w in ("namespace", "uid map", "not permitted")):
                return f"user namespaces are blocked on this host (bwrap: {detail})", USERNS_FIX
            return f"bubblewrap does not start here ({detail})", "check `bwrap --version` and its installation"
        # Paths that exist outside and must not inside (the scratch folder's path exists inside, empty, because
        # the socket folder is bound at the same path).
        secret = [str(ROOT), str(Path.home()), "/root", "/work", "/srv", "/etc/passwd", str(scratch_dir() / "slots")]
        full = box.run([str(kernel_env.kernel_python()), "-I", "-c", TRIAL, *secret])
        if full.returncode != 0:
            detail = (full.stderr.strip().splitlines() or [f"exit status {full.returncode}"])[-1]
            raise SandboxUnavailable(f"the grading kernel does not start in the sandbox ({detail}): rebuild its "
                                     "environment with `make grading-kernel`")
        facts = json.loads(full.stdout.strip().splitlines()[-1])
        if facts["interfaces"] != ["lo"] or facts["visible"]:
            return f"bubblewrap did not confine a trial kernel (it saw {facts})", "check the bubblewrap installation"
        return "", ""
    finally:
        box.destroy()


# ---------------------------------------------------------------------------------------------------------------
# Processes.

def _uid_free(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return False
    except KeyError:
        return True


def _processes_matching(uid: int | None = None, marker: str | None = None) -> list[int]:
    found = []
    for proc in psutil.process_iter(["uids", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:  # already dead; only waits to be reaped
                continue
            if uid is not None and proc.info["uids"].real == uid:
                found.append(proc.pid)
            elif marker is not None and proc.environ().get(MARKER) == marker:
                found.append(proc.pid)
        except (psutil.Error, OSError, AttributeError):
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


class Watchdog(threading.Thread):
    """Memory and process caps without cgroups: polls the kernel's process tree and kills it when over."""

    def __init__(self, pid: int, limits: Limits, spare: int):
        super().__init__(daemon=True)
        self.pid, self.limits, self.spare = pid, limits, spare  # spare: bubblewrap's own processes
        self.stopped = threading.Event()
        self.tripped = ""

    def run(self):
        while not self.stopped.wait(0.1):
            try:
                top = psutil.Process(self.pid)
                tree = [top, *top.children(recursive=True)]
            except psutil.Error:
                return
            memory = 0
            for proc in tree:
                try:
                    memory += proc.memory_info().rss
                except psutil.Error:
                    pass
            if len(tree) > self.limits.processes + self.spare:
                self.tripped = "processes"
            elif memory > self.limits.memory_bytes:
                self.tripped = "memory"
            if self.tripped:
                for proc in tree:
                    try:
                        proc.kill()
                    except psutil.Error:
                        pass
                return


def copy_files(src, dst: Path, max_files: int, max_bytes: int) -> list[str]:
    """Copy regular files (no symlinks, devices or notebooks) from src into dst within a budget; their paths.

    Notebooks stay out: the graded notebook holds the hidden tests, and the kernel needs none of them.
    """
    copied, size = [], 0
    for dirpath, _, filenames in os.walk(src, followlinks=False):
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or name.endswith(".ipynb"):
                continue
            size += info.st_size
            if len(copied) >= max_files or size > max_bytes:
                return copied
            rel = os.path.relpath(path, src)
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst / rel)
            copied.append(rel)
    return copied


class Sandbox:
    """The confinement for one kernel. Create, pass `command()` to the kernel manager, then `destroy()`."""

    def __init__(self, limits: Limits, work_src: str | None = None, isolation: Isolation | None = None):
        self.isolation = isolation
        self.limits = limits
        self.nonce = secrets.token_hex(6)
        self.process: subprocess.Popen | None = None
        self.enforced: dict[str, object] = {"mode": isolation.mode, "limits": isolation.limits}
        self._lock_fd = None
        self._watchdog: Watchdog | None = None
        base = scratch_dir()
        if os.geteuid() == 0:
            self.uid = self.gid = self._acquire_slot()
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
        self.dir = base / f"k-{self.uid}-{self.nonce}"
        self.dir.mkdir(mode=0o711)
        self.ipc_dir = self.dir / "ipc"
        self.files = self.dir / "files"
        self.pkgs = self.dir / "pkgs"
        for d in (self.ipc_dir, self.files):
            d.mkdir(mode=0o700)
        self.copied = copy_files(work_src, self.files, 200, limits.work_bytes // 2) if work_src else []
        if self.uid != os.geteuid():
            for path in [self.ipc_dir, self.files, *self.files.rglob("*")]:
                os.lchown(path, self.uid, self.gid)
        # The checks (never lstm_ref) as the kernel imports them: a fresh read-only copy per kernel.
        shutil.copytree(ROOT / "lstm_checks", self.pkgs / "lstm_checks",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for path in [self.pkgs, *self.pkgs.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        self.connection_file = str(self.ipc_dir / "kernel.json")
        self.ipc_prefix = str(self.ipc_dir / "k")
        self.log_path = self.dir / "kernel.log"
        self._cgroups = _make_cgroups(isolation.limits, limits, self.nonce, self.uid, self.enforced)

    def _acquire_slot(self) -> int:
        SLOTS.mkdir(mode=0o700, parents=True, exist_ok=True)
        if SLOTS.lstat().st_uid != 0 or SLOTS.parent.lstat().st_uid != 0:
            raise SandboxUnavailable(f"{SLOTS} must belong to root (it holds the sandbox uids' locks): remove it")
        for uid in range(UID_FIRST, UID_FIRST + UID_COUNT):
            if not _uid_free(uid):
                continue
            fd = os.open(SLOTS / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
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
        raise SandboxUnavailable(f"no free sandbox uid in {UID_FIRST}..{UID_FIRST + UID_COUNT - 1}: fewer "
                                 "parallel workers (--jobs), or stop what runs under those uids")

    # -- launching --------------------------------------------------------------------------------------------
    def _bwrap(self, inner: list[str], minimal: bool = False) -> list[str]:
        argv = [self.isolation.bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--hostname", "grading"]
        for path in SYSTEM_PATHS:
            if os.path.islink(path):
                argv += ["--symlink", os.readlink(path), path]
            elif os.path.exists(path):
                argv += ["--ro-bind", path, path]
        argv += ["--proc", "/proc", "--dev", "/dev", "--size", str(16 << 20), "--tmpfs", "/tmp"]
        if not minimal:
            prefix = kernel_env.base_prefix()
            if prefix != Path("/usr"):  # an interpreter outside /usr: its standard library, read-only
                argv += ["--ro-bind", str(prefix), str(prefix)]
            env = str(kernel_env.env_dir())
            argv += ["--ro-bind", env, env,
                     "--size", str(self.limits.work_bytes), "--perms", "0700", "--tmpfs", WORK]
            for rel in self.copied:
                argv += ["--bind", str(self.files / rel), f"{WORK}/{rel}"]
            argv += ["--ro-bind", str(self.pkgs), PKGS, "--bind", str(self.ipc_dir), str(self.ipc_dir),
                     "--chdir", WORK]
        # The folders bubblewrap made for its mount points stay read-only: only the tmpfs mounts take writes.
        argv += ["--remount-ro", "/"]
        return [*argv, "--", *inner]

    def spec(self, inner: list[str], minimal: bool = False) -> dict:
        lim = self.limits
        rlimits = {"AS": lim.address_space_bytes, "FSIZE": lim.file_bytes, "CPU": lim.cpu_seconds,
                   "NOFILE": lim.open_files, "CORE": 0}
        if self.uid != os.geteuid():
            rlimits["NPROC"] = lim.processes  # per uid: each slot has its own uid
        self.enforced.update({f"rlimit {k}": v for k, v in rlimits.items()})
        isolated = self.isolation.isolated
        work = WORK if isolated else str(self.files)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": work,
            "LANG": "C.UTF-8",
            "PYTHONPATH": PKGS if isolated else str(self.pkgs),
            "PYTHONDONTWRITEBYTECODE": "1",
            "IPYTHONDIR": f"{work}/.ipython",
            "JUPYTER_RUNTIME_DIR": f"{work}/.jupyter",
            "MPLCONFIGDIR": f"{work}/.matplotlib",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "LSTM_COURSE_GRADING": "1",
            MARKER: self.nonce,
            # Which class run this kernel belongs to (for the instructor's process listings and the tests).
            "LSTM_GRADING_COURSE": os.environ.get("LSTM_GRADING_COURSE_ROOT", ""),
        }
        argv = self._bwrap(inner, minimal) if isolated else inner
        return {"uid": self.uid, "gid": self.gid, "rlimits": rlimits, "env": env, "argv": argv,
                "cwd": str(self.dir) if isolated else str(self.files),
                "cgroup_procs": [str(g / "cgroup.procs") for g in self._cgroups]}

    def _init_command(self, inner: list[str], minimal: bool = False) -> list[str]:
        spec_path = self.dir / f"spec-{secrets.token_hex(4)}.json"
        spec_path.write_text(json.dumps(self.spec(inner, minimal)))
        os.chmod(spec_path, 0o600)
        return [sys.executable, "-I", "-S", str(INIT), str(spec_path)]

    def command(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel_argv = [str(kernel_env.kernel_python()), "-s", "-m", "ipykernel_launcher",
                       "-f", self.connection_file, *(extra_arguments or [])]
        return self._init_command(kernel_argv)

    def run(self, inner: list[str], minimal: bool = False) -> subprocess.CompletedProcess:
        """Run a short command in this sandbox (the isolation trial); its output."""
        return subprocess.run(self._init_command(inner, minimal), cwd=self.dir, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})

    def prepare_connection_file(self) -> None:
        """The kernel reads its connection file as the sandbox uid; nobody else may."""
        if self.uid != os.geteuid() and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self.uid, self.gid)
            os.chmod(self.connection_file, 0o600)

    def started(self, process: subprocess.Popen) -> None:
        """The kernel's first process runs: watch its tree when no cgroup caps it."""
        self.process = process
        if not self._cgroups:
            self._watchdog = Watchdog(process.pid, self.limits, spare=2 if self.isolation.isolated else 0)
            self._watchdog.start()

    # -- clean-up ---------------------------------------------------------------------------------------------
    def destroy(self) -> bool:
        """Kill everything the kernel started, remove the scratch folder and cgroups; True if nothing survived."""
        clean = True
        if self._watchdog is not None:
            self._watchdog.stopped.set()
            if self._watchdog.tripped:
                self.enforced["watchdog"] = f"killed the kernel: over its {self._watchdog.tripped} limit"
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
        if self.uid != os.geteuid():
            clean &= _kill_all(lambda: _processes_matching(uid=self.uid))
        else:
            clean &= _kill_all(lambda: _processes_matching(marker=self.nonce))
        for group in self._cgroups:
            _remove_cgroup(group)
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        return clean
