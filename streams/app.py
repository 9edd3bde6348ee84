"""The Faust application: topics, agents and web views.

Agents are thin: decode and validate (``streams.contract``) → the pure decision
engine (``detectors.engine.Engine``) → encode to ``actions``. Anything invalid goes
to ``dead-letter`` with its topic, partition, offset and reason, and the stream goes on.

Build the app with :func:`create_app` (the worker command does); importing this
module has no side effects.
"""
from __future__ import annotations

import logging
import time
from typing import Optional

import faust
import orjson

from detectors.engine import Engine
from streams.contract import TOPIC_TYPES, InvalidEvent, decision_to_dict, format_time, parse_message
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


class Pipeline:
    """What the agents call per message; holds the engine and the output topics.

    Kept apart from Faust's decorators so that tests and benchmarks can drive it
    with plain arguments.
    """

    def __init__(self, settings: Settings, engine: Engine, actions, dead_letter):
        self.settings = settings
        self.engine = engine
        self.actions = actions
        self.dead_letter = dead_letter
        self.counts = {"valid": 0, "invalid": 0, "decisions": 0}

    async def handle(self, raw: Optional[bytes], topic: str, partition: int, offset: int,
                     expected_type: str) -> None:
        try:
            ev = parse_message(raw, expected_type)
        except InvalidEvent as exc:
            self.counts["invalid"] += 1
            log.warning("dead-letter %s[%d]@%d: %s", topic, partition, offset, exc.reason)
            rec = dead_letter_record(raw, topic, partition, offset, exc, time.time())
            await self.dead_letter.send(key=f"{topic}:{partition}:{offset}".encode(),
                                        value=orjson.dumps(rec))
            return
        self.counts["valid"] += 1
        for d in self.engine.process(ev):
            self.counts["decisions"] += 1
            await self.actions.send(key=d.account_id.encode(),
                                    value=orjson.dumps(decision_to_dict(d, time.time())))


def create_app(settings: Settings) -> faust.App:
    """Build the Faust app for these settings (topics, agents, web views)."""
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{b}" for b in settings.kafka_bootstrap.split(",")],
        broker_credentials=_credentials(settings),
        store="memory://",
        datadir=settings.data_dir,
        topic_partitions=settings.partitions,
        topic_allow_declare=True,
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        canonical_url=f"http://{settings.web_host}:{settings.web_port}",
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=2.0,
        producer_linger_ms=1,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
    )

    def raw_topic(name: str, **kw):
        return app.topic(settings.topic(name), key_type=bytes, value_type=bytes,
                         key_serializer="raw", value_serializer="raw", **kw)

    actions = raw_topic("actions")
    dead_letter = raw_topic("dead-letter")
    pipeline = Pipeline(settings, Engine(), actions, dead_letter)
    app.breakwater_pipeline = pipeline  # for views and tests

    def make_agent(name: str, expected_type: str):
        source = raw_topic(name)

        async def agent(stream):
            async for event in stream.events():
                msg = event.message
                await pipeline.handle(event.value, msg.topic, msg.partition, msg.offset, expected_type)

        agent.__name__ = agent.__qualname__ = f"{name}_agent"
        app.agent(source, name=f"breakwater.{name}")(agent)

    for name, expected in TOPIC_TYPES.items():
        make_agent(name, expected)

    @app.task
    async def announce():
        log.info(settings.describe())

    @app.page("/healthz")
    class Health(faust.web.View):
        async def get(self, request):
            return self.json({"status": "ok", **pipeline.counts})

    @app.page("/readyz")
    class Ready(faust.web.View):
        async def get(self, request):
            assigned = len(app.consumer.assignment()) if app.consumer else 0
            ready = assigned > 0 and not app.rebalancing
            return self.json({"ready": ready, "assigned_partitions": assigned},
                             status=200 if ready else 503)

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
