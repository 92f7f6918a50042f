"""The grading kernel's own Python environment: numpy and ipykernel only, never lstm_ref.

Learners' code runs in this environment at grading time. It lives outside the repository, in a world-readable
folder keyed by the lock file's hash (``/var/tmp/lstm-course-kernel-<hash>``), so that the unprivileged sandbox
user can run it while the course folder stays closed to that user. It is built from a system interpreter
(``/usr/bin/python3.11`` when present: the venv's own interpreter may sit under /root, which that user cannot
enter), with the versions pinned by ``requirements/lock.txt``. Building it is idempotent: ``make grading-kernel``
(part of ``make setup``) does nothing when it is already there.

``lstm_checks`` is not installed here: each class run copies the repository's current ``lstm_checks`` next to
the run's scratch folders (see `lstm_grader.sandbox`), so an edit to the checks never needs a rebuild.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
PACKAGES = ("numpy", "ipykernel")
RECIPE = "2"  # bump when the way the environment is built changes
STAMP = ".lstm-course-kernel-ok"


def kernel_python_source() -> str:
    """The interpreter the kernel environment is made from (LSTM_GRADING_KERNEL_PYTHON overrides)."""
    explicit = os.environ.get("LSTM_GRADING_KERNEL_PYTHON")
    if explicit:
        return explicit
    wanted = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    if os.access(wanted, os.X_OK):
        return wanted
    return sys._base_executable  # an instructor's own machine: rlimits-only mode needs no other user


def env_dir() -> Path:
    """Where the kernel environment lives (LSTM_GRADING_KERNEL_DIR overrides the parent folder)."""
    key = LOCK.read_bytes() + kernel_python_source().encode() + RECIPE.encode()
    digest = hashlib.sha256(key).hexdigest()[:12]
    parent = Path(os.environ.get("LSTM_GRADING_KERNEL_DIR", "/var/tmp"))
    return parent / f"lstm-course-kernel-{digest}"


def kernel_python() -> Path:
    return env_dir() / "bin" / "python"


def is_ready() -> bool:
    return (env_dir() / STAMP).exists()


def ensure() -> Path:
    """Build the kernel environment if it is not there yet; return its folder."""
    target = env_dir()
    if is_ready():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so a half-built environment is never used.
    build = Path(tempfile.mkdtemp(prefix=target.name + ".build-", dir=target.parent))
    try:
        subprocess.run([kernel_python_source(), "-m", "venv", "--without-pip", str(build)], check=True)
        uv = Path(sys.executable).parent / "uv"
        subprocess.run([str(uv), "pip", "install", "--quiet", "--compile-bytecode", "--python", str(build / "bin" / "python"),
                        "--constraint", str(LOCK), *PACKAGES], check=True)
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
        try:
            build.rename(target)
        except OSError:  # another process built it meanwhile
            if not is_ready():
                raise
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)
    return target


if __name__ == "__main__":
    print(ensure())
