"""The Faust application: topics, agents, the detection loop and web views.

Two stages (see ``streams/detect.py`` for why):

1. **ingest** — Faust agents on ``signups``, ``activity`` and ``labels``, spread over
   the consumer group: decode and validate (``streams.contract``); anything invalid
   goes to ``dead-letter`` with its topic, partition, offset and reason; valid events
   go on, in a compact form, to the one-partition detect topic.
2. **detect** — every worker runs the pure engine (``detectors.engine.Engine``) over
   the detect topic; the leader publishes decisions to ``actions``.

Build the app with :func:`create_app`; importing this module has no side effects.
"""
from __future__ import annotations

import logging
import os
import time
from typing import Optional

import faust
import orjson
from aiokafka import AIOKafkaProducer
from faust.types import TP

from detectors.engine import Engine
from streams.contract import (
    TOPIC_TYPES, InvalidEvent, event_to_wire, format_time, parse_message,
)
from streams.admin import install_control
from streams.detect import DetectLoop, aiokafka_kwargs, detect_topic, snapshot_topic
from streams.enqueue import Enqueuer
from streams.metrics import CHECK_DECISIONS, CONTENT_TYPE_LATEST, Metrics
from streams.settings import Settings

log = logging.getLogger("breakwater")

#: Dead-letter records keep at most this much of the original message.
DEAD_LETTER_MAX = 64 * 1024


def dead_letter_record(raw: Optional[bytes], topic: str, partition: int, offset: int,
                       exc: InvalidEvent, now: float) -> dict:
    """The ``dead-letter`` contract object for one rejected message."""
    raw = raw or b""
    text = raw[:DEAD_LETTER_MAX].decode("utf-8", "backslashreplace")
    return {"topic": topic, "partition": partition, "offset": offset, "reason": exc.reason,
            "code": exc.code, "original": text, "original_bytes": len(raw),
            "truncated": len(raw) > DEAD_LETTER_MAX, "received_at": format_time(now)}


class Ingest:
    """Stage 1 for one message: validate, then forward or dead-letter.

    Kept apart from Faust's decorators so tests and benchmarks can drive it with
    plain arguments.
    """

    def __init__(self, metrics: Metrics, detect, dead_letter):
        self.m = metrics
        self.detect = detect
        self.dead_letter = dead_letter
        #: (topic, partition) -> last offset fully handled (forwarded or dead-lettered);
        #: heartbeats report this, not Faust's read offset, which runs ahead by its buffer
        self.done: dict[tuple, int] = {}
        self._valid: dict = {}

    async def handle_batch(self, events, kinds: dict[str, tuple[str, str]]) -> None:
        """Validate a batch of Faust events from any input topic (``kinds``: topic name ->
        (short name, expected event type)); forward the valid ones as ONE detect message.

        One message per batch, and one batch for all three topics: every detect message
        costs a Faust send, a produce request, a fetch and a detect-loop round in every
        worker, which cost more CPU than the events in it when batches are small.
        """
        recs = []
        done = {}
        for event in events:
            msg = event.message
            short, expected_type = kinds[msg.topic]
            rec = await self.validate(event.value, msg.topic, short, msg.partition, msg.offset,
                                      msg.timestamp * 1000 if msg.timestamp else None, expected_type)
            if rec is not None:
                recs.append(rec)
            done[(short, msg.partition)] = msg.offset
        if recs:
            await self.detect.send(value=orjson.dumps({"batch": recs}), partition=0)
        self.done.update(done)

    async def validate(self, raw: Optional[bytes], topic: str, short: str, partition: int,
                       offset: int, timestamp_ms: Optional[float], expected_type: str) -> Optional[dict]:
        """The detect record of a valid message; an invalid one goes to dead-letter."""
        try:
            ev = parse_message(raw, expected_type)
        except InvalidEvent as exc:
            self.m.events.labels(short, "invalid").inc()
            self.m.invalid.labels(short, exc.code).inc()
            self.m.dead_letters.labels(short).inc()
            log.warning("dead-letter %s[%d]@%d: %s", topic, partition, offset, exc.reason)
            rec = dead_letter_record(raw, topic, partition, offset, exc, time.time())
            await self.dead_letter.send(key=f"{topic}:{partition}:{offset}".encode(),
                                        value=orjson.dumps(rec))
            return None
        valid = self._valid.get(short)
        if valid is None:  # the labelled child, looked up once per topic
            valid = self._valid[short] = self.m.events.labels(short, "valid")
        valid.inc()
        return {"e": event_to_wire(ev), "src": [short, partition, offset], "ingest": timestamp_ms}


def make_engine(settings: Settings) -> Engine:
    return Engine(seed=settings.seed)


