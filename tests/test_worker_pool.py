"""The build's pool (explainer/effects/worker_pool.py): its workers leave with the build that started them."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import PROJECT

# A build stand-in: starts the fork server as a first build does, hands a piece to a background worker, says the
# worker's process id, then is killed outright (SIGKILL: no clean-up runs, as after an IDE's stop button sends
# SIGTERM to a process that has no handler for it).
KILLED_BUILD = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from explainer.effects.worker_pool import background_workers, start_processes_early
if __name__ == "__main__":
    start_processes_early()
    with background_workers() as workers:
        print(workers.submit(os.getpid).result(timeout=60), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as status:
            return status.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc") or os.cpu_count() < 2, reason="needs Linux and two cores")
def test_a_worker_leaves_when_the_build_is_killed_outright(tmp_path):
    script = tmp_path / "killed_build.py"
    script.write_text(KILLED_BUILD)
    said = tmp_path / "said"
    with said.open("w") as output:  # a file, not a pipe: the processes left behind would hold a pipe open
        subprocess.run([sys.executable, str(script), str(PROJECT)], stdout=output, stderr=subprocess.STDOUT,
                       timeout=120)
    worker = int(said.read_text().split()[0])
    deadline = time.monotonic() + 20  # the worker looks every half second
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(worker), "the worker outlived the build that started it"
