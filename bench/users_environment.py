"""The environment every timed process runs in: a user's. Each benchmark script's main() calls run_as_users() first.

A user's Python writes bytecode (__pycache__/*.pyc) on the first run and reads it after; a sandbox or CI that
exports PYTHONDONTWRITEBYTECODE=1 makes every process compile its modules from source again (about 0.3 s for
a build's ~160 modules, besides the floor's and the peers' own), which no user pays. The benchmarks remove it
from their own environment, so that every process they start (ours, the floor, the peers) inherits the same.
A function, not an import side effect: tests import the benchmark modules, and their processes keep theirs.
"""
from __future__ import annotations

import os
import sys


def run_as_users() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False  # for what a script builds in its own process
