"""Where a build's memory goes: the resident size of `python build.py` at the end of each stage.

    python bench/memory_profile.py --root /tmp/corpus --out /tmp/corpus-out           # a build as the CLI runs it
    python bench/memory_profile.py --root /tmp/corpus --out /tmp/corpus-out --traced  # + Python's own allocations

Runs cli.run_build in this process with each stage wrapped, and prints one row per stage as it ends: the
resident set size then (VmRSS), the peak so far (VmHWM, what `/usr/bin/time -v` reports as "Maximum resident
set size" when this process is the largest of the build's), and with --traced the memory Python's objects hold
(tracemalloc: current and peak, which slows the build about twofold; the RSS columns then include
tracemalloc's own bookkeeping). With --trim, glibc gives freed memory back at each stage's end: what the build
holds, less what the allocator keeps for later. Worker processes (Markdown, the chart worker) and Pagefind are
not counted: at the end it prints the largest child's peak too (getrusage RUSAGE_CHILDREN, of the children
waited for; a child started by fork counts this process's size at that moment).
Not a test: it asserts nothing, it prints figures.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import functools
import resource
import sys
import time
import tracemalloc
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
from users_environment import run_as_users  # noqa: E402

# (module, function or Class.method): the stages, in the order a build runs them; each is wrapped where its
# caller looks it up.
STAGES = [
    ("explainer.cli", "read_inputs"),
    ("explainer.incremental.build_cache", "load_build_cache"),
    ("explainer.pipeline", "read_pages"),
    ("explainer.pipeline", "load_charts"),
    ("explainer.pipeline", "render_markdown"),
    ("explainer.pipeline", "chart_files"),
    ("explainer.pipeline", "share_images"),
    ("explainer.pipeline", "place_edition"),
    ("explainer.pipeline", "hashed_names_of"),  # the hashed names, before the first page
    ("explainer.pipeline", "render_pages"),  # each page renamed, taken by the search index and written as made
    ("explainer.pipeline", "render_after_hashing"),
    ("explainer.pipeline", "check_output"),
    ("explainer.pipeline", "_write_site_files"),
    ("explainer.pipeline", "build"),
    ("explainer.incremental.build_cache", "save_build_cache"),
    ("explainer.publish.site_writer", "StagedSite.finish"),  # the staged site swapped in
]


TRIM = None  # --trim: glibc's malloc_trim, called at each stage's end


def _status_mb(field: str) -> float:
    """A VmRSS/VmHWM line of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Table:
    def __init__(self, traced: bool):
        self.traced, self.started = traced, time.perf_counter()
        print(f"{'stage ended':<40} {'s':>6} {'RSS MB':>8} {'peak MB':>8}"
              + (f" {'py MB':>7} {'py peak':>8}" if traced else ""), flush=True)

    def row(self, name: str) -> None:
        line = (f"{name:<40} {time.perf_counter() - self.started:6.2f} {_status_mb('VmRSS'):8.1f} "
                f"{_status_mb('VmHWM'):8.1f}")
        if self.traced:
            current, peak = tracemalloc.get_traced_memory()
            line += f" {current / 2**20:7.1f} {peak / 2**20:8.1f}"
        print(line, flush=True)


def _wrapped(function, name: str, table: Table):
    @functools.wraps(function)
    def stage(*arguments, **keywords):
        try:
            return function(*arguments, **keywords)
        finally:
            if TRIM:
                TRIM(0)
            table.row(name)
    return stage


def main() -> int:
    run_as_users()  # before any process starts: bench/users_environment.py
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--traced", action="store_true", help="also tracemalloc's current and peak")
    parser.add_argument("--trim", action="store_true",
                        help="give freed memory back to the system at each stage's end (glibc malloc_trim), to "
                             "tell what the build holds from what the allocator keeps")
    arguments = parser.parse_args()
    if arguments.trim:
        global TRIM
        TRIM = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    if arguments.traced:
        tracemalloc.start()
    import importlib

    import explainer.cli as cli
    import explainer.pipeline  # noqa: F401  (imported so its names can be wrapped before run_build imports it)
    import explainer.incremental.build_cache  # noqa: F401

    table = Table(arguments.traced)
    table.row("imports")
    for module_name, function_name in STAGES:
        owner = importlib.import_module(module_name)
        *classes, name = function_name.split(".")
        for class_name in classes:  # a method: wrapped on its class
            owner = getattr(owner, class_name)
        setattr(owner, name, _wrapped(getattr(owner, name), f"{module_name.split('.')[-1]}.{function_name}", table))
    code = cli.run_build(arguments.root.resolve(), arguments.out.resolve(), strict=False, write=True,
                         use_cache=not arguments.no_cache)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"exit {code}; this process's peak {_status_mb('VmHWM'):.1f} MB; largest child waited for "
          f"{children:.1f} MB", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
