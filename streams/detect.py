"""Stage 2 of the worker: the detection loop over the single-partition detect topic.

Why one partition: wave detection must see every signup at once, and the same
input must give the same decisions whether 1 or 3 workers run or ``evaluate``
runs offline. Stage 1 (Faust agents, spread over the consumer group) validates and
forwards; every worker then runs the *same* deterministic engine over the *same*
totally ordered detect topic. Exactly one worker — the one that owns partition 0
of ``signups`` in the Faust consumer group — publishes decisions; the others are
hot standbys whose state is already current when they take over.

Events reach the engine in event-time order: stage 1 interleaves the source
partitions, so an :class:`streams.align.Aligner` merges them back by event time.

Nothing is lost or doubled on failover: followers keep the decisions of the last
minutes; a new leader reads the recent tail of ``actions`` and publishes the
buffered decisions that are not already an account's last action. A restarted
worker restores the latest engine snapshot (a compacted topic written by the
leader) and replays the detect topic from the snapshot's offset.
"""
from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import os
import pickle
import signal
import tempfile
import time
from collections import deque
from typing import Callable, Optional

import lz4.frame
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from streams.align import Aligner
from detectors.bounded import LRUDict
from detectors.breaker import CircuitBreaker
from detectors.decider import Decider
from detectors.runtime import configure_gc
from streams.contract import decision_to_dict, event_from_wire, format_time
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


def pack_state(state) -> bytes:
    return lz4.frame.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def fork_pickle(state) -> Optional[tuple[int, str]]:
    """Pickle ``state`` in a forked child into a temporary file: (pid, path), or None."""
    if not hasattr(os, "fork"):
        return None
    fd, path = tempfile.mkstemp(prefix="breakwater-snapshot-")
    try:
        pid = os.fork()
    except OSError as exc:
        log.warning("fork for the snapshot failed (%s): pickling in-process", exc)
        os.close(fd)
        os.unlink(path)
        return None
    if pid == 0:  # the child: only pickle, write and leave (no Kafka, no asyncio, no atexit)
        code = 1
        try:
            # at the lowest CPU priority: pickling takes a core for hundreds of ms, and the
            # worker's loop (signup checks), the broker and the producers come first
            os.nice(19)
            with os.fdopen(fd, "wb") as f:
                f.write(pack_state(state))
            code = 0
        finally:
            os._exit(code)
    os.close(fd)
    return pid, path


async def wait_child(pid: int, path: str, timeout: float = 120.0) -> Optional[bytes]:
    """Wait (without blocking the loop) for a :func:`fork_pickle` child; its blob or None."""
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # reaped by someone else: its exit code is unknown
                return None
            if done:
                if os.waitstatus_to_exitcode(status) != 0:
                    return None
                with open(path, "rb") as f:
                    return f.read()
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
            await asyncio.sleep(0.02)
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


