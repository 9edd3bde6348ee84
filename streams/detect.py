"""Stage 2 of the worker: the detection loop over the single-partition detect topic.

Why one partition: wave detection must see every signup at once, and the same
input must give the same decisions whether 1 or 3 workers run or ``evaluate``
runs offline. Stage 1 (Faust agents, spread over the consumer group) validates and
forwards; every worker then runs the *same* deterministic engine over the *same*
totally ordered detect topic. Exactly one worker — the one that owns partition 0
of ``signups`` in the Faust consumer group — publishes decisions; the others are
hot standbys whose state is already current when they take over.

Nothing is lost or doubled on failover: each published decision carries ``seq``
(the detect-topic offset that caused it). A new leader reads the last ``seq`` on
``actions`` and publishes the decisions after it from its own buffer. A restarted
worker restores the latest engine snapshot (a compacted topic written by the
leader) and replays the detect topic from the snapshot's offset.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import pickle
import time
from collections import deque
from typing import Callable, Optional

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from streams.contract import decision_to_dict, event_from_wire
from streams.metrics import Metrics
from streams.settings import Settings

log = logging.getLogger("breakwater.detect")

CHUNK = 512 * 1024


def detect_topic(s: Settings) -> str:
    return f"{s.topic_prefix}{s.app_id}-detect"


def snapshot_topic(s: Settings) -> str:
    return f"{s.topic_prefix}{s.app_id}-snapshots"


def aiokafka_kwargs(s: Settings) -> dict:
    kw = {"bootstrap_servers": s.kafka_bootstrap.split(","),
          "security_protocol": s.kafka_security_protocol}
    if s.kafka_security_protocol.startswith("SASL"):
        kw.update(sasl_mechanism=s.kafka_sasl_mechanism, sasl_plain_username=s.kafka_sasl_username,
                  sasl_plain_password=s.kafka_sasl_password)
    if "SSL" in s.kafka_security_protocol:
        from aiokafka.helpers import create_ssl_context
        kw["ssl_context"] = create_ssl_context(cafile=s.kafka_ssl_cafile or None,
                                               certfile=s.kafka_ssl_certfile or None,
                                               keyfile=s.kafka_ssl_keyfile or None)
    return kw


class SnapshotStore:
    """Engine snapshots in a compacted one-partition topic.

    Two slots (A/B) of chunks plus a ``manifest`` written last: a crash while a
    snapshot is written leaves the previous one intact.
    """

    def __init__(self, settings: Settings):
        self.s = settings
        self.topic = snapshot_topic(settings)
        self.slot = "A"

    async def save(self, producer: AIOKafkaProducer, blob: bytes, offset: int) -> None:
        self.slot = "B" if self.slot == "A" else "A"
        chunks = [blob[i:i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
        for i, c in enumerate(chunks):
            await producer.send(self.topic, key=f"{self.slot}-{i}".encode(), value=c)
        manifest = {"slot": self.slot, "chunks": len(chunks), "offset": offset, "bytes": len(blob),
                    "sha256": hashlib.sha256(blob).hexdigest(), "written_at": time.time()}
        await producer.send_and_wait(self.topic, key=b"manifest", value=orjson.dumps(manifest))

    async def load(self) -> Optional[tuple[bytes, int]]:
        """The latest complete snapshot and the detect offset it covers, or None."""
        c = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False,
                             fetch_max_bytes=8 * 1024 * 1024)
        await c.start()
        try:
            tp = TopicPartition(self.topic, 0)
            c.assign([tp])
            await c.seek_to_beginning(tp)
            end = (await c.end_offsets([tp]))[tp]
            latest: dict[bytes, bytes] = {}
            while await c.position(tp) < end:
                for msgs in (await c.getmany(tp, timeout_ms=1000)).values():
                    for m in msgs:
                        latest[m.key] = m.value
        finally:
            await c.stop()
        if b"manifest" not in latest:
            return None
        man = orjson.loads(latest[b"manifest"])
        self.slot = man["slot"]
        blob = b"".join(latest.get(f"{man['slot']}-{i}".encode(), b"") for i in range(man["chunks"]))
        if hashlib.sha256(blob).hexdigest() != man["sha256"]:
            log.error("latest engine snapshot is incomplete; starting from an empty engine")
            return None
        return blob, man["offset"]


class DetectLoop:
    """Runs the engine over the detect topic; publishes decisions when leader."""

    def __init__(self, settings: Settings, metrics: Metrics, engine_factory: Callable,
                 is_leader: Callable[[], bool], snapshot_every: float = 30.0,
                 buffer_size: int = 200_000):
        self.s = settings
        self.m = metrics
        self.engine_factory = engine_factory
        self.engine = engine_factory()
        self.is_leader = is_leader
        self.snapshot_every = snapshot_every
        self.store = SnapshotStore(settings)
        self.topic = detect_topic(settings)
        self.tp = TopicPartition(self.topic, 0)
        self.buffer: deque = deque(maxlen=buffer_size)  # (seq, [(decision, ingest_ts)])
        self.emitted_upto = -1
        self.position = -1          # last detect offset applied to the engine
        self.leader = False
        self.ready = False
        self.last_progress = time.monotonic()
        self.end_offset = 0
        self.processed = 0
        self.producer: Optional[AIOKafkaProducer] = None
        self.last_snapshot = time.monotonic()
        self.snapshot_position = -1
        self.wave_updates: list[dict] = []

    # ------------------------------------------------------------------ life
    async def run(self) -> None:
        self.m.recovering.set(1)
        t0 = time.monotonic()
        self.producer = AIOKafkaProducer(**aiokafka_kwargs(self.s), linger_ms=1,
                                         max_request_size=2 * 1024 * 1024, acks="all",
                                         enable_idempotence=True)
        await self.producer.start()
        snap = await self.store.load()
        if snap is not None:
            self.engine = pickle.loads(snap[0])
            self.position = self.snapshot_position = snap[1]
            self.m.state_bytes.set(len(snap[0]))
            log.info("restored engine snapshot (%d bytes) at detect offset %d", len(snap[0]), snap[1])
        consumer = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest", fetch_max_wait_ms=20,
                                    max_partition_fetch_bytes=4 * 1024 * 1024)
        await consumer.start()
        try:
            consumer.assign([self.tp])
            if self.position >= 0:
                consumer.seek(self.tp, self.position + 1)
            else:
                await consumer.seek_to_beginning(self.tp)
            self.end_offset = (await consumer.end_offsets([self.tp]))[self.tp]
            while True:
                batches = await consumer.getmany(self.tp, timeout_ms=100, max_records=2000)
                msgs = batches.get(self.tp, [])
                if msgs:
                    self.apply(msgs)
                    self.last_progress = time.monotonic()
                hw = consumer.highwater(self.tp)
                if hw is not None:
                    self.end_offset = hw
                if not self.ready and self.position + 1 >= self.end_offset:
                    self.ready = True
                    self.m.recovering.set(0)
                    self.m.recovery_seconds.set(time.monotonic() - t0)
                    log.info("detect state current at offset %d after %.1fs", self.position,
                             time.monotonic() - t0)
                await self.publish()
                await self.maybe_snapshot()
        finally:
            await consumer.stop()
            await self.producer.stop()

    def apply(self, msgs) -> None:
        """Feed detect-topic records to the engine; buffer the decisions."""
        engine = self.engine
        for msg in msgs:
            rec = orjson.loads(msg.value)
            ev = event_from_wire(rec["e"])
            if ev.type == "label":
                self.m.labels_seen.labels(ev.label).inc()
            decisions = engine.process(ev)
            if decisions:
                self.buffer.append((msg.offset, decisions, rec.get("ingest")))
            self.position = msg.offset
        self.processed += len(msgs)
        self.wave_updates.extend(engine.drain_wave_updates())
        del self.wave_updates[:-10_000]  # followers never publish: keep only the newest

    # ------------------------------------------------------------------ output
    async def publish(self) -> None:
        leader = bool(self.is_leader()) and self.ready
        if leader and not self.leader:
            self.emitted_upto = max(self.emitted_upto, await self.last_published_seq())
            log.info("now the leader: publishing decisions after detect offset %d", self.emitted_upto)
        self.leader = leader
        self.m.leader.set(1 if leader else 0)
        if not leader:
            self.wave_updates.clear()
            return
        now = time.time()
        sent = False
        for seq, decisions, ingest in self.buffer:
            if seq <= self.emitted_upto:
                continue
            for d in decisions:
                out = decision_to_dict(d, now)
                out["seq"] = seq
                await self.producer.send(self.s.topic("actions"), key=d.account_id.encode(),
                                         value=orjson.dumps(out))
                self.m.decisions.labels(d.action, d.mode).inc()
                self.m.latency.labels("event_time").observe(max(0.0, now - d.ts))
                if ingest:
                    self.m.latency.labels("ingest").observe(max(0.0, now - ingest / 1000.0))
            self.emitted_upto = seq
            sent = True
        if sent:
            self.buffer.clear()
        for rec in self.wave_updates:
            await self.producer.send(self.s.topic("waves"), key=str(rec["wave_id"]).encode(),
                                     value=orjson.dumps(rec))
            if rec.get("status") == "closed":
                self.m.wave_size.observe(rec.get("size", 0))
        self.wave_updates.clear()

    async def last_published_seq(self) -> int:
        """The highest ``seq`` on the actions topic (the last message of each partition)."""
        topic = self.s.topic("actions")
        c = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False)
        await c.start()
        try:
            parts = c.partitions_for_topic(topic) or set()
            if not parts:
                await c._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public call
                parts = c.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in parts]
            if not tps:
                return -1
            c.assign(tps)
            ends = await c.end_offsets(tps)
            best = -1
            for tp in tps:
                if ends[tp] == 0:
                    continue
                c.seek(tp, ends[tp] - 1)
                got = await c.getmany(tp, timeout_ms=2000)
                for m in got.get(tp, []):
                    try:
                        best = max(best, int(orjson.loads(m.value).get("seq", -1)))
                    except (ValueError, TypeError, AttributeError):
                        pass
            return best
        finally:
            await c.stop()

    async def maybe_snapshot(self) -> None:
        if not self.leader or self.position == self.snapshot_position:
            return
        if time.monotonic() - self.last_snapshot < self.snapshot_every:
            return
        await self.snapshot()

    async def snapshot(self) -> None:
        await self.producer.flush()  # every decision up to position is on actions first
        blob = pickle.dumps(self.engine, protocol=pickle.HIGHEST_PROTOCOL)
        await self.store.save(self.producer, blob, self.position)
        self.snapshot_position = self.position
        self.last_snapshot = time.monotonic()
        self.m.state_bytes.set(len(blob))

    @property
    def lag(self) -> int:
        return max(0, self.end_offset - self.position - 1)
