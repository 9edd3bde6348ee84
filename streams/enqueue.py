"""Hand checked signups to Kafka without ever making the signup check wait.

``POST /v1/signup-check`` answers from the wave state and *offers* the raw signup
here: one append to a bounded in-memory queue. A single task drains the queue into
an aiokafka producer of its own, so a request costs no task, no Faust send machinery
and no await on Kafka. While the broker is away the queue fills up to ``capacity``;
beyond that, offers are refused and counted
(``breakwater_signup_check_enqueue_failures_total``), as are sends Kafka rejects.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Optional

log = logging.getLogger("breakwater.enqueue")


class Enqueuer:
    """Bounded queue of ``(key, value)`` drained into ``topic`` by :meth:`run`.

    Examples
    --------
    >>> class M:
    ...     failures = 0
    ...     def failed(self): M.failures += 1
    >>> q = Enqueuer(None, "signups", M().failed, capacity=2)
    >>> q.offer(b"a", b"1"), q.offer(b"b", b"2"), q.offer(b"c", b"3")
    (True, True, False)
    >>> len(q), M.failures
    (2, 1)
    """

    def __init__(self, producer_factory, topic: str, on_failure, capacity: int = 10_000):
        self.producer_factory = producer_factory
        self.topic = topic
        self.on_failure = on_failure
        self.queue: deque = deque()
        self.capacity = capacity
        self.wakeup: Optional[asyncio.Event] = None

    def __len__(self) -> int:
        return len(self.queue)

    def offer(self, key: bytes, value: bytes) -> bool:
        if len(self.queue) >= self.capacity:  # producer stuck (broker away): do not pile up
            self.on_failure()
            return False
        self.queue.append((key, value))
        if self.wakeup is not None:
            self.wakeup.set()
        return True

    def _sent(self, fut: asyncio.Future) -> None:
        if fut.cancelled() or fut.exception() is not None:
            self.on_failure()

    async def run(self) -> None:
        """Drain forever: start the producer (retrying), then send what is offered."""
        self.wakeup = asyncio.Event()
        producer = None
        while producer is None:
            try:
                producer = self.producer_factory()
                await producer.start()
            except Exception as exc:  # noqa: BLE001 - broker away at start: keep queueing
                log.warning("signup-check producer not started yet: %s", exc)
                producer = None
                await asyncio.sleep(1.0)
        try:
            while True:
                if not self.queue:
                    self.wakeup.clear()
                    await self.wakeup.wait()
                key, value = self.queue[0]
                try:
                    fut = await producer.send(self.topic, value=value, key=key)
                except Exception as exc:  # noqa: BLE001 - e.g. message too large: counted, next
                    log.warning("signup not enqueued: %s", type(exc).__name__)
                    self.on_failure()
                else:
                    fut.add_done_callback(self._sent)
                self.queue.popleft()
        finally:
            await producer.stop()
