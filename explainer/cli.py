"""The command line: `python build.py [build|check|serve] [--root DIR] [--out DIR] [--strict]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .inputs import PROJECT, read_inputs
from .output import write_site
from .pipeline import build

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a fact-checked explainer site.")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check", "serve"],
                        help="build (default) writes the site; check validates and writes nothing; "
                             "serve previews with live reload")
    parser.add_argument("--root", type=Path, default=PROJECT, help="the site folder (default: this project)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the site (default: ROOT/site)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--host", default="127.0.0.1", help="serve: address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default 8000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit:
        return EXIT_OK if exit.code == 0 else EXIT_USAGE
    root = arguments.root.resolve()
    out = (arguments.out or root / "site").resolve()
    if not root.is_dir():
        print(f"{root}: no such folder: --root must name a site folder with content/ and data/.", file=sys.stderr)
        return EXIT_USAGE
    if arguments.command == "serve":
        from .preview.serve import serve  # imported here: only the preview needs livereload

        return serve(root, out, host=arguments.host, port=arguments.port, strict=arguments.strict)
    return run_build(root, out, strict=arguments.strict, write=arguments.command == "build")


def run_build(root: Path, out: Path, strict: bool, write: bool) -> int:
    if sys.stderr.isatty():  # a cold build renders every chart: say something while it works
        print(f"Building {root} …", file=sys.stderr, flush=True)
    inputs, problems = read_inputs(root)
    if problems:
        report(problems, root)
        return EXIT_PROBLEMS
    result = build(inputs)
    report(result.problems, root)
    if result.failed(strict):
        print(f"Build failed: {summarise_problems(result.problems, strict)}. "
              f"{'The previous site was left as it was.' if write else ''}".rstrip(), file=sys.stderr)
        return EXIT_PROBLEMS
    if write:
        write_site(result.files, out)
    print(summary_line(result, out if write else None))
    return EXIT_OK


def summarise_problems(problems, strict: bool) -> str:
    errors = sum(1 for p in problems if p.severity == "error" or strict)
    return f"{errors} error(s)" + (f", {len(problems) - errors} warning(s)" if len(problems) > errors else "")


def summary_line(result, out: Path | None) -> str:
    store = result.store
    where = f" → {out}" if out else " (checked, nothing written)"
    warnings = sum(1 for p in result.problems if p.severity == "warning")
    return (f"{len(result.pages)} pages, {len(store.facts)} facts, {len(store.series)} series, "
            f"{len(store.sources)} sources"
            + (f", {result.charts.total} chart{'s' if result.charts.total > 1 else ''} "
               f"({result.charts.rendered} rendered, {result.charts.cached} cached)" if result.charts.total else "")
            + (f", {warnings} warning(s)" if warnings else "")
            + f" in {result.seconds:.2f} s{where}")


def report(problems, root: Path) -> None:
    for problem in problems:
        print(problem.format(relative_to=root), file=sys.stderr)
