"""Run ``csi ARGS...`` RUNS times, each in a process of its own, and print each run's
exit status: ``python -m tests.forked_runs RUNS ARGS...``.

Each run is forked from one process that has imported csi and the libraries it loads
on demand, so the imports (most of a run's time) are paid once. The child then runs
the command exactly as the ``csi`` script does and leaves through the interpreter's
normal shutdown, the step where worker threads that outlive a command can crash it.
"""

from __future__ import annotations

import os
import sys


def run_many(runs: int, args: list[str]) -> list[int]:
    # What csi loads on demand, imported before forking: only the work is repeated.
    import jsonschema  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401

    from csitools.cli import main

    statuses = []
    for _ in range(runs):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child: SystemExit from click ends this process normally
            sys.argv = ["csi", *args]
            main()
        _, status = os.waitpid(pid, 0)
        statuses.append(os.waitstatus_to_exitcode(status))
    return statuses


if __name__ == "__main__":
    codes = run_many(int(sys.argv[1]), sys.argv[2:])
    print("exit statuses:", " ".join(map(str, codes)))
