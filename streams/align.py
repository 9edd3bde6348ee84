"""Event-time alignment of events that arrive through several source partitions.

Within one Kafka partition, events keep their event-time order; across partitions
they interleave however the consumers fetched them. Wave detection counts accounts
per window, so it should see events in (nearly) event-time order, as ``evaluate``
does offline. :class:`Aligner` keeps one FIFO per source partition and releases the
globally oldest head only once every *active* source partition has shown an event at
least that new (a low watermark), or is idle, or the buffer is full.

Idleness: stage 1 sends a heartbeat per source partition with the offset it has read
and the partition's high watermark. A source is *behind* while a message exists in
Kafka (offset < high watermark) that neither the heartbeat nor a received event has
covered: it holds the watermark (even before its first event arrives) until
``stall_after`` seconds pass without an event from it. A caught-up source holds it
only for ``idle_after`` seconds after its last event (messages still being produced).
Without heartbeats, every source is treated as caught up.
"""
from __future__ import annotations

import heapq
import time
from collections import deque
from typing import Any, Callable, Hashable


class Aligner:
    """Merge per-source FIFOs into event-time order with a watermark and idleness.

    Examples
    --------
    >>> now = [0.0]
    >>> a = Aligner(idle_after=1.0, clock=lambda: now[0])
    >>> a.push("p0", 10.0, "a"); a.push("p1", 5.0, "b")
    >>> a.pop_ready()         # p0 has shown 10, p1 only 5: release up to 5
    ['b']
    >>> now[0] = 2.0          # p1 quiet for 2 s: no longer holds p0 back
    >>> a.pop_ready()
    ['a']
    >>> a.heartbeat("p2", read=-1, highwater=1)  # p2 has an unread event: nothing passes it
    >>> a.push("p0", 20.0, "c"); a.pop_ready()
    []
    >>> a.push("p2", 15.0, "d", offset=0); now[0] = 4.0; a.pop_ready()
    ['d', 'c']
    """

    def __init__(self, idle_after: float = 0.05, max_buffer: int = 100_000,
                 clock: Callable[[], float] = time.monotonic, stall_after: float = 5.0):
        self.idle_after = idle_after
        self.stall_after = stall_after
        self.covered: dict[Hashable, int] = {}  # highest offset read or received, per source
        self.highwater: dict[Hashable, int] = {}
        self.max_buffer = max_buffer
        self.clock = clock
        self.queues: dict[Hashable, deque] = {}
        self.last_ts: dict[Hashable, float] = {}
        self.last_seen: dict[Hashable, float] = {}
        self.size = 0

    def push(self, source: Hashable, ts: float, item: Any, offset: int = -1) -> None:
        if offset > self.covered.get(source, -1):
            self.covered[source] = offset
        q = self.queues.get(source)
        if q is None:
            q = self.queues[source] = deque()
        q.append((ts, item))
        if ts > self.last_ts.get(source, float("-inf")):
            self.last_ts[source] = ts
        self.last_seen[source] = self.clock()
        self.size += 1

    def heartbeat(self, source: Hashable, read: int, highwater: int) -> None:
        """Stage 1 has read ``source`` up to offset ``read``; Kafka holds up to ``highwater``."""
        self._advance(source, read, highwater)

    def end_offset(self, source: Hashable, end: int) -> None:
        """Kafka holds ``source`` up to ``end`` (exclusive), as seen by the detect loop itself.

        Unlike a heartbeat this does not depend on the partition's owner being alive: a
        partition whose owner died while its producer keeps writing stays *behind* and
        holds the watermark (up to ``stall_after``) until its new owner forwards it.
        """
        self._advance(source, -1, end)

    def _advance(self, source: Hashable, read: int, end: int) -> None:
        if source not in self.queues:
            self.queues[source] = deque()
            self.last_ts[source] = float("-inf")
            self.last_seen[source] = self.clock()
        was = self.behind(source)
        if read > self.covered.get(source, -1):
            self.covered[source] = read
        if end > self.highwater.get(source, 0):  # a stale answer never moves the end back
            self.highwater[source] = end
        if self.behind(source) and not was:
            self.last_seen[source] = self.clock()  # the stall clock starts now

    def behind(self, source: Hashable) -> bool:
        """Does Kafka hold a message of ``source`` that has not reached us yet?"""
        return self.highwater.get(source, 0) - 1 > self.covered.get(source, -1)

    def _holds(self, src: Hashable, now: float) -> bool:
        """Does this (empty) source still hold the watermark back?"""
        quiet = now - self.last_seen[src]
        return quiet < (self.stall_after if self.behind(src) else self.idle_after)

    def pop_ready(self) -> list:
        """Items that can be released now, in event-time order."""
        if not self.size:
            return []
        now = self.clock()
        # the low watermark: the newest time every active, currently empty source has reached
        watermark = float("inf")
        for src, q in self.queues.items():
            if not q and self._holds(src, now):
                watermark = min(watermark, self.last_ts[src])
        heads = [(q[0][0], i, src) for i, (src, q) in enumerate(self.queues.items()) if q]
        heapq.heapify(heads)
        out = []
        while heads:
            ts, i, src = heads[0]
            if ts > watermark and self.size <= self.max_buffer:
                break
            q = self.queues[src]
            out.append(q.popleft()[1])
            self.size -= 1
            if q:
                heapq.heapreplace(heads, (q[0][0], i, src))
            else:
                heapq.heappop(heads)
                # the source just ran dry: it now holds the watermark unless idle
                if self._holds(src, now):
                    watermark = min(watermark, self.last_ts[src])
        return out

    def pending(self) -> int:
        return self.size
