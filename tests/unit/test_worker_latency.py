"""Two causes of second-long decision delays in the worker, found with
``bench/bench_stream.py --trace``; pure checks, no Kafka needed."""
from __future__ import annotations

import asyncio
import time

from detectors.engine import Engine
from streams.app import create_app
from streams.detect import DetectLoop
from streams.metrics import Metrics
from streams.settings import Settings


def test_stage1_consumer_long_polls_for_fetch_wait_ms_not_faust_s_1500(tmp_path):
    """Faust builds its consumer with fetch_max_wait_ms=1500: a fetch for only the quiet
    partitions then held the busy ones back for 1.5 s at a time."""
    async def build():
        s = Settings.from_env({}, data_dir=str(tmp_path), kafka_bootstrap="127.0.0.1:1")
        app = create_app(s)
        consumer = app.consumer._thread._create_worker_consumer(app.transport)  # noqa: SLF001
        return s, consumer._fetch_max_wait_ms  # noqa: SLF001
    s, wait = asyncio.run(build())
    assert wait == s.fetch_wait_ms == 50


class _Producer:
    def __init__(self):
        self.sent = []

    async def send(self, topic, key=None, value=None):
        self.sent.append((topic, key))


def test_becoming_leader_does_not_stop_the_detection_loop(tmp_path):
    """Taking over waits ~1 s for the old leader's messages and reads ``actions``; the loop
    must go on meanwhile (awaited in publish(), it stalled every decision for 1-1.5 s),
    and the decisions made meanwhile are published once the take-over is done."""
    s = Settings.from_env({}, data_dir=str(tmp_path))
    loop = DetectLoop(s, Metrics(), lambda: Engine(seed=0), is_leader=lambda: True)
    loop.ready = True
    loop.producer = _Producer()
    gate = asyncio.Event()

    async def settle():
        await gate.wait()
        return {}
    loop.settle = settle

    class D:  # the fields send_decision reads
        account_id, action, mode, ts, score, wave_id, reasons, config_version = \
            "a1", "suspend", "live", 0.0, 0.99, "w1", ["r"], 0

    async def run():
        t0 = time.perf_counter()
        await loop.publish()
        assert time.perf_counter() - t0 < 0.1 and not loop.leader and loop.settling is not None
        loop.buffer.append((time.time(), [D()], None))
        await loop.publish()  # still settling: kept, not published, not trimmed
        assert not loop.producer.sent and len(loop.buffer) == 1
        gate.set()
        await asyncio.sleep(0)
        await loop.publish()
        assert loop.leader and loop.settling is None
        assert [t for t, _ in loop.producer.sent] == [s.topic("actions")]
    asyncio.run(run())
