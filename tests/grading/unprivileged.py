"""Grading as an instructor without root: an ordinary user, their own copy of the course, a grader venv they can run.

Only root can set this up (it creates the user). The user's grader runs from a venv made from Debian's
/usr/bin/python3 (the project venv's interpreter may live under /root, which nobody else can enter), with the
grading packages at the lock's versions; it is kept in /var/tmp between runs, keyed by the lock.
"""
from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
USER = "lstm-grader-test"
# What the grader needs from a checkout of the course.
COURSE_PARTS = ("lstm_ref", "lstm_checks", "lstm_grader", "solutions", "exercises", "requirements",
                "nbgrader_config.py", "_config.yml", "pyproject.toml")
# The grader's own imports (Dask distributed and tqdm for the class pipeline) and the kernel environment's tools.
PACKAGES = ("nbgrader", "numpy", "psutil", "filelock", "nbclient", "nbformat", "ipykernel", "uv", "distributed", "tqdm")


def account() -> pwd.struct_passwd:
    """The unprivileged instructor, created when absent."""
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
        return pwd.getpwnam(USER)


def grader_venv() -> Path:
    lock = (ROOT / "requirements" / "lock.txt").read_bytes()
    venv = Path(f"/var/tmp/lstm-grader-venv-{hashlib.sha256(lock + ' '.join(PACKAGES).encode()).hexdigest()[:12]}")
    stamp = venv / ".ok"
    with FileLock(f"{venv}.lock"):
        if not stamp.exists():
            shutil.rmtree(venv, ignore_errors=True)
            uv = str(Path(sys.executable).parent / "uv")
            subprocess.run([uv, "venv", "--quiet", "--python", "/usr/bin/python3", str(venv)], check=True)
            subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                            "--constraint", str(ROOT / "requirements" / "lock.txt"), *PACKAGES], check=True)
            subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
            stamp.write_text("ok\n")
    return venv


def copy_course(dest: Path, owner: pwd.struct_passwd) -> Path:
    """A checkout of the course in a folder the user owns."""
    dest.mkdir(parents=True)
    for part in COURSE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(src, dest / part)
    chown_tree(dest, owner)
    return dest


def chown_tree(path: Path, owner: pwd.struct_passwd) -> None:
    subprocess.run(["chown", "-R", f"{owner.pw_uid}:{owner.pw_gid}", str(path)], check=True)


def run_as(owner: pwd.struct_passwd, venv: Path, repo: Path, args, extra_env=None, timeout=1200):
    """`python -m lstm_grader ARGS` as the user, from their copy, with a clean environment."""
    env = [f"HOME={owner.pw_dir}", f"USER={owner.pw_name}", f"PATH={venv / 'bin'}:/usr/bin:/bin", "LANG=C.UTF-8",
           *(f"{k}={v}" for k, v in (extra_env or {}).items())]
    return subprocess.run(["runuser", "-u", owner.pw_name, "--", "env", "-i", *env,
                           str(venv / "bin" / "python"), "-m", "lstm_grader", *args],
                          cwd=repo, capture_output=True, text=True, timeout=timeout)


def can_read(owner: pwd.struct_passwd, path: Path) -> bool:
    """The user can read the file outside the sandbox (so only the sandbox stops a submission)."""
    return subprocess.run(["runuser", "-u", owner.pw_name, "--", "cat", str(path)],
                          capture_output=True).returncode == 0