class DetectLoop:
    """Runs the engine over the detect topic; publishes decisions when leader."""

    #: Followers keep the decisions of this many recent wall-clock seconds, so that a
    #: new leader can publish what the old one may not have.
    KEEP_SECONDS = 120.0

    def __init__(self, settings: Settings, metrics: Metrics, engine_factory: Callable,
                 is_leader: Callable[[], bool], buffer_size: int = 200_000,
                 control=None):
        self.s = settings
        self.m = metrics
        configure_gc()  # the collector settings every process running the engine uses
        self.decider = Decider(engine_factory(), CircuitBreaker(multiple=settings.breaker_multiple),
                               scope=settings.breaker_scope)
        self.control = control  # (ControlState, ControlReader) or None
        self.confirmed = LRUDict(10_000)  # wave ids already counted as confirmed
        self.is_leader = is_leader
        self.snapshot_every = settings.snapshot_seconds
        self.store = SnapshotStore(settings)
        self.topic = detect_topic(settings)
        self.tp = TopicPartition(self.topic, 0)
        self.aligner = Aligner(idle_after=settings.align_idle_seconds,
                               stall_after=settings.align_stall_seconds)
        self.buffer: deque = deque(maxlen=buffer_size)  # (wall time, decisions, ingest ms)
        self.position = -1          # last detect offset read
        self.leader = False
        self.settling: Optional[asyncio.Future] = None  # becoming leader: see publish()
        self.ready = False
        self.last_progress = time.monotonic()
        self.end_offset = 0
        self.producer: Optional[AIOKafkaProducer] = None
        self.last_snapshot = time.monotonic()
        self.last_freeze = time.monotonic()
        self.snapshot_position = -1
        self.wave_updates: list[dict] = []
        self.snapshot_task: Optional[asyncio.Future] = None
        self.src_hw: dict[tuple, int] = {}  # highest source offset applied, per source partition
        self.applied = 0  # distinct input events applied to the engine, ever (kept in snapshots)
        self.failed: list = []  # events the engine raised on: dead-lettered by the leader
        self.max_ts = float("-inf")
        self.late = 0  # events applied after a newer one (event-time order broken)

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
            state = pickle.loads(lz4.frame.decompress(snap[0]))
            self.decider, self.src_hw, self.applied = state["decider"], state["src_hw"], state["applied"]
            self.position = self.snapshot_position = snap[1]
            self.m.state_bytes.set(len(snap[0]))
            log.info("restored engine snapshot (%d bytes) at detect offset %d", len(snap[0]), snap[1])
        if self.control is not None:
            cstate, reader = self.control
            await reader.wait_ready()  # the latest settings before the first decision
            cstate.add_listener(on_live=self.on_live, on_shadow=self.on_shadow,
                                on_confirm=self.on_confirm)
        consumer = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest", fetch_max_wait_ms=20,
                                    max_partition_fetch_bytes=4 * 1024 * 1024)
        await consumer.start()
        poller = asyncio.ensure_future(self.poll_source_ends())
        try:
            consumer.assign([self.tp])
            if self.position >= 0:
                consumer.seek(self.tp, self.position + 1)
            else:
                await consumer.seek_to_beginning(self.tp)
            self.end_offset = (await consumer.end_offsets([self.tp]))[self.tp]
            while True:
                wait = 10 if self.aligner.pending() else 100
                batches = await consumer.getmany(self.tp, timeout_ms=wait, max_records=2000)
                msgs = batches.get(self.tp, [])
                for msg in msgs:
                    self.position = msg.offset
                    rec = orjson.loads(msg.value)
                    if "hbs" in rec or "hb" in rec:  # stage-1 heartbeats (older workers: one per
                        # message): [topic, partition, read offset, highwater] per owned partition
                        for hb in rec.get("hbs") or (rec["hb"],):
                            self.aligner.heartbeat((hb[0], hb[1]), hb[2], hb[3])
                        continue
                    for r in rec.get("batch") or (rec,):
                        src = r.get("src") or ("signups", -1, msg.offset)
                        self.aligner.push((src[0], src[1]), r["e"]["ts"], (msg.offset, r), src[2])
                if msgs:
                    self.last_progress = time.monotonic()
                await self.apply_chunked(self.aligner.pop_ready())
                hw = consumer.highwater(self.tp)
                if hw is not None:
                    self.end_offset = hw
                if not self.ready and self.position + 1 >= self.end_offset:
                    self.ready = True
                    self.m.recovering.set(0)
                    self.m.recovery_seconds.set(time.monotonic() - t0)
                    log.info("detect state current at offset %d after %.1fs", self.position,
                             time.monotonic() - t0)
                    self.freeze(full=True)
                elif self.ready and time.monotonic() - self.last_freeze > self.FREEZE_SECONDS:
                    self.freeze(full=False)
                await self.publish()
                await self.maybe_snapshot()
        finally:
            poller.cancel()
            if self.settling is not None:
                self.settling.cancel()
            if self.leader:
                try:  # a clean stop leaves a fresh snapshot: the next start replays little
                    if self.snapshot_task is not None:
                        await asyncio.wait_for(self.snapshot_task, 10)
                    self.snapshot_task = None
                    await self.snapshot()
                    await asyncio.wait_for(self.snapshot_task, 10)
                except Exception as exc:  # noqa: BLE001 - shutting down anyway; say why
                    log.warning("final snapshot failed: %s", exc)
            await consumer.stop()
            await self.producer.stop()

    def freeze(self, full: bool) -> None:
        """Move every object alive now out of the garbage collector's reach.

        Once ready, what is alive (libraries, Faust, the restored state) is long-lived, and
        so, every :attr:`FREEZE_SECONDS`, is the state built since: a full collection then
        scans only younger objects (measured: full collections of 50-100 ms every ~10 s
        under load were the signup checks' tail latency). The engine makes no cyclic
        garbage (tests/unit/test_detectors_engine.py), so nothing leaks by this; a collection
        first (full once, then a cheap young one) keeps the garbage of the moment out.
        """
        gc.collect() if full else gc.collect(1)
        gc.freeze()
        # (full collections come only every ``GEN2_EVERY`` middle-generation ones, set by
        # :func:`~detectors.runtime.configure_gc` at start: with the state frozen they find
        # almost nothing, and each still paused the loop 10-50 ms under load)
        self.last_freeze = time.monotonic()

    SOURCES = ("signups", "activity", "labels")

    async def poll_source_ends(self, every: float = 0.2) -> None:
        """Tell the aligner how far every input partition reaches in Kafka, every ``every`` s.

        Heartbeats come from a partition's owner; when the owner dies (or during a
        rebalance) nobody reports that its producer keeps writing, and the aligner would
        take the partition for idle and release newer events past it. The detect loop
        asks Kafka itself, so such a partition stays *behind* and holds the watermark.
        """
        c = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False)
        try:
            await c.start()
            tps: list = []
            short = {self.s.topic(t): t for t in self.SOURCES}
            while True:
                try:
                    if not tps:
                        await c._client.force_metadata_update()  # noqa: SLF001 - no public call
                        tps = [TopicPartition(self.s.topic(t), p) for t in self.SOURCES
                               for p in sorted(c.partitions_for_topic(self.s.topic(t)) or ())]
                    if tps:
                        for tp, end in (await c.end_offsets(tps)).items():
                            self.aligner.end_offset((short[tp.topic], tp.partition), end)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - broker away: heartbeats still work
                    log.debug("source end offsets unavailable: %s", exc)
                await asyncio.sleep(every)
        finally:
            await c.stop()

    #: CPU time the engine may take between two returns to the event loop: it is
    #: CPU-bound, and signup checks, heartbeats and stage 1 share the loop with it. A
    #: time slice rather than a fixed count: a signup costs ~10x an activity event.
    SLICE_SECONDS = 0.001
    #: How often the objects that survived are moved out of the garbage collector's reach.
    FREEZE_SECONDS = 10.0

    async def apply_chunked(self, items: list) -> None:
        i, n = 0, len(items)
        while i < n:
            if i:
                await asyncio.sleep(0)
            i += self.apply(items, i, time.perf_counter() + self.SLICE_SECONDS)

    def apply(self, items, start: int = 0, deadline: Optional[float] = None) -> int:
        """Feed aligned detect-topic records ``items[start:]`` to the engine, until
        ``perf_counter()`` passes ``deadline`` (at least one); buffer the decisions.
        Returns how many records were taken.

        A rebalance in stage 1 can forward a message twice (at-least-once); the
        source coordinates (topic, partition, offset) drop such repeats exactly.
        """
        end = len(items)
        if start >= end:
            return 0
        decider = self.decider
        hw = self.src_hw
        now = time.time()
        clock = time.perf_counter
        i = start
        while i < end:
            if i > start and deadline is not None and clock() > deadline:
                break
            rec = items[i][1]
            i += 1
            src = rec.get("src")
            if src:
                key = (src[0], src[1])
                if src[2] <= hw.get(key, -1):
                    self.m.redelivered.inc()
                    continue
                hw[key] = src[2]
            self.applied += 1
            ev = event_from_wire(rec["e"])
            if ev.ts < self.max_ts:
                self.late += 1
                self.m.late_events.inc()
            else:
                self.max_ts = ev.ts
            if ev.type == "label":
                self.m.labels_seen.labels(ev.label).inc()
            try:
                decisions = decider.process(ev)
            except Exception as exc:  # noqa: BLE001 - one bad event must not stop the stream
                self.m.engine_errors.inc()
                log.exception("engine failed on %s event from %s: %s", ev.type, src, type(exc).__name__)
                self.failed.append((src, rec, f"internal error while processing: {type(exc).__name__}"))
                continue
            if decisions:
                self.buffer.append((now, decisions, rec.get("ingest")))
        self.wave_updates.extend(decider.engine.drain_wave_updates())
        del self.wave_updates[:-10_000]  # followers never publish: keep only the newest
        self.m.breaker_open.set(1 if decider.breaker_open else 0)
        return i - start

    # ------------------------------------------------------------------ live settings
    @property
    def engine(self):
        return self.decider.engine

    def on_live(self, values: dict, version: int) -> None:
        self.decider.on_live(values, version)
        self.m.breaker_open.set(1 if self.decider.breaker_open else 0)
        if self.decider.loosened:
            log.info("live settings v%d applied; looser than the defaults (%s): the circuit breaker "
                     "guards suspension surges", version, ", ".join(self.decider.loosened))
        else:
            log.info("live settings v%d applied", version)

    def on_shadow(self, values: Optional[dict], version: int) -> None:
        self.decider.on_shadow(values, version)
        log.info("shadow settings v%d %s", version, "discarded" if values is None else "running")

    def on_confirm(self, confirmed_at: float, version: int) -> None:
        redo = self.decider.on_confirm(confirmed_at, version)
        self.m.breaker_open.set(1 if self.decider.breaker_open else 0)
        if redo:
            self.buffer.append((time.time(), redo, None))
            log.info("surge confirmed: suspending %d accounts that were degraded to challenges", len(redo))

    def shadow_report(self, window: float) -> dict:
        return self.decider.shadow_report(window)

    # ------------------------------------------------------------------ output
    async def publish(self) -> None:
        leader = bool(self.is_leader()) and self.ready
        if leader and not self.leader:
            # Becoming leader: read what the old leader published, in a task, while the
            # engine goes on (awaited here, it stopped the detection loop for 1-1.5 s)
            if self.settling is None:
                self.settling = asyncio.ensure_future(self.settle())
            if not self.settling.done():
                return  # decisions stay buffered (nothing is trimmed) until it is done
            task, self.settling = self.settling, None
            try:
                last = task.result()
            except Exception as exc:  # noqa: BLE001 - broker away: try again next round
                log.warning("taking over as leader failed (%s); retrying", exc)
                return
            await self.take_over(last)
        elif not leader and self.settling is not None:
            self.settling.cancel()
            self.settling = None
        self.leader = leader
        self.m.leader.set(1 if leader else 0)
        if not leader:
            cutoff = time.time() - self.KEEP_SECONDS
            while self.buffer and self.buffer[0][0] < cutoff:
                self.buffer.popleft()
            self.wave_updates.clear()
            self.failed.clear()
            return
        now = time.time()
        for _, decisions, ingest in self.buffer:
            for d in decisions:
                await self.send_decision(d, ingest, now)
        self.buffer.clear()
        for src, rec, reason in self.failed:
            topic, partition, offset = src or (None, None, None)
            dl = {"topic": self.s.topic(topic) if topic else None, "partition": partition,
                  "offset": offset, "reason": reason, "code": "internal",
                  "original": orjson.dumps(rec["e"]).decode(), "received_at": format_time(now)}
            await self.producer.send(self.s.topic("dead-letter"), value=orjson.dumps(dl))
            self.m.dead_letters.labels(topic or "signups").inc()
        self.failed.clear()
        for rec in self.wave_updates:
            await self.producer.send(self.s.topic("waves"), key=str(rec["wave_id"]).encode(),
                                     value=orjson.dumps(rec))
            if rec.get("status") == "active" and rec["wave_id"] not in self.confirmed:
                self.confirmed[rec["wave_id"]] = True
                self.m.waves_confirmed.inc()
            if rec.get("status") == "closed":
                self.m.wave_size.observe(rec.get("size", 0))
        self.wave_updates.clear()

    async def send_decision(self, d, ingest, now: float) -> None:
        out = decision_to_dict(d, now)
        await self.producer.send(self.s.topic("actions"), key=d.account_id.encode(),
                                 value=orjson.dumps(out))
        self.m.decisions.labels(d.action, d.mode).inc()
        self.m.latency.labels("event_time").observe(max(0.0, now - d.ts))
        if ingest:
            self.m.latency.labels("ingest").observe(max(0.0, now - ingest / 1000.0))

    #: Which buffered action may follow an account's last published one at a take-over.
    #: A suspend stays until a release; a challenge may still become a suspend.
    FOLLOWS = {None: {"challenge", "suspend"}, "release": {"challenge", "suspend"},
               "challenge": {"suspend", "release"}, "suspend": {"release"}}

    async def settle(self) -> dict:
        """The last published action per (account, mode), once the old leader's in-flight
        messages have landed."""
        await asyncio.sleep(1.0)
        return await self.recent_actions()

    async def take_over(self, last: dict) -> None:
        """Becoming leader: publish the buffered decisions the old leader had not.

        The account's last published action (``last``, from :meth:`settle`) decides
        which buffered decisions still apply (:attr:`FOLLOWS`), so no account gets a
        second live suspend without a release between.
        """
        now = time.time()
        kept = dropped = 0
        for _, decisions, ingest in self.buffer:
            for d in decisions:
                k = (d.account_id, d.mode)
                if d.action not in self.FOLLOWS[last.get(k)]:
                    dropped += 1
                    continue
                last[k] = d.action
                kept += 1
                await self.send_decision(d, ingest, now)
        self.buffer.clear()
        log.info("now the leader: published %d buffered decisions the old leader had not, "
                 "dropped %d it had", kept, dropped)

    async def recent_actions(self, count: int = 5000, seconds: float = 300.0) -> dict:
        """(account_id, mode) -> last action, from the recent tail of each actions partition."""
        topic = self.s.topic("actions")
        c = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False)
        await c.start()
        last: dict = {}
        try:
            parts = c.partitions_for_topic(topic)
            if not parts:
                await c._client.force_metadata_update()  # noqa: SLF001 - no public call
                parts = c.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in parts]
            if not tps:
                return last
            c.assign(tps)
            ends = await c.end_offsets(tps)
            by_time = await c.offsets_for_times({tp: int((time.time() - seconds) * 1000) for tp in tps})
            for tp in tps:
                start = max(0, ends[tp] - count)
                if by_time.get(tp) is not None:
                    start = min(start, by_time[tp].offset)
                c.seek(tp, start)
            done = {tp for tp in tps if ends[tp] == 0}
            deadline = time.monotonic() + 30
            while len(done) < len(tps) and time.monotonic() < deadline:
                for tp, msgs in (await c.getmany(timeout_ms=500, max_records=5000)).items():
                    for m in msgs:
                        try:
                            a = orjson.loads(m.value)
                            last[(a["account_id"], a["mode"])] = a["action"]
                        except (ValueError, KeyError, TypeError):
                            continue
                    if await c.position(tp) >= ends[tp]:
                        done.add(tp)
        finally:
            await c.stop()
        return last

    async def maybe_snapshot(self) -> None:
        if not self.leader or self.position == self.snapshot_position:
            return
        if time.monotonic() - self.last_snapshot < self.snapshot_every:
            return
        await self.snapshot()

    async def snapshot(self) -> None:
        """Capture the state now (consistent), pickle and ship it off the event loop.

        Pickling the whole engine takes hundreds of milliseconds for a few hours of
        state; done on the event loop it stalled every signup check by as much. So the
        state is captured by ``fork()`` (copy-on-write, like Redis ``BGSAVE``): the child
        pickles and lz4-compresses it (≈5x smaller: the sketches are sparse) into a
        temporary file and exits, while the loop keeps deciding; the parent then ships
        the file. Where ``fork`` is unavailable or fails, it pickles in-process.
        One snapshot at a time.
        """
        if self.snapshot_task is not None and not self.snapshot_task.done():
            return
        await self.producer.flush()  # every decision applied so far is on actions first
        t0 = time.perf_counter()
        state = {"decider": self.decider, "src_hw": self.src_hw, "applied": self.applied}
        # events still waiting in the aligner are not in the engine yet: replay from the
        # oldest of them (repeats of applied ones are dropped by src_hw)
        covered = min([q[0][1][0] - 1 for q in self.aligner.queues.values() if q], default=self.position)
        self.snapshot_position = self.position
        self.last_snapshot = time.monotonic()
        blob: Optional[bytes] = None
        child = fork_pickle(state)
        if child is None:
            blob = pack_state(state)
        paused = time.perf_counter() - t0

        async def ship():
            nonlocal blob
            t1 = time.perf_counter()
            if child is not None:
                blob = await wait_child(*child)
                if blob is None:
                    log.error("snapshot child failed; this snapshot is skipped")
                    return
            pickled = time.perf_counter() - t1
            self.m.state_bytes.set(len(blob))
            await self.store.save(self.producer, blob, covered)
            log.info("snapshot at detect offset %d: %d bytes, loop paused %.1f ms, pickled in %.0f ms "
                     "(%s), written in %.0f ms", covered, len(blob), paused * 1000, pickled * 1000,
                     "forked child" if child is not None else "in-process",
                     (time.perf_counter() - t1 - pickled) * 1000)

        self.snapshot_task = asyncio.ensure_future(ship())

    @property
    def lag(self) -> int:
        return max(0, self.end_offset - self.position - 1)
