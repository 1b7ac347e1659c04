"""When the preview's Python collects cyclic garbage: never over what the rebuilds keep while someone edits.

The preview keeps what each rebuild made for the next one (incremental/build_cache.py: at 1,000 pages, every page's
entries and their reads), and Python's cyclic collector walked all of it at every full collection: one every second
or third template edit of the 1,000-page corpus, about 70 ms each (bench/README.md, issue 19's eighth round). Once a
rebuild is served, what is alive is frozen (gc.freeze): later collections walk only what later rebuilds make. A
frozen object is still freed as soon as nothing refers to it; the few that become garbage inside a cycle are
collected when the edits pause (IDLE seconds without a change), where nobody waits for a rebuild. Young
collections come less often (YOUNG_OBJECTS).
"""
from __future__ import annotations

import gc

IDLE = 2.0  # seconds without a change before what was frozen is collected
# Containers allocated (less those freed) before a young collection (Python's default: 700). A rebuild allocates
# millions and keeps few: at 700, eight page edits of the corpus ran 98 young collections, at 50,000 none (106 → 97 ms
# a rebuild in process), and a template edit took 1,054 → 971 ms of CPU. At 50,000 a template edit of the corpus still
# ran two, 55 ms; at this, none (rebuild in process 1,323 / 1,319 → 1,189 / 1,038 ms), and what it leaves in cycles,
# 20,000 objects (a few MB), waits for the pause in the edits. `python build.py` showed no difference (bench/README.md),
# so it keeps Python's default.
YOUNG_OBJECTS = 1_000_000


class Collector:
    """after_rebuild() once each rebuild is served; idle() when no change came for idle_timeout() seconds."""

    def __init__(self) -> None:
        self.collect_when_idle = False

    def after_rebuild(self) -> None:
        gc.freeze()
        gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
        self.collect_when_idle = True

    def idle_timeout(self) -> float | None:
        """How long the watcher may wait for a change before idle() is due; None: nothing to do when idle."""
        return IDLE if self.collect_when_idle else None

    def idle(self) -> None:
        if self.collect_when_idle:
            gc.unfreeze()
            gc.collect()
            gc.freeze()  # what survived is what the next rebuild starts from
            self.collect_when_idle = False
