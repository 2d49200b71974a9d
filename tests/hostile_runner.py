"""Runs the headless commands on files, each in a forked child under a memory limit and a timeout.

``python hostile_runner.py JOBS.json`` reads ``[{"id", "argv", "out", "err"}]`` and runs
``sandbox.cli.main(argv)`` for each in a child process (forked from this one, so the imports are paid once)
with its address space limited to ``MEMORY_BYTES``, its processor time to ``CPU_SECONDS`` (a limit that a busy
machine does not bring closer) and a wall-clock alarm after ``WALL_SECONDS`` only against a hang, the child's
stdout and stderr going to the files ``out`` and ``err``, and prints
``{"status": {"id": status}, "seconds": {"id": s}}`` as JSON, where a status is the exit code, or
``"killed by signal N"`` (24: the processor-time limit; 14: the wall-clock guard).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time

MEMORY_BYTES = 2 * 1024**3
CPU_SECONDS = 60
WALL_SECONDS = 900


def run_child(argv: list[str], out: str, err: str) -> int:
    """Forks, runs the command in the child and returns its status (or -signal)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 70
        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
            resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
            signal.alarm(WALL_SECONDS)
            out_fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            err_fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out_fd, 1)
            os.dup2(err_fd, 2)
            from sandbox.cli import main
            try:
                status = main(argv)
            except SystemExit as e:
                status = e.code if isinstance(e.code, int) else 1
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001 - the child reports whatever escaped as a traceback on its stderr
            import traceback
            traceback.print_exc()
            sys.stderr.flush()
            status = 70
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    import sandbox.cli  # noqa: F401 - paid once, before forking
    results = {}
    seconds = {}
    for job in jobs:
        start = time.perf_counter()
        status = run_child(job["argv"], job["out"], job["err"])
        seconds[job["id"]] = round(time.perf_counter() - start, 2)
        results[job["id"]] = status if status >= 0 else f"killed by signal {-status}"
    json.dump({"status": results, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
