"""Process settings for whatever runs the engine: the garbage collector.

Every entry point that runs :class:`~detectors.engine.Engine` calls
:func:`configure_gc` once at start — the stream worker (``DetectLoop``), ``breakwater
evaluate`` (:func:`offline.evaluate.evaluate`) and the benchmarks — so that they all
run the engine under the same collector settings.

Why: CPython runs a full (oldest-generation) collection after every 10 collections of
the middle generation once the objects added to the oldest generation since the last one
exceed a quarter of it. A full collection walks every tracked object of the process (the
engine's state, the libraries, a loaded input): 55-70 ms each on a 2 h engine state, 6-11 %
of ``bench/engine_speed.py``'s time, and stalls of 10-50 ms for the worker's signup checks.
The engine makes no cyclic garbage (``tests/unit/test_detectors_engine.py``): what a full
collection frees is the few cycles the libraries leave, so running it 10x less often
costs little memory (measured in ``bench/README.md``, section ``engine_speed.py``).
"""
from __future__ import annotations

import gc

__all__ = ["GEN2_EVERY", "configure_gc"]

#: Collections of the middle generation between two full collections (CPython: 10).
GEN2_EVERY = 100


def configure_gc() -> None:
    """Full collections every :data:`GEN2_EVERY` middle-generation collections instead of
    every 10; the young generations keep CPython's thresholds. Idempotent.

    >>> configure_gc(); gc.get_threshold()[2] == GEN2_EVERY
    True
    """
    g0, g1, _ = gc.get_threshold()
    gc.set_threshold(g0, g1, GEN2_EVERY)
