"""The command line: `python build.py [build|check|serve|verify] [--root DIR] [--out DIR] [--strict] [--url URL]
[--no-cache] [--today DATE]`, `python build.py new DIR [--edition LANG]`,
`python build.py migrate [--root DIR]` and
`python build.py translations [--root DIR] [--accept PAGE]`."""
# Ctrl+C while the engine's modules are imported (a few hundred milliseconds, before main() can catch it) says
# "Stopped." as it does later, not a traceback of the import; the handler is put back once they are imported.
# So this is the first statement: no `from __future__` (itself an import, not loaded yet), and _signal, the C
# module under signal.py, loaded with the interpreter (signal.py imports enum first: 8 ms).
import _signal
import os
import sys


def _stopped_while_starting(signal_number, frame):
    # Ends the process here rather than raising SystemExit: raised while Python runs a callback (importlib's
    # module-lock clean-up), an exception is printed as ignored and the command goes on (CI once served on for
    # a minute after a Ctrl+C at 0.03 s). Nothing has started yet that needs ending.
    sys.stderr.write("Stopped.\n")
    sys.stderr.flush()
    os._exit(1)  # EXIT_PROBLEMS, as main() returns for Ctrl+C


_SIGINT_BEFORE = _signal.getsignal(_signal.SIGINT)
if _SIGINT_BEFORE is _signal.default_int_handler:
    try:
        _signal.signal(_signal.SIGINT, _stopped_while_starting)
    except ValueError:  # imported outside the main thread, where no handler can be set: nothing to do
        pass

import argparse  # noqa: E402
import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import datetime  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from .incremental.build_record import inputs_key, load_record, save_record, unchanged, written_record  # noqa: E402
from .incremental.disk_store import DiskCache, cache_folder, remove_stale_temporaries  # noqa: E402
from .site_folder.inputs import PROJECT, read_inputs, site_url  # noqa: E402
from .publish.site_writer import SITE_MARKER, WriteFailed, staged_site  # noqa: E402

if _signal.getsignal(_signal.SIGINT) is _stopped_while_starting:
    _signal.signal(_signal.SIGINT, _SIGINT_BEFORE)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# An unexpected exception is a fault in the engine, not in the site's files: the editor gets one line and a way
# to report it, and only --debug prints the traceback a developer needs.
INTERNAL_ERROR_HINT = ("this is a bug in the engine, not in your files; please report it with the output of "
                       "--debug")


