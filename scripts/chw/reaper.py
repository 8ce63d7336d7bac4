"""`python -m chw.reaper COMMAND ...`: run COMMAND and wait for every process it leaves behind.

A dbt run on local Spark starts a JVM that outlives the dbt process; orphaned, it would be
reaped by init and its memory would not count in the peak RSS `chw.bench.run_step` reads from
wait4. This process makes itself the child subreaper (Linux prctl), so orphans of COMMAND
become its children: it waits for them all, and its own rusage then covers the largest of
them. Exits with COMMAND's exit code."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

PR_SET_CHILD_SUBREAPER = 36


def run_and_reap(command: list[str]) -> int:
    """COMMAND's exit code, after every descendant it left behind has exited too."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    code = subprocess.call(command)
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return code


if __name__ == "__main__":
    sys.exit(run_and_reap(sys.argv[1:]))
