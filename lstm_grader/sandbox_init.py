"""First process of a grading sandbox: confine itself, then become the learner's kernel.

Run by `lstm_grader.sandbox` as ``python -I -S sandbox_init.py SPEC.json`` — in "root" mode as pid 1 of fresh
mount, pid and network namespaces made by ``unshare``; in "rlimits" mode as a plain child. Standard library only,
because it must not import anything from the course. Steps, in this order:

1. join the per-kernel cgroups (memory and process caps), when the grader made some;
2. (namespaced modes) mount a size-capped tmpfs as the working folder and copy the submission's files into it;
   keep the socket folder writable; make every other mount read-only; give /tmp and /dev/shm private tmpfs;
   cover the course folder (solutions, gradebook, other students, the reference package) with an empty tmpfs;
3. set resource limits (address space, processes, file size, CPU seconds, open files, no core dumps);
4. (root mode) drop to the slot's own unprivileged uid/gid with no supplementary groups and no_new_privs;
5. exec the kernel with a clean environment.
Any failure exits non-zero before the learner's code exists, and the grader reports the kernel as not started.
"""
import ctypes
import json
import os
import resource
import shutil
import stat
import subprocess
import sys

PR_SET_NO_NEW_PRIVS = 38
LIMITS = {"AS": resource.RLIMIT_AS, "NPROC": resource.RLIMIT_NPROC, "FSIZE": resource.RLIMIT_FSIZE,
          "CPU": resource.RLIMIT_CPU, "NOFILE": resource.RLIMIT_NOFILE, "CORE": resource.RLIMIT_CORE}
# Mount types left alone when everything else is made read-only (kernel interfaces, not storage).
VIRTUAL = {"proc", "sysfs", "devpts", "cgroup", "cgroup2", "mqueue", "devtmpfs", "securityfs", "debugfs",
           "tracefs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "binfmt_misc", "autofs"}


def mount(*args):
    subprocess.run(["mount", *args], check=True, stdin=subprocess.DEVNULL)


def current_mounts():
    mounts = []
    with open("/proc/self/mounts") as f:
        for line in f:
            _, target, fstype, options = line.split()[:4]
            target = target.encode().decode("unicode_escape")  # octal escapes such as \040
            mounts.append((target, fstype, options.split(",")))
    return mounts


def copy_files(src, dst, max_files, max_bytes, uid=None, gid=None):
    """Copy regular files (no symlinks, no devices, no notebooks) from src into dst, within a budget.

    Notebooks stay out: the graded notebook holds the hidden tests, and the kernel needs none of them.
    """
    count = size = 0
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = os.path.relpath(dirpath, src)
        target_dir = dst if rel == "." else os.path.join(dst, rel)
        os.makedirs(target_dir, exist_ok=True)
        if uid is not None:
            os.chown(target_dir, uid, gid)
        for name in filenames:
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or name.endswith(".ipynb"):
                continue
            count += 1
            size += info.st_size
            if count > max_files or size > max_bytes:
                return
            target = os.path.join(target_dir, name)
            shutil.copyfile(path, target)
            if uid is not None:
                os.chown(target, uid, gid)
            os.chmod(target, 0o600)


def confine_filesystem(spec):
    uid, gid = spec["uid"], spec["gid"]
    before = current_mounts()
    work, ipc = spec["work"], spec["ipc_dir"]
    mount("-t", "tmpfs", "-o", f"size={spec['work_bytes']},mode=700,uid={uid},gid={gid},nosuid,nodev",
          "tmpfs", work)
    if spec.get("work_src"):
        copy_files(spec["work_src"], work, 200, spec["work_bytes"] // 2, uid, gid)
    mount("--bind", ipc, ipc)  # stays writable: the kernel creates its sockets here
    for target, fstype, options in before:
        if fstype in VIRTUAL or "ro" in options or target.startswith("/proc") or target.startswith("/sys"):
            continue
        try:
            mount("-o", "remount,bind,ro", target)
        except subprocess.CalledProcessError:
            pass  # e.g. a mount this namespace may not change; it stays as permissions allow
    for private in ("/tmp", "/dev/shm"):
        if os.path.isdir(private):
            mount("-t", "tmpfs", "-o", "size=16m,mode=1777,nosuid,nodev", "tmpfs", private)
    for hidden in spec.get("hide", []):
        if os.path.isdir(hidden):
            mount("-t", "tmpfs", "-o", "ro,size=4k,mode=000", "tmpfs", hidden)


def set_limits(spec):
    for name, value in spec["rlimits"].items():
        soft_hard = (value, value)
        resource.setrlimit(LIMITS[name], soft_hard)


def drop_privileges(spec):
    uid, gid = spec["uid"], spec["gid"]
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("sandbox: could not drop privileges")


def no_new_privs():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SystemExit("sandbox: prctl(PR_SET_NO_NEW_PRIVS) failed")


def main(spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    for procs in spec.get("cgroup_procs", []):
        with open(procs, "w") as f:
            f.write("0")
    if spec["mode"] == "root":
        confine_filesystem(spec)
    elif spec.get("work_src"):
        copy_files(spec["work_src"], spec["work"], 200, spec["work_bytes"] // 2)
    set_limits(spec)
    if spec["mode"] == "root":
        drop_privileges(spec)
    no_new_privs()
    os.chdir(spec["work"])
    argv = spec["argv"]
    os.execve(argv[0], argv, spec["env"])


if __name__ == "__main__":
    main(sys.argv[1])