def export_stats(metrics: Metrics, stats: dict) -> None:
    """Engine gauges (``Engine.stats()``) into the worker's metrics."""
    metrics.waves.labels("forming").set(stats.get("forming_waves", 0))
    metrics.waves.labels("active").set(stats.get("active_waves", 0))
    for name in ("tracked_accounts", "recent_signups", "lockstep_entries", "closed_waves", "label_templates"):
        if name in stats:
            metrics.state_entries.labels(name).set(stats[name])
    for name, gauge in (("label_precision_estimate", metrics.label_precision),
                        ("label_recall_estimate", metrics.label_recall)):
        if stats.get(name) is not None:
            gauge.set(stats[name])


def _install_fetch_wait() -> None:
    """Let Faust's worker consumer take the app's ``Settings.fetch_wait_ms`` as its
    ``fetch_max_wait_ms``; Faust passes a fixed 1500 and has no setting for it.

    aiokafka leaves the partitions whose records the app has not consumed yet out of its
    next fetch request. That request then asks only for quiet partitions (labels, say), and
    the broker holds it for ``fetch_max_wait_ms`` because no data comes for them, while the
    busy partitions wait. Measured: stage 1 stalled for 1.2-1.5 s at a time at 2,000
    events/s, the p99 decision latency was 1.7 s; at 50 ms the stalls are gone.
    """
    from faust.transport.drivers import aiokafka as driver
    cls = driver.AIOKafkaConsumerThread
    if getattr(cls, "_breakwater_fetch_wait", False):
        return
    create_worker_consumer = cls._create_worker_consumer

    def create(self, transport):
        consumer = create_worker_consumer(self, transport)
        bw = getattr(self.app, "breakwater", None)  # set by create_app
        if bw is not None:
            consumer._fetch_max_wait_ms = bw["settings"].fetch_wait_ms  # noqa: SLF001 - read by start() only
        return consumer

    cls._create_worker_consumer = create
    cls._breakwater_fetch_wait = True


