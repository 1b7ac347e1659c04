"""The preview's collector (explainer/preview/garbage.py): what a rebuild keeps is frozen, and garbage among it is
collected once the edits pause."""
import gc
import weakref

from explainer.preview.garbage import IDLE, YOUNG_OBJECTS, Collector


class Node:
    pass


def test_frozen_garbage_in_a_cycle_is_collected_when_the_edits_pause():
    collector = Collector()
    assert collector.idle_timeout() is None  # nothing built yet: nothing to collect
    node = Node()
    node.itself = node  # a cycle: only the cyclic collector can free it
    alive = weakref.ref(node)
    thresholds = gc.get_threshold()
    try:
        collector.after_rebuild()
        del node
        gc.collect()
        assert alive() is not None, "a full collection walked what the rebuild kept"
        assert collector.idle_timeout() == IDLE
        collector.idle()
        assert alive() is None
        assert collector.idle_timeout() is None  # until the next rebuild
        assert gc.get_freeze_count() > 0  # what survived stays out of the next rebuild's collections
        assert gc.get_threshold()[0] == YOUNG_OBJECTS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
