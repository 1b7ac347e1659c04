"""Build times of a two-edition copy of the project (English and Korean), for bench/README.md's "Two editions".

    python bench/two_editions.py                 # 3 runs of each edited build, 8 preview rebuilds of each edit
    python bench/two_editions.py --runs 5 --rebuilds 12

The project's site folder (content/, data/, site.json) is copied to a temporary folder, site.json gets
`"editions": ["en", "ko"]` (content/ko/ is the Korean edition) and `python build.py translations` records the
translations as current. Then, with `python build.py --root COPY` as a separate process each time: a cold build
(no ROOT/.cache), a build with nothing changed, one English page edited, one Korean page edited, one fact edited;
and in this process the preview's rebuild (preview/rebuild.Rebuilder, its memory kept) after each kind of edit.
Each edit flips a word and back, so every run is a real change. Not a test: it prints medians, asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))
from users_environment import run_as_users  # noqa: E402

# Each edit: a file and two texts it alternates between.
EDITS = {
    "English page": ("content/arrivals.md", "; see [Women and men]", "; read [Women and men]"),
    "Korean page": ("content/ko/arrivals.md", "(women.html)을 보라", "(women.html)을 참고하라"),
    "fact": ("data/facts/overview.json", '"en": "North Korean defectors living in South Korea"',
             '"en": "North Korean defectors who live in South Korea"'),
}


def prepare(folder: Path) -> Path:
    root = folder / "site"
    root.mkdir()
    for name in ("content", "data"):
        shutil.copytree(PROJECT / name, root / name)
    settings = json.loads((PROJECT / "site.json").read_text(encoding="utf-8"))
    settings["editions"] = ["en", "ko"]
    (root / "site.json").write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    subprocess.run([sys.executable, str(PROJECT / "build.py"), "translations", "--root", str(root)], check=True,
                   capture_output=True)
    return root


def flip(root: Path, edit: str) -> None:
    name, one, other = EDITS[edit]
    path = root / name
    text = path.read_text(encoding="utf-8")
    old, new = (one, other) if one in text else (other, one)
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cli_build(root: Path, out: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "--out", str(out),
                           "--url", "https://example.org/x/"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def command_line(root: Path, out: Path, runs: int) -> dict[str, list[float]]:
    shutil.rmtree(root / ".cache", ignore_errors=True)
    times = {"cold": [cli_build(root, out)], "nothing changed": [], **{f"{edit} edited": [] for edit in EDITS}}
    for _ in range(runs):
        times["nothing changed"].append(cli_build(root, out))
        for edit in EDITS:
            flip(root, edit)
            times[f"{edit} edited"].append(cli_build(root, out))
    return times


def preview(root: Path, rebuilds: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    from explainer.preview.rebuild import Rebuilder
    from test_incremental_equals_clean import changes_between, watched

    rebuilder = Rebuilder(root, strict=False)
    seen = watched(root)
    first = rebuilder.rebuild(None)
    assert first.files is not None, [problem.format() for problem in first.problems]
    times: dict[str, list[float]] = {f"{edit} edited": [] for edit in EDITS}
    charts_rerun = dict.fromkeys(times, 0)
    for _ in range(rebuilds):
        for edit in EDITS:  # alternating: English, Korean, fact
            flip(root, edit)
            now = watched(root)
            started = time.perf_counter()
            outcome = rebuilder.rebuild(changes_between(seen, now))
            times[f"{edit} edited"].append(time.perf_counter() - started)
            seen = now
            assert outcome.files is not None, outcome.problems
            charts_rerun[f"{edit} edited"] += rebuilder.cache.stats.stages_rerun.count("charts")
    return times, charts_rerun


def main() -> None:
    run_as_users()  # before any process starts: bench/users_environment.py
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuilds", type=int, default=8)
    parser.add_argument("--skip-cli", action="store_true", help="only the preview's rebuilds")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = prepare(Path(folder))
        if not arguments.skip_cli:
            for what, seconds in command_line(root, Path(folder) / "out", arguments.runs).items():
                print(f"python build.py, {what}: median {statistics.median(seconds):.2f} s "
                      f"({', '.join(f'{s:.2f}' for s in seconds)})")
        times, charts_rerun = preview(root, arguments.rebuilds)
        for what, seconds in times.items():
            print(f"preview rebuild, {what}: median {statistics.median(seconds) * 1000:.0f} ms "
                  f"(min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}; charts ran again in "
                  f"{charts_rerun[what]} of {len(seconds)})")


if __name__ == "__main__":
    main()