def port_number(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give a number from 1 to 65535")
    return int(text)


def iso_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day: write YYYY-MM-DD") from None


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a fact-checked explainer site.")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check", "serve", "verify", "new",
                                                                "migrate", "translations"],
                        help="build (default) writes the site; check validates and writes nothing; "
                             "serve previews with live reload; verify fetches every source's address again and "
                             "looks for the words we quote; new DIR starts a new site folder; migrate moves a site "
                             "from the old fact store (data/sources.json, quotes) to the current one; translations "
                             "records which text of the default edition each translated page translates "
                             "(docs/editions.md)")
    parser.add_argument("folder", nargs="?", type=Path, default=None, help="new: the site folder to create")
    parser.add_argument("--edition", default=None, metavar="LANG",
                        help="new: start the site with a second edition in this language, e.g. ko (prepared in "
                             "Korean) or fr (set up to translate); docs/editions.md")
    parser.add_argument("--root", type=Path, default=PROJECT, help="the site folder (default: this project)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the site (default: ROOT/site)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--no-cache", action="store_true",
                        help="build everything afresh, ignoring what .cache/ keeps from earlier builds")
    parser.add_argument("--url", default=None,
                        help="the address the site is published at, ending in / (instead of site.json's url): "
                             "canonical links, share tags, sitemap.xml and citations use it")
    parser.add_argument("--host", default="127.0.0.1", help="serve: address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=8000, help="serve: port (default 8000)")
    parser.add_argument("--today", type=iso_day, default=None,
                        help="check: the date sources' next_update is compared with, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--accept", action="append", type=Path, default=[], metavar="PAGE",
                        help="translations: PAGE (e.g. content/ko/arrivals.md) has been brought up to date with the "
                             "default edition's page; record that page as it is now")
    parser.add_argument("--debug", action="store_true",
                        help="on an internal error, print the full traceback (for a bug report)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit:
        return EXIT_OK if exit.code == 0 else EXIT_USAGE
    try:
        return run_command(arguments)
    except KeyboardInterrupt:
        return stopped(ending_the_process=argv is None)
    except Exception as error:  # noqa: BLE001 — the last guard: every known fault is a path:line:col problem
        if caused_by_ctrl_c(error):
            return stopped(ending_the_process=argv is None)
        if arguments.debug:
            traceback.print_exc()
        print(f"internal error ({type(error).__name__}: {str(error)[:200]}): {INTERNAL_ERROR_HINT}.",
              file=sys.stderr)
        return EXIT_PROBLEMS


def stopped(ending_the_process: bool) -> int:
    print("Stopped.", file=sys.stderr)
    if ending_the_process:  # the program itself (build.py), not a caller in the same process
        # End now: the build's own clean-up has run, and what its threads still do is not wanted. Python's
        # exit would wait for them, for ever if Ctrl+C came inside ThreadPoolExecutor.submit (the thread is
        # started before the pool records it, so it is never told to stop).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_PROBLEMS)
    return EXIT_PROBLEMS


def caused_by_ctrl_c(error: BaseException) -> bool:
    """Python 3.11 hands on a Ctrl+C that lands while a class is being made (a dataclass field's __set_name__, in a
    module imported on first use) as a RuntimeError raised from it: CI once printed that as an internal error."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def run_command(arguments: argparse.Namespace) -> int:
    if arguments.command == "new" or arguments.folder is not None:
        return new_site(arguments.command, arguments.folder, arguments.edition)
    if arguments.edition is not None:
        print("--edition goes with `new`: python build.py new DIR --edition LANG. To add an edition to a site, "
              "list it in site.json's \"editions\" (docs/editions.md).", file=sys.stderr)
        return EXIT_USAGE
    root = arguments.root.resolve()
    out = (arguments.out or root / "site").resolve()
    if not root.is_dir():
        print(f"{root}: no such folder: --root must name a site folder with content/ and data/.", file=sys.stderr)
        return EXIT_USAGE
    if arguments.command == "migrate":
        from .site_folder.migrate.site_files import run_migrate  # imported here: only migrate needs it

        return run_migrate(root)
    if arguments.command == "translations":
        from .editions.translations_command import run_translations  # imported here: only translations needs it

        return run_translations(root, arguments.accept)
    if arguments.accept:
        print("--accept goes with `translations`: python build.py translations --accept PAGE.", file=sys.stderr)
        return EXIT_USAGE
    refusal = unsafe_output(root, out)
    if refusal and arguments.command == "build":
        print(f"{out}: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    if arguments.command == "serve":
        from .preview.serve import serve  # imported here: only the preview needs livereload

        return serve(root, out, host=arguments.host, port=arguments.port, strict=arguments.strict)
    if arguments.command == "verify":
        from .sources_verify import fetch_page  # imported here: only verify reaches the network

        return run_verify(root, fetch_page)
    if arguments.url is not None and site_url(arguments.url) is None:
        print(f"--url {arguments.url!r}: give the absolute http(s) address the site is published at, e.g. "
              "https://example.org/explainer/, without a query or fragment.", file=sys.stderr)
        return EXIT_USAGE
    return run_build(root, out, strict=arguments.strict, write=arguments.command == "build", url=arguments.url,
                     use_cache=not arguments.no_cache, today=arguments.today or datetime.datetime.now(datetime.UTC).date())


def new_site(command: str, folder: Path | None, edition: str | None = None) -> int:
    """`python build.py new DIR [--edition LANG]`: write a starter site that builds and passes --strict (with a
    second edition: prepared, or set up to translate), and say what to edit."""
    from .site_folder.scaffold import edition_tag, next_steps, write_starter  # imported here: only `new` needs it

    if command != "new":
        print(f"{folder}: only `new` takes a folder; to {command} another site folder, write --root {folder}.",
              file=sys.stderr)
        return EXIT_USAGE
    if folder is None:
        print("new: name the folder to create, e.g. `python build.py new my-explainer`.", file=sys.stderr)
        return EXIT_USAGE
    tag, refusal = edition_tag(edition) if edition is not None else (None, None)
    if refusal:
        print(refusal, file=sys.stderr)
        return EXIT_USAGE
    refusal = write_starter(folder, tag)
    if refusal:
        print(f"{folder}: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    print(next_steps(folder, tag))
    return EXIT_OK


def unsafe_output(root: Path, out: Path) -> str | None:
    """Why writing the site to out could destroy something, or None. The build replaces out as a whole."""
    if out == root or out in root.parents:
        return "--out would replace the site folder itself: choose a folder of its own, e.g. ROOT/site."
    # The store (ROOT/.cache/, incremental/disk_store.py) keeps what builds made, with the build record's absolute paths:
    # the site must not be written over it, nor publish it.
    store = cache_folder(root).resolve()
    if out == store or store in out.parents:
        return ("--out is inside the site's .cache/ folder, where builds keep what they made: choose a folder of "
                "its own, e.g. ROOT/site.")
    if out in store.parents:
        return (f"--out holds the site's .cache/ folder ({store}), which would be replaced and published: "
                "choose a folder of its own, e.g. ROOT/site.")
    for source in ("content", "data", "charts", "templates", "assets", "tests", ".git"):
        if out == root / source or (root / source) in out.parents:
            return f"--out is inside the site's {source}/ folder: choose a folder of its own, e.g. ROOT/site."
    if out.exists() and not out.is_dir():
        return "--out names a file, which the build would replace: choose a folder."
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).exists():
        return (f"--out is a folder that this tool did not build (it has no {SITE_MARKER}), and the build "
                "replaces it whole: choose an empty or new folder, or remove this one first.")
    return None


def run_build(root: Path, out: Path, strict: bool, write: bool, url: str | None = None, use_cache: bool = True,
              today: datetime.date | None = None) -> int:
    started = time.perf_counter()
    inputs, problems = read_inputs(root)
    if problems:
        report(problems, root, strict)
        return EXIT_PROBLEMS
    if url is not None:  # the publishing workflow knows the address; site.json may not
        inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, url=site_url(url)))
    kept = DiskCache(cache_folder(root) / "build")
    if write:  # what killed writes to the store left behind (incremental/disk_store.py); check removes nothing
        remove_stale_temporaries(root)
    key = inputs_key(inputs, strict, out, hashed_names=True) if write else ""
    record = load_record(kept) if write and use_cache else None
    if unchanged(record, key, out):  # explainer/incremental/build_record.py: out already holds what this build would write
        for line in record.problems:
            print(line, file=sys.stderr)
        print(f"{record.summary} in {time.perf_counter() - started:.2f} s → {out} (unchanged since the last build)")
        return EXIT_OK
    if sys.stderr.isatty():  # a cold build renders every chart: say something while it works
        print(f"Building {root} …", file=sys.stderr, flush=True)
    # Imported only now: a build whose inputs are unchanged (above) needs none of the engine's stages.
    from .incremental.build_cache import load_build_cache, save_build_cache
    from .store.checks import acknowledgement_lines
    from .effects.boundary import NO_MEMO, READ_ONLY, READ_WRITE, WRITE_ONLY, BuildEffects
    from .pipeline import build
    from .effects.worker_pool import start_processes_early, workers_pay
    from .prose.markdown_pool import POOL_MIN_PAGES
    from .charts import charts_named_in

    # What the last good build kept in .cache/build/ (explainer/incremental/build_cache.py): only what changed is made again.
    cache = load_build_cache(kept, inputs.settings) if use_cache else None
    if cache is not None:
        cache.start_build()
    if (cache is None or not cache.loaded) and (workers_pay(len(inputs.content), POOL_MIN_PAGES)
                                                or charts_named_in(inputs.content)):
        start_processes_early()  # a first build: the Markdown workers or the chart renderers will be started
    # --no-cache: nothing kept in .cache/ is used (chart pictures, chart results, share cards, the search index);
    # check: reads what is kept but writes nothing anywhere, not even .cache/.
    effects = BuildEffects(memo=cache or NO_MEMO,
                           store=(READ_WRITE if use_cache else WRITE_ONLY) if write else READ_ONLY)
    # What is published has stylesheets, scripts and pictures under content-hashed names; check builds the same
    # site in memory, so it reports what publishing it would (such as a missing url). A build writes each file
    # into a temporary folder beside out as it is finished (publish/site_writer.py: the site is never whole in
    # memory); the folder replaces out only if the build succeeds, and is removed otherwise.
    with contextlib.ExitStack() as writing:
        try:
            staged = writing.enter_context(staged_site(out)) if write else None
            result = build(inputs, effects, hashed_names=True, written=staged)
        except (OSError, WriteFailed) as error:
            return _cannot_write(out, error)
        if cache is not None and write:
            cache.finish_build(succeeded=not result.failed(strict))
        report(result.problems, root, strict)
        if result.failed(strict):
            print(f"Build failed: {summarise_problems(result.problems, strict)}. "
                  f"{'The previous site was left as it was.' if write else ''}".rstrip(), file=sys.stderr)
            return EXIT_PROBLEMS
        if write:
            try:
                written_id = staged.finish()
            except OSError as error:
                return _cannot_write(out, error)
    if write:
        result.files = {}  # the staged folder, now the site
        # Kept after the site is written: pickling the cache holds a good part of it again for a moment.
        if cache is not None:
            save_build_cache(kept, inputs.settings, cache)
        # None when another build has written out since: then no record, and the next build builds.
        record = written_record(key, out, written_id,
                                [problem.format(relative_to=root, strict=strict) for problem in result.problems],
                                summary_counts(result, replayed=True))
        if record is not None:
            save_record(kept, record)
    print(f"{summary_counts(result)} in {result.seconds:.2f} s{f' → {out}' if write else ' (checked, nothing written)'}")
    acknowledged = [] if write else acknowledgement_lines(result.store, root)
    if acknowledged:  # check: what the build took on the editor's word, for review
        print(f"{len(acknowledged)} acknowledged value(s), stated in words the build cannot read:",
              *acknowledged, sep="\n")
    overdue = [] if write or today is None else result.store.overdue_updates(today)
    if overdue:  # check: figures whose publisher should have published new ones by now
        print(f"{len(overdue)} source(s) overdue for an update (next_update before {today.isoformat()}):",
              *(overdue_line(source, root) for source in overdue), sep="\n")
    return EXIT_OK


def _cannot_write(out: Path, error: OSError | WriteFailed) -> int:
    cause = error.error if isinstance(error, WriteFailed) else error
    print(f"{out}: cannot write the site: {cause.strerror or cause}. The previous site was left as it was.",
          file=sys.stderr)
    return EXIT_PROBLEMS


def overdue_line(source, root: Path) -> str:
    """`path:line:col: source-id: next update expected 2026-02`, at the source's "next_update"."""
    where = source.location
    at = where.text.find('"next_update"', where.offset)
    place = dataclasses.replace(where, offset=at) if at != -1 else where
    problem = place.problem(f"{source.id}: next update expected {source.next_update}")
    return dataclasses.replace(problem, source_line=None).format(relative_to=root)


def run_verify(root: Path, fetch) -> int:
    """`python build.py verify`: every source's address fetched again (explainer/sources_verify.py); 0 when every
    quote is still there, 1 when a quote is gone, a page is dead or the fact store has errors."""
    from .store.loading import load_fact_store
    from .store.snapshots import is_snapshot
    from .sources_verify import report_lines, verify_sources

    inputs, problems = read_inputs(root)
    store, found = load_fact_store(inputs.data, inputs.settings.language)
    problems += found
    report(problems, root)
    reports = verify_sources(store, {path: text for path, text in inputs.data.items() if is_snapshot(path)}, fetch)
    print(*report_lines(reports), sep="\n")
    stopped = any(problem.severity == "error" for problem in problems)
    return EXIT_PROBLEMS if stopped or any(item.failed for item in reports) else EXIT_OK


def summarise_problems(problems, strict: bool) -> str:
    errors = sum(1 for p in problems if p.stops_build(strict))
    warnings = sum(1 for p in problems if p.severity == "warning" and not p.stops_build(strict))
    return f"{errors} error(s)" + (f", {warnings} warning(s)" if warnings else "")


def summary_counts(result, replayed: bool = False) -> str:
    """What a build made, for its summary line: "12 pages, 117 facts, …, 3 warning(s)". replayed: as said again
    by a later build with nothing changed, which renders no chart."""
    store = result.store
    warnings = sum(1 for p in result.problems if p.severity == "warning")
    rendered, cached = (0, result.charts.total) if replayed else (result.charts.rendered, result.charts.cached)
    return (f"{len(result.pages)} pages, {len(store.facts)} facts, {len(store.series)} series, "
            f"{len(store.sources)} source{'s' if len(store.sources) != 1 else ''}"
            + (f", {result.charts.total} chart{'s' if result.charts.total > 1 else ''} "
               f"({rendered} rendered, {cached} cached)" if result.charts.total else "")
            + (f", {warnings} warning(s)" if warnings else ""))


def report(problems, root: Path, strict: bool = False) -> None:
    for problem in problems:  # under --strict a warning stops the build, and says "error:"
        print(problem.format(relative_to=root, strict=strict), file=sys.stderr)
