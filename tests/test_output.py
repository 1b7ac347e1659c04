"""Writing the site: the swap leaves the old site or the new one at every moment, and no debris."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from explainer.publish.site_writer import SITE_MARKER, remove_stale_folders, write_site

PROJECT = Path(__file__).resolve().parent.parent

# A build that writes many files, over and over, each time with a different "generation" in every file.
WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {project!r})
from explainer.publish.site_writer import write_site
out = Path(sys.argv[1])
generation = 0
while True:
    generation += 1
    write_site({{f"pages/{{n}}.html": f"generation {{generation}}".encode() for n in range(400)}}, out)
"""


def site_is_whole(out: Path) -> bool:
    pages = sorted((out / "pages").glob("*.html"))
    generations = {page.read_text() for page in pages}
    return (out / SITE_MARKER).exists() and len(pages) == 400 and len(generations) == 1


def test_a_second_build_replaces_the_first_and_leaves_no_temporary_folder(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"one", "old.html": b"gone soon"}, out)
    write_site({"index.html": b"two"}, out)
    assert (out / "index.html").read_bytes() == b"two"
    assert not (out / "old.html").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_folders_of_dead_builds_are_removed_and_those_of_running_builds_kept(tmp_path):
    out = tmp_path / "site"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    dead = tmp_path / f".site.new-{dead_pid}-abc"
    (dead / "pages").mkdir(parents=True)
    alive = tmp_path / f".site.old-{os.getppid()}-def"
    alive.mkdir()
    removed = remove_stale_folders(out)
    assert removed == [dead] and not dead.exists() and alive.exists()


def test_a_build_killed_at_any_moment_leaves_a_whole_site(tmp_path):
    out = tmp_path / "site"
    write_site({f"pages/{n}.html": b"generation 0" for n in range(400)}, out)
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(project=str(PROJECT)))
    chooser = random.Random(7)
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, str(script), str(out)])
        time.sleep(0.3 + chooser.random() * 0.4)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert site_is_whole(out)
    write_site({"index.html": b"after"}, out)  # the next build cleans up what the killed ones left
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site", "writer.py"]


def test_sigterm_during_a_build_removes_its_temporary_folder(tmp_path):
    out = tmp_path / "site"
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(project=str(PROJECT)))
    writer = subprocess.Popen([sys.executable, str(script), str(out)])
    time.sleep(0.8)
    writer.terminate()
    assert writer.wait(timeout=10) != 0
    assert site_is_whole(out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site", "writer.py"]
