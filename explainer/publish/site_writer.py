"""Writing the site: everything goes to a temporary folder, which replaces the old site only when complete.

`python build.py` writes each finished file into that folder as the build makes it (staged_site, StagedSite:
the site is never whole in memory), and reads back what it still checks; the folder is swapped in only when
the build succeeds, and removed otherwise. write_site writes a site held in memory the same way.

The replacement is one atomic step where the system has one (Linux's renameat2 with RENAME_EXCHANGE swaps
the two folders), so a build killed at any moment leaves either the old site or the new one, never none.
Temporary folders that a killed build left behind are removed by the next build.

A file whose bytes the old site already holds is not written again: the new folder gets a hard link to the old
file (whose name goes when the old folder is removed). Comparing bytes costs a read of a file the system has
just written, and usually still keeps in memory; writing 3,000 files again costs several times that. So an
old file is linked only when its bytes are exactly the new ones: a damaged file of the old site is never
carried over.

The marker file (SITE_MARKER) says the folder is this tool's. Each write makes a new one, and its identity
on disk (inode and modification time, site_id) is the write's: write_site returns it, and the build record
(incremental/build_record.py) trusts a folder only while its marker is the one the build the record describes wrote.
The marker's text is always the same, so two builds of the same site are byte-identical.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path

SITE_MARKER = ".explainer-site"  # marks a folder this tool built, so a later build may replace it
_RENAME_EXCHANGE = 2  # from linux/fs.h
_AT_FDCWD = -100


def write_site(files: Mapping[str, bytes], out: Path) -> str:
    """Write files (site-relative path → bytes) as the folder out, swapping it in whole; return the id of
    this write: what site_id(out) says while out is the folder it wrote.

    A failure while writing leaves the previous site untouched; readers of out see the old or the new site.
    """
    with _terminate_as_exit(), staged_site(out) as staged:
        for relative, content in sorted(files.items()):
            staged[relative] = content
        return staged.finish()


@contextlib.contextmanager
def staged_site(out: Path) -> Iterator[StagedSite]:
    """A new site for out, written file by file into a temporary folder beside it (StagedSite), which
    replaces out only by its finish(); leaving the block in any other way (an error found after files were
    written, an exception, SIGTERM: _removed_on_terminate) removes the temporary folder and leaves out as it
    was. A process killed outright leaves the folder to the next build (remove_stale_folders)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(out)
    folder = Path(tempfile.mkdtemp(prefix=_prefix(out, "new"), dir=out.parent))
    try:
        with _removed_on_terminate(folder):
            yield StagedSite(out, folder)
    finally:
        with _signals_held():  # a SIGTERM now would stop the removal halfway: it is taken after it
            shutil.rmtree(folder, ignore_errors=True)  # after the swap, this is the old site


class WriteFailed(Exception):
    """A file of a staged site could not be written (the OSError is its cause, and its first argument)."""

    @property
    def error(self) -> OSError:
        return self.args[0]


class StagedSite(MutableMapping):
    """The files of a site being written (site-relative path → bytes), kept on disk in a temporary folder
    rather than in memory: the build writes each file as it is finished, reads back what it checks, and
    finish() swaps the folder in. A file whose bytes the old site holds is a hard link to the old file."""

    def __init__(self, out: Path, folder: Path):
        self.out, self.folder = out, folder
        (folder / SITE_MARKER).write_text("Built by build.py; the next build replaces this whole folder.\n")
        marker = (folder / SITE_MARKER).stat()
        self._new_mode = marker.st_mode  # what a file written now gets: a link must match
        self.written_id = _identity(marker)
        self._paths: set[str] = set()
        # Only from folders really inside the old site: one replaced by a link elsewhere is not the site's.
        self._real_folders: dict[str, bool] = {}

    def __setitem__(self, relative: str, content: bytes) -> None:
        try:
            self._write(relative, content)
        except OSError as error:  # raised through the build that writes: the caller says it could not write
            raise WriteFailed(error) from error

    def _write(self, relative: str, content: bytes) -> None:
        target = self.folder / relative
        if relative in self._paths:  # written again (404.html made root-relative): never through a link to
            target.unlink()  # the old site's file, which must stay as it was
        folder = os.path.dirname(relative)
        if folder not in self._real_folders:  # each folder made once: not one mkdir per file
            target.parent.mkdir(parents=True, exist_ok=True)
            self._real_folders[folder] = os.path.realpath(self.out / folder) == str(self.out / folder)
        if not (self._real_folders[folder] and _link_unchanged(self.out / relative, content, target,
                                                               self._new_mode)):
            target.write_bytes(content)
        self._paths.add(relative)

    def __getitem__(self, relative: str) -> bytes:
        if relative not in self._paths:
            raise KeyError(relative)
        return (self.folder / relative).read_bytes()

    def __delitem__(self, relative: str) -> None:
        if relative not in self._paths:
            raise KeyError(relative)
        (self.folder / relative).unlink()
        self._paths.discard(relative)

    def __contains__(self, relative: object) -> bool:
        return relative in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._paths))

    def __len__(self) -> int:
        return len(self._paths)

    def finish(self) -> str:
        """Swap the folder in as out; return the id of this write (write_site's answer)."""
        with _terminate_as_exit():  # the fallback swap's two renames put the old site back if stopped between
            os.chmod(self.folder, 0o755)
            _swap_in(self.folder, self.out)
        return self.written_id


