"""Watching a site's source folders for the preview server: which files were modified, created or deleted.

Native file events (the watchdog package: inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on
Windows) only wake the watcher up. What changed is decided by scanning the folders and comparing each file's
size, modification time and, where those moved or an event named the file, its content hash with the last
scan. So a missed, duplicated or merged event can neither lose a change nor start a build for nothing (saving
a file unchanged, an editor's swap file, a __pycache__ folder). A rescan also runs every second in case events
are lost altogether, and every 100 ms if native events cannot be had (then it is a plain poller).

livereload's own watcher polls every 800 ms and then ignores changes for 3 seconds after each reload (see
serve.py); this one reacts within milliseconds and never ignores a change.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger("explainer.preview.serve")

# Of the site, and the project's fallbacks. data/ holds the sources' snapshots too (data/sources/<id>.snapshot.txt,
# store/snapshots.py): an edited snapshot is a changed data file, read and checked again by the rebuild.
WATCHED_FOLDERS = ("content", "data", "charts", "templates", "assets")
WATCHED_FILES = ("site.json",)  # of the site
# A burst of saves ends when no event came for this long, and makes one rebuild. A file written in place and
# closed is saved: only the next file of the same burst (a few microseconds later) can follow, so the pause is
# short. A file renamed, created or deleted may be one step of an editor's save (vim renames the file away, then
# writes it anew), so wait a little longer; after a bare "modified" the writer may not have finished, longer still.
QUIET_AFTER_CLOSE = 0.005
QUIET_AFTER_SAVE = 0.02
QUIET = 0.05
LONGEST_BURST = 1.0  # …or after this long, so a file written continuously cannot hold the preview back forever
RESCAN = 1.0  # seconds between scans when nothing woke the watcher, in case native events were lost
POLL = 0.1  # seconds between scans when native events are not available
_QUIET_AFTER = {"closed": QUIET_AFTER_CLOSE, "modified": QUIET}  # by watchdog's event type; else QUIET_AFTER_SAVE
_EDITOR_DEBRIS = ("~", ".swp", ".swx", ".swo", ".tmp", ".pyc", ".pyo")


def ignored(name: str) -> bool:
    """Files and folders that are never site sources: hidden ones (.git, .cache, editor locks), caches, backups."""
    return name.startswith(".") or name == "__pycache__" or name.endswith(_EDITOR_DEBRIS) or name == "4913"


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    digest: bytes


@dataclass(frozen=True)
class Changes:
    """What changed between two scans; new contents are included, so the build reads what was compared."""

    modified: dict[Path, bytes] = field(default_factory=dict)
    created: dict[Path, bytes] = field(default_factory=dict)
    deleted: frozenset[Path] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.modified or self.created or self.deleted)

    def merge(self, later: Changes) -> Changes:
        """These changes followed by later ones, as one set of changes from the first state to the last."""
        modified, created, deleted = dict(self.modified), dict(self.created), set(self.deleted)
        for path, data in later.modified.items():
            (created if path in created else modified)[path] = data
        for path, data in later.created.items():
            if path in deleted:
                deleted.discard(path)
                modified[path] = data
            else:
                created[path] = data
        for path in later.deleted:
            modified.pop(path, None)
            if created.pop(path, None) is None:
                deleted.add(path)
        return Changes(modified, created, frozenset(deleted))

    def describe(self, root: Path, project: Path | None = None) -> str:
        """`content/a.md changed`, `content/b.md deleted`, `3 files changed (content/a.md, …)`; files of the
        project's fallback folders are named `project's templates/page.html`."""
        entries = ([(path, "changed") for path in self.modified] + [(path, "created") for path in self.created]
                   + [(path, "deleted") for path in self.deleted])
        entries.sort()
        shown = [(_relative(path, root, project), what) for path, what in entries]
        if len(shown) == 1:
            return f"{shown[0][0]} {shown[0][1]}"
        names = ", ".join(name for name, _ in shown[:3]) + (", …" if len(shown) > 3 else "")
        return f"{len(shown)} files changed ({names})"


def _relative(path: Path, root: Path, project: Path | None) -> str:
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    if project is not None and path.is_relative_to(project):
        return f"project's {path.relative_to(project).as_posix()}"
    return str(path)


def watched_folders(root: Path, project: Path) -> list[Path]:
    """The site's source folders, then the project's folders it falls back to; each once."""
    folders = [root / name for name in WATCHED_FOLDERS]
    folders += [project / name for name in WATCHED_FOLDERS if name not in ("content", "data")]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [known.resolve() for known in unique]:
            unique.append(folder)
    return unique


class SourceWatcher:
    """Scans the sources; wait_for_changes() blocks until something really changed, then says what."""

    def __init__(self, root: Path, project: Path):
        self.root = root.resolve()
        self.folders = watched_folders(self.root, project.resolve())
        self.files = [self.root / name for name in WATCHED_FILES]
        self._quiet = QUIET  # how long the burst must be quiet after the last event to be over (its kind's pause)
        self._states: dict[Path, FileState] = {}
        self._contents: dict[Path, bytes] = {}  # what the last scan read, handed on with the changes
        self._woken = threading.Event()
        self._named: set[Path] = set()  # files that events named since the last scan: hashed even if stat agrees
        self._lock = threading.Lock()
        self._observer = None
        self._scheduled: set[Path] = set()
        self.native = False

    def start(self) -> None:
        """Take the first scan (the state the first build will read) and start listening for events."""
        self._states = self._scan({})
        self._contents = {}  # the first scan read every file only to hash it
        self._start_observer()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()

    def wait_for_changes(self, timeout: float | None = None) -> Changes:
        """Block until files changed (then wait for the burst to end) or timeout; return the changes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            interval = RESCAN if self.native else POLL
            if deadline is not None:
                interval = min(interval, max(deadline - time.monotonic(), 0))
            woken = self._woken.wait(interval)
            if woken:
                self._settle()
            changes = self.check(everything=not (woken and self.native))
            if changes or (deadline is not None and time.monotonic() >= deadline):
                return changes

    def check(self, everything: bool = True) -> Changes:
        """What changed since the last look: in every file, or (everything=False) in the files events named.

        Looking only where events pointed keeps a thousand-page site's rebuild from paying for a thousand
        stat calls; the full scan every RESCAN seconds still catches whatever the events missed.
        """
        with self._lock:
            named, self._named = self._named, set()
        self._woken.clear()
        previous = self._states
        self._contents = {}
        current = self._scan(previous, named) if everything or not self.native else self._look_at(previous, named)
        self._states = current
        self._schedule_new_folders()
        modified, created = {}, {}
        for path in current.keys() - previous.keys():
            created[path] = self._contents.get(path, b"")
        for path in self._contents.keys() & previous.keys():
            if previous[path].digest != current[path].digest:
                modified[path] = self._contents[path]
        self._contents = {}
        return Changes(modified, created, frozenset(previous.keys() - current.keys()))

    def _look_at(self, previous: dict[Path, FileState], named: set[Path]) -> dict[Path, FileState]:
        """The states after looking only at the named paths: files hashed, folders listed for new and gone files."""
        states = dict(previous)
        for path in sorted(named):
            if not self._watches(path):
                continue
            if path.is_dir():  # a folder is named for every file saved, created or deleted in it
                names = {name for name in os.listdir(path) if not ignored(name)}
                prefix = f"{path}{os.sep}"
                known_here = {str(known)[len(prefix):]: known for known in states
                              if str(known).startswith(prefix) and os.sep not in str(known)[len(prefix):]}
                for name in known_here.keys() - names:
                    del states[known_here[name]]
                for name in names - known_here.keys():  # new files, and folders (known or new)
                    child = path / name
                    if not child.is_dir():
                        self._update(states, child, previous, hash_anyway=True)
                    elif not any(str(known).startswith(f"{child}{os.sep}") for known in states):
                        for directory, subfolders, files in os.walk(child):  # a new folder: all of it
                            subfolders[:] = [folder for folder in subfolders if not ignored(folder)]
                            for file in files:
                                if not ignored(file):
                                    self._update(states, Path(directory, file), previous, hash_anyway=True)
            elif path.exists():
                self._update(states, path, previous, hash_anyway=True)
            else:  # a file, or a whole folder, is gone
                for known in [known for known in states if known == path or known.is_relative_to(path)]:
                    del states[known]
        return states

    def _watches(self, path: Path) -> bool:
        if path in self.files:
            return True
        if any(ignored(part) for part in path.parts[-3:]):
            return False
        return any(path == folder or path.is_relative_to(folder) for folder in self.folders)

    def _settle(self) -> None:
        """Wait until no event has come for the last event's pause (at most LONGEST_BURST): the burst is over."""
        started = time.monotonic()
        while time.monotonic() - started < LONGEST_BURST:
            self._woken.clear()
            if not self._woken.wait(self._quiet):
                return

    def _scan(self, previous: dict[Path, FileState], named: set[Path] = frozenset()) -> dict[Path, FileState]:
        """Every source file's state; files whose size or time moved, or that an event named, are hashed."""
        states: dict[Path, FileState] = {}
        candidates = [path for path in self.files if path.is_file()]
        for folder in self.folders:
            for directory, subfolders, names in os.walk(folder):
                subfolders[:] = sorted(name for name in subfolders if not ignored(name))
                candidates += [Path(directory, name) for name in names if not ignored(name)]
        for path in candidates:
            self._update(states, path, previous, hash_anyway=path in named)
        return states

    def _update(self, states: dict[Path, FileState], path: Path, previous: dict[Path, FileState],
                hash_anyway: bool) -> None:
        """Record path's state in states; read and hash it if its size or time moved, or if asked to."""
        try:
            stat = path.stat()  # follows symlinks: a linked file changes when its target does
        except OSError:
            states.pop(path, None)  # deleted between the listing and now
            return
        old = previous.get(path)
        if old is not None and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns and not hash_anyway:
            states[path] = old
            return
        try:
            data = path.read_bytes()
        except OSError:
            states.pop(path, None)
            return
        states[path] = FileState(stat.st_size, stat.st_mtime_ns, hashlib.blake2b(data, digest_size=16).digest())
        self._contents[path] = data

    def _start_observer(self) -> None:
        try:
            from watchdog.observers import Observer
        except ImportError:
            logger.warning("the watchdog package is missing: polling the sources every %d ms instead "
                           "(python -m pip install -r requirements.txt)", POLL * 1000)
            return
        try:
            self._observer = Observer()
            self._schedule(self.root, recursive=False)  # site.json, and source folders created later
            for folder in self.folders:
                if folder.is_dir():
                    self._schedule(folder, recursive=True)
            self._observer.daemon = True
            self._observer.start()
            self.native = True
        except OSError as error:  # e.g. the inotify watch limit: polling still works
            logger.warning("cannot watch the sources natively (%s): polling every %d ms instead", error, POLL * 1000)
            self._observer = None

    def _schedule(self, folder: Path, recursive: bool) -> None:
        from watchdog import events

        watcher = self

        class Wake(events.FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return  # reading a file (the build does) changes nothing
                paths = [event.src_path, getattr(event, "dest_path", "")]
                relevant = [Path(os.fsdecode(p)) for p in paths if p and not ignored(os.path.basename(os.fsdecode(p)))]
                if relevant:
                    with watcher._lock:
                        watcher._named.update(relevant)
                    if not event.is_directory:  # a folder is "modified" by every save in it
                        watcher._quiet = _QUIET_AFTER.get(event.event_type, QUIET_AFTER_SAVE)
                    watcher._woken.set()

        # Not opened nor closed-without-writing: the build reads the sources on every rebuild, and each read
        # would wake a thread to discard the event.
        wanted = [events.FileModifiedEvent, events.FileClosedEvent, events.FileCreatedEvent, events.FileDeletedEvent,
                  events.FileMovedEvent, events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent,
                  events.DirModifiedEvent]
        self._observer.schedule(Wake(), str(folder), recursive=recursive, event_filter=wanted)
        self._scheduled.add(folder)

    def _schedule_new_folders(self) -> None:
        if self._observer is None:
            return
        for folder in self.folders:
            if folder not in self._scheduled and folder.is_dir():
                try:
                    self._schedule(folder, recursive=True)
                except OSError as error:
                    logger.warning("cannot watch %s natively (%s): it is still scanned every second", folder, error)
                    self._scheduled.add(folder)
