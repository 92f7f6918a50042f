"""The grading kernel's own Python environment: numpy and ipykernel only, never lstm_ref.

Learners' code runs in this environment at grading time, inside the sandbox, which binds it read-only. It lives
outside the repository, keyed by the lock file's hash: ``/var/tmp/lstm-course-kernel-<hash>`` when root builds it
(``make grading-kernel``, part of ``make setup``), and any instructor may use that one; an instructor without root
whose machine has no such environment builds their own, ``/var/tmp/lstm-course-kernel-<user>-<hash>``, so one
instructor never blocks or alters another's. An environment owned by anyone else (who could change what it runs)
is refused with a message. It is made from an interpreter every user can run (``/usr/bin/python3.X`` when present:
the venv's own interpreter may sit under /root, which nobody else can enter), with the versions pinned by
``requirements/lock.txt``. Building it is idempotent and serialised with a file lock.

``lstm_checks`` is not installed here: each kernel gets a fresh copy of the repository's current ``lstm_checks``
(see `lstm_grader.sandbox`), so an edit to the checks never needs a rebuild.
"""
from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
PACKAGES = ("numpy", "ipykernel")
RECIPE = "2"  # bump when the way the environment is built changes
STAMP = ".lstm-course-kernel-ok"


class KernelEnvError(RuntimeError):
    """The kernel environment cannot be used or built; the message names the cause and the fix."""


def kernel_python_source() -> str:
    """The interpreter the kernel environment is made from (LSTM_GRADING_KERNEL_PYTHON overrides)."""
    explicit = os.environ.get("LSTM_GRADING_KERNEL_PYTHON")
    if explicit:
        return explicit
    wanted = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    if os.access(wanted, os.X_OK):
        return wanted
    return sys._base_executable


def runnable_by_everyone(path: str) -> bool:
    """Every folder on the way (as named and as resolved) is enterable and the file executable by any user."""
    try:
        for named in (Path(os.path.abspath(path)), Path(os.path.realpath(path))):
            if not all(parent.stat().st_mode & stat.S_IXOTH for parent in named.parents):
                return False
        return bool(Path(os.path.realpath(path)).stat().st_mode & stat.S_IXOTH)
    except OSError:
        return False


def user_name() -> str:
    """Who runs the grader, for per-user paths (the uid when it has no name)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _digest() -> str:
    key = LOCK.read_bytes() + kernel_python_source().encode() + RECIPE.encode()
    return hashlib.sha256(key).hexdigest()[:12]


def _parent() -> Path:
    return Path(os.environ.get("LSTM_GRADING_KERNEL_DIR", "/var/tmp"))


def shared_dir() -> Path:
    """The environment root builds, which every instructor may use."""
    return _parent() / f"lstm-course-kernel-{_digest()}"


def own_dir() -> Path:
    """The environment an instructor without root builds for themselves."""
    return _parent() / f"lstm-course-kernel-{user_name()}-{_digest()}"


def _owner(path: Path) -> int | None:
    try:
        return path.lstat().st_uid
    except FileNotFoundError:
        return None


def env_dir() -> Path:
    """The environment this user grades with: root's when it is ready, else their own."""
    shared = shared_dir()
    if os.geteuid() == 0 or (_owner(shared) == 0 and (shared / STAMP).exists()):
        return shared
    return own_dir()


def kernel_python() -> Path:
    return env_dir() / "bin" / "python"


def _check_owner(target: Path) -> None:
    owner = _owner(target)
    if owner is None or owner in (0, os.geteuid()):
        if owner is not None and target.is_symlink():
            raise KernelEnvError(f"the grading kernel's environment {target} is a symbolic link: remove it and run "
                                 "`make grading-kernel`")
        return
    raise KernelEnvError(f"the grading kernel's environment {target} belongs to uid {owner}, not to you or root: "
                         f"remove it (as its owner or root), then run `make grading-kernel`")


def is_ready() -> bool:
    target = env_dir()
    _check_owner(target)
    return (target / STAMP).exists()


def ensure() -> Path:
    """Build the kernel environment if it is not there yet; return its folder."""
    target = env_dir()
    source = kernel_python_source()
    if os.geteuid() == 0 and not runnable_by_everyone(source):
        raise KernelEnvError(
            f"the grading kernel must be made from a Python every user can run (the sandbox runs it as a uid of its "
            f"own), and {os.path.realpath(source)} is not (a folder on its way is closed to others, e.g. /root is "
            "mode 700): install Debian's python3 (`apt-get install python3`) or set LSTM_GRADING_KERNEL_PYTHON")
    if is_ready():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / f".{target.name}.lock")):
        if is_ready():  # another process built it while we waited
            return target
        _build(source, target)
    return target


def _build(source: str, target: Path) -> None:
    # Build beside the target and rename, so a half-built environment is never used.
    build = Path(tempfile.mkdtemp(prefix=target.name + ".build-", dir=target.parent))
    try:
        subprocess.run([source, "-m", "venv", "--without-pip", str(build)], check=True)
        uv = Path(sys.executable).parent / "uv"
        subprocess.run([str(uv), "pip", "install", "--quiet", "--compile-bytecode", "--python",
                        str(build / "bin" / "python"), "--constraint", str(LOCK), *PACKAGES], check=True)
        # venv resolves its interpreter through the folder name it was made in: rebuild the pointers.
        cfg = build / "pyvenv.cfg"
        cfg.write_text(cfg.read_text().replace(str(build), str(target)))
        for script in (build / "bin").iterdir():
            if script.is_file() and not script.is_symlink():
                text = script.read_bytes()
                if str(build).encode() in text:
                    script.write_bytes(text.replace(str(build).encode(), str(target).encode()))
        (build / STAMP).write_text("ok\n")
        for path in [build, *build.rglob("*")]:
            if not path.is_symlink():
                os.chmod(path, 0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
        if target.exists():  # an unfinished environment of ours (no stamp)
            shutil.rmtree(target)
        build.rename(target)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)


def base_prefix() -> Path:
    """The prefix of the interpreter the environment runs on (its standard library lives there)."""
    for line in (env_dir() / "pyvenv.cfg").read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip()).parent
    raise KernelEnvError(f"{env_dir() / 'pyvenv.cfg'} names no interpreter: run `make grading-kernel` again")


if __name__ == "__main__":
    try:
        print(ensure())
    except KernelEnvError as exc:
        sys.exit(f"make grading-kernel: {exc}")
