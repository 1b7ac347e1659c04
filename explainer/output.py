"""Writing the site: everything goes to a temporary folder, which replaces the old site only when complete."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


SITE_MARKER = ".explainer-site"  # marks a folder this tool built, so a later build may replace it


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Write files (site-relative path → bytes) as the folder out, swapping it in whole.

    A failure while writing leaves the previous site untouched; readers of out see the old or the new site.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        (staging / SITE_MARKER).write_text("Built by build.py; the next build replaces this whole folder.\n")
        for relative, content in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.chmod(staging, 0o755)
        retired = None
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, retired / out.name)
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