def site_id(out: Path) -> str | None:
    """The id of the write that made the folder out (write_site's answer), or None if it has no marker."""
    try:
        return _identity((out / SITE_MARKER).stat(follow_symlinks=False))
    except OSError:
        return None


def _identity(marker: os.stat_result) -> str:
    """A marker file's identity: no other file has its inode while it exists, and a later one reusing the
    inode has a later modification time."""
    return f"{marker.st_dev}:{marker.st_ino}:{marker.st_mtime_ns}"


def _link_unchanged(old: Path, content: bytes, target: Path, mode: int) -> bool:
    """Hard-link target to old if old is a regular file of the site alone (no other link to it), with the mode
    a new file gets and exactly content; False where it is not (or cannot be linked)."""
    try:
        status = old.lstat()
        if (not stat.S_ISREG(status.st_mode) or status.st_nlink != 1 or status.st_mode != mode
                or status.st_size != len(content) or old.read_bytes() != content):
            return False
        os.link(old, target, follow_symlinks=False)
    except OSError:  # no such file, another file system, links not allowed: the file is written
        return False
    return True


def _prefix(out: Path, kind: str) -> str:
    """Temporary folders carry the building process's id, so a later build knows which ones are abandoned."""
    return f".{out.name}.{kind}-{os.getpid()}-"


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    # No atomic exchange here (not Linux, or a file system without it): two renames, the old site kept aside
    # until the new one is in place.
    retired = Path(tempfile.mkdtemp(prefix=_prefix(out, "old"), dir=out.parent))
    os.rename(out, retired / out.name)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(retired / out.name, out)
        raise
    finally:
        with _signals_held():
            shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def remove_stale_folders(out: Path) -> list[Path]:
    """Remove the temporary folders of builds of out that are no longer running (killed mid-build)."""
    removed = []
    for kind in ("new", "old"):
        for folder in out.parent.glob(f".{out.name}.{kind}-*"):
            pid = folder.name.removeprefix(f".{out.name}.{kind}-").split("-", 1)[0]
            if folder.is_dir() and not (pid.isdigit() and _running(int(pid))):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, but from an earlier build of this process that failed to clean up
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _signals_held():
    """SIGTERM and SIGINT wait until the block is done (then they arrive as usual); only the main thread can."""
    held = {signal.SIGTERM, signal.SIGINT}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _removed_on_terminate(folder: Path):
    """While a build writes into folder, SIGTERM removes it and then ends the process as SIGTERM does by default.
    The build's threads and workers do not stop for an exception in this thread, so the process is not left to
    unwind; the swap (StagedSite.finish) takes SIGTERM as SystemExit instead, so that it can undo a half-done
    swap."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signal_number, frame):
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal_number, signal.SIG_DFL)
        os.kill(os.getpid(), signal_number)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _terminate_as_exit():
    """While writing, SIGTERM raises SystemExit like Ctrl-C raises KeyboardInterrupt, so the clean-up runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signal_number, frame):
        raise SystemExit(128 + signal_number)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