def create_app(settings: Settings) -> faust.App:
    """Build the Faust app for these settings (topics, agents, web views)."""
    _install_fetch_wait()
    os.makedirs(settings.data_dir, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{b}" for b in settings.kafka_bootstrap.split(",")],
        broker_credentials=_credentials(settings),
        store="memory://",
        datadir=settings.data_dir,
        topic_partitions=settings.partitions,
        topic_allow_declare=True,
        web_host=settings.web_host,
        web_bind=settings.web_bind or settings.web_host,
        web_port=settings.web_port,
        canonical_url=f"http://{settings.web_host}:{settings.web_port}",
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=min(2.0, settings.session_timeout / 3),
        producer_linger_ms=1,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
    )
    metrics = Metrics()

    def raw_topic(*names: str, **kw):
        return app.topic(*names, key_type=bytes, value_type=bytes, key_serializer="raw",
                         value_serializer="raw", **kw)

    dead_letter = raw_topic(settings.topic("dead-letter"))
    detect = raw_topic(detect_topic(settings), partitions=1, retention=7 * 24 * 3600.0)
    raw_topic(snapshot_topic(settings), partitions=1, compacting=True)  # declared at start
    ingest = Ingest(metrics, detect, dead_letter)
    leader_tp = TP(settings.topic("signups"), 0)
    loop = DetectLoop(settings, metrics, lambda: make_engine(settings),
                      is_leader=lambda: leader_tp in (app.consumer.assignment() if app.consumer else ()))
    cstate, reader, _writer = install_control(
        app, settings, metrics, shadow_report=loop.shadow_report,
        breaker=lambda: loop.decider.breaker_status(), admin_port=settings.admin_port or None)
    loop.control = (cstate, reader)
    app.breakwater = {"metrics": metrics, "ingest": ingest, "detect": loop, "settings": settings}

    kinds = {settings.topic(short): (short, expected) for short, expected in TOPIC_TYPES.items()}

    @app.agent(raw_topic(*kinds), name="breakwater.ingest")
    async def ingest_agent(stream):
        async for events in stream.take_events(settings.ingest_batch, within=settings.ingest_wait):
            await ingest.handle_batch(events, kinds)

    @app.task
    async def detect_loop():
        log.info(settings.describe())
        await loop.run()

    @app.task
    async def watch_event_loop():
        metrics.watch_gc()
        await metrics.watch_loop()

    state = {"offsets": {}, "progress": time.monotonic()}
    input_topics = {settings.topic(t): t for t in TOPIC_TYPES}

    @app.timer(0.2)
    async def heartbeat():
        """Tell the detect loop, per owned input partition, how far stage 1 has read
        and how far the partition goes: the event-time aligner waits only for
        partitions with messages it has not received yet."""
        consumer = app.consumer
        if consumer is None or app.rebalancing:
            return
        hbs = []
        for tp in consumer.assignment():
            short = input_topics.get(tp.topic)
            if short is None:
                continue
            hw = consumer.highwater(tp)
            if hw is None:
                continue
            hbs.append([short, tp.partition, ingest.done.get((short, tp.partition), -1), hw])
        if hbs:  # one message for all owned partitions (a Faust send costs ~0.1 ms of CPU)
            await detect.send(value=orjson.dumps({"hbs": hbs}), partition=0)

    @app.timer(1.0)
    async def refresh_gauges():
        """Lag per partition, time since progress, state sizes."""
        consumer = app.consumer
        offsets = {}
        lag_total = loop.lag
        shown = set()
        if consumer is not None:
            for tp in consumer.assignment():
                read = consumer._read_offset.get(tp)  # noqa: SLF001 - faust has no public getter
                hw = consumer.highwater(tp)
                offsets[tp] = read
                if hw is not None:
                    lag = max(0, hw - (read + 1 if read is not None else 0))
                    lag_total += lag
                    short = tp.topic[len(settings.topic_prefix):]
                    metrics.lag.labels(short, str(tp.partition)).set(lag)
                    shown.add((short, str(tp.partition)))
        for labels in state.get("lag_labels", set()) - shown:  # revoked partitions: no stale lag
            metrics.lag.remove(*labels)
        state["lag_labels"] = shown
        metrics.lag.labels("detect", "0").set(loop.lag)
        if offsets != state["offsets"] or loop.last_progress > state["progress"]:
            state["progress"] = time.monotonic()
        state["offsets"] = offsets
        since = time.monotonic() - state["progress"]
        metrics.since_progress.set(since)
        state["stalled"] = lag_total > 0 and since > settings.stall_seconds
        export_stats(metrics, loop.engine.stats())
        metrics.config_version.labels("live").set(loop.engine.config_version)

    @app.page("/healthz")
    class Health(faust.web.View):
        async def get(self, request):
            ok = not state.get("stalled", False)
            return self.json({"status": "ok" if ok else "stalled",
                              "seconds_since_progress": round(time.monotonic() - state["progress"], 1),
                              "detect_lag": loop.lag, "leader": loop.leader},
                             status=200 if ok else 503)

    @app.page("/readyz")
    class Ready(faust.web.View):
        async def get(self, request):
            assigned = len(app.consumer.assignment()) if app.consumer else 0
            ready = loop.ready and not app.rebalancing
            return self.json({"ready": ready, "recovering": not loop.ready,
                              "assigned_partitions": assigned, "detect_offset": loop.position,
                              "applied_events": loop.applied, "late_events": loop.late,
                              "aligning": loop.aligner.pending(), "unpublished": len(loop.buffer),
                              "leader": loop.leader}, status=200 if ready else 503)

    enqueuer = Enqueuer(lambda: AIOKafkaProducer(**aiokafka_kwargs(settings), linger_ms=10, acks="all"),
                        settings.topic("signups"), metrics.check_enqueue_failures.inc)

    @app.task
    async def drain_checked_signups():
        await enqueuer.run()

    check_counters = {d: metrics.checks.labels(d) for d in CHECK_DECISIONS}

    @app.page("/v1/signup-check")
    class SignupCheck(faust.web.View):
        """Synchronous check for the signup service: answers from the current wave
        state and enqueues the signup to ``signups`` without waiting for Kafka."""

        async def post(self, request):
            t0 = time.perf_counter()
            try:
                raw = await request.read()
                ev = parse_message(raw, "signup")
            except InvalidEvent as exc:
                check_counters["error"].inc()
                return self.json({"error": exc.reason, "code": exc.code}, status=400)
            a = loop.engine.assess(ev)
            enqueued = enqueuer.offer(ev.account_id.encode(), raw)
            check_counters[a.decision].inc()
            metrics.check_latency.observe(time.perf_counter() - t0)
            return self.json({"decision": a.decision, "score": round(float(a.score), 4),
                              "wave_id": a.wave_id, "reasons": a.reasons,
                              "config_version": a.config_version, "enqueued": enqueued,
                              "state_ready": loop.ready})

    @app.page("/metrics")
    class MetricsView(faust.web.View):
        async def get(self, request):
            return self.bytes(metrics.render(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    return app


def _credentials(s: Settings):
    if s.kafka_security_protocol == "PLAINTEXT":
        return None
    ssl_context = None
    if "SSL" in s.kafka_security_protocol:
        import ssl
        ssl_context = ssl.create_default_context(cafile=s.kafka_ssl_cafile or None)
        if s.kafka_ssl_certfile:
            ssl_context.load_cert_chain(s.kafka_ssl_certfile, s.kafka_ssl_keyfile or None)
    if s.kafka_security_protocol.startswith("SASL"):
        return faust.SASLCredentials(username=s.kafka_sasl_username, password=s.kafka_sasl_password,
                                     mechanism=s.kafka_sasl_mechanism, ssl_context=ssl_context)
    return faust.SSLCredentials(ssl_context)
