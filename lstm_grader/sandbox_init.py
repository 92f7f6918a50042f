"""First process of a grading sandbox: take the limits, drop to the kernel's uid, then become bubblewrap.

Run by `lstm_grader.sandbox` as ``python -I -S sandbox_init.py SPEC.json``, outside the sandbox. Standard library
only, because it must not import anything from the course. Steps, in this order:

1. join the per-kernel cgroups (memory and process caps), when the grader made some;
2. set resource limits (address space, file size, CPU seconds, open files, no core dumps; processes per uid);
3. (grader is root) drop to the slot's own unprivileged uid/gid with no supplementary groups, so that bubblewrap
   itself runs unprivileged, in a user namespace, exactly as it does for an instructor without root;
4. no_new_privs;
5. exec the command of the spec (bubblewrap and the kernel behind it) with a clean environment.
Any failure exits non-zero before the learner's code exists, and the grader reports the kernel as not started.
"""
import ctypes
import json
import os
import resource
import sys

PR_SET_NO_NEW_PRIVS = 38
LIMITS = {"AS": resource.RLIMIT_AS, "NPROC": resource.RLIMIT_NPROC, "FSIZE": resource.RLIMIT_FSIZE,
          "CPU": resource.RLIMIT_CPU, "NOFILE": resource.RLIMIT_NOFILE, "CORE": resource.RLIMIT_CORE}


def set_limits(spec):
    for name, value in spec["rlimits"].items():
        resource.setrlimit(LIMITS[name], (value, value))


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
    set_limits(spec)
    if spec["uid"] != os.geteuid():
        drop_privileges(spec)
    no_new_privs()
    os.chdir(spec["cwd"])
    argv = spec["argv"]
    os.execve(argv[0], argv, spec["env"])


if __name__ == "__main__":
    main(sys.argv[1])
