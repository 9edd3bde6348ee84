"""One typed settings object, read from ``BREAKWATER_*`` environment variables.

These are deployment settings (where Kafka is, which port to serve on). Live
detection thresholds are *not* settings: they travel on the ``control`` topic.
Secrets (SASL password, admin token) are read from the environment or from a file
named by ``*_FILE`` and are never printed by :meth:`Settings.describe`.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Optional

from detectors.breaker import BREAKER_SCOPES

REPO_ROOT = Path(__file__).resolve().parents[1]

_SECRET = {"secret": True}


@dataclass(frozen=True)
class Settings:
    #: Kafka bootstrap servers, host:port[,host:port].
    kafka_bootstrap: str = "127.0.0.1:9092"
    #: Prefix for every topic name (lets several deployments or tests share a broker).
    topic_prefix: str = ""
    #: Faust application id = consumer group and internal-topic prefix.
    app_id: str = "breakwater"
    #: Partitions for input and output topics (control always has 1).
    partitions: int = 6
    #: Web port of the worker (/healthz, /readyz, /metrics, /v1/...).
    web_host: str = "127.0.0.1"
    #: Address the web server binds to (default: web_host). In a pod, 0.0.0.0 lets probes
    #: and `kubectl port-forward` reach it while web_host stays the advertised address.
    web_bind: str = ""
    web_port: int = 6066
    #: Where the worker keeps its table stores.
    data_dir: str = str(REPO_ROOT / ".breakwater")
    log_level: str = "info"
    #: Seconds without any offset advancing, while lag > 0, before /healthz fails.
    stall_seconds: float = 60.0
    #: Seconds between engine snapshots written by the leader (recovery replays the rest).
    snapshot_seconds: float = 30.0
    #: Stage 1 forwards up to this many events per detect message, waiting at most
    #: ingest_wait seconds to fill a batch: every detect message costs a Faust send, a
    #: produce request, a fetch and a detect-loop round in every worker. Measured at 2,000
    #: events/s: 0.005 s made 20-event batches (catch-up 19.1 CPU-s per 58.5k events,
    #: p99 159-189 ms); 0.02 s: 16.3 CPU-s, p99 115-130 ms.
    ingest_batch: int = 500
    ingest_wait: float = 0.02
    #: Longest wait of a Kafka fetch of stage 1 for data that is not there yet (ms). Faust
    #: hard-codes 1500: a fetch for the quiet partitions then holds the busy ones back that
    #: long (aiokafka leaves partitions with unread records out of the next fetch).
    fetch_wait_ms: int = 50
    #: Wall-clock seconds a quiet source partition may hold back event-time alignment. Keep
    #: it above ingest_wait: stage 1 forwards a busy partition only every ingest_wait, and
    #: in between it looks quiet (measured at 2,000 events/s with ingest_wait 0.02: idle
    #: 0.02 s applied 506-899 of 60,000 events out of event-time order, 0.05 s none).
    align_idle_seconds: float = 0.05
    #: Seconds a partition with unread messages may hold event-time alignment back (e.g.
    #: while its worker died and the group has not yet moved it: keep above the session
    #: timeout plus a rebalance, so a failover does not break event-time order).
    align_stall_seconds: float = 20.0
    #: Consumer-group session timeout (seconds): failover time after a crash.
    session_timeout: float = 10.0
    #: Kafka client security: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str = "PLAIN"
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = field(default="", metadata=_SECRET)
    kafka_ssl_cafile: str = ""
    kafka_ssl_certfile: str = ""
    kafka_ssl_keyfile: str = ""
    #: Bearer token for the admin API (or BREAKWATER_ADMIN_TOKEN_FILE).
    admin_token: str = field(default="", metadata=_SECRET)
    #: Serve /v1/config* on this separate port (127.0.0.1) instead of the web port; 0 = web port.
    admin_port: int = 0
    #: Circuit breaker: new suspensions degrade to challenges when the live suspension
    #: rate exceeds this multiple of its recent baseline, until ops confirm the surge.
    breaker_multiple: float = 4.0
    #: Which surges the breaker degrades: ``loosened`` (only while a live setting is looser
    #: than its shipped default: a guard on ops changes) or ``all`` (every unconfirmed surge,
    #: large wave attacks included). See detectors/decider.py.
    breaker_scope: str = "loosened"
    #: Seed for the detectors' randomness (MinHash, hashing keys).
    seed: int = 0

    @classmethod
    def from_env(cls, env: Optional[dict] = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            key = "BREAKWATER_" + f.name.upper()
            raw = env.get(key)
            if raw is None and env.get(key + "_FILE"):
                raw = Path(env[key + "_FILE"]).read_text().strip()
            if raw is None:
                continue
            try:
                values[f.name] = _convert(f.type, raw)
            except ValueError:
                raise SystemExit(f"error: {key}={raw!r} is not a valid {f.type}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        scope = values.get("breaker_scope", cls.breaker_scope)
        if scope not in BREAKER_SCOPES:
            raise SystemExit(f"error: BREAKWATER_BREAKER_SCOPE={scope!r} must be one of {', '.join(BREAKER_SCOPES)}")
        return cls(**values)

    def topic(self, name: str) -> str:
        """Full topic name for a contract topic (``signups`` → ``<prefix>signups``)."""
        return self.topic_prefix + name

    def kafka_client_config(self) -> dict:
        """Keyword arguments for kafka-python clients (security included)."""
        cfg = {"bootstrap_servers": self.kafka_bootstrap.split(","),
               "security_protocol": self.kafka_security_protocol}
        if self.kafka_security_protocol.startswith("SASL"):
            cfg.update(sasl_mechanism=self.kafka_sasl_mechanism,
                       sasl_plain_username=self.kafka_sasl_username,
                       sasl_plain_password=self.kafka_sasl_password)
        if "SSL" in self.kafka_security_protocol:
            cfg.update({k: v for k, v in (("ssl_cafile", self.kafka_ssl_cafile),
                                          ("ssl_certfile", self.kafka_ssl_certfile),
                                          ("ssl_keyfile", self.kafka_ssl_keyfile)) if v})
        return cfg

    def describe(self) -> str:
        """One log line with every setting; secrets shown only as set/unset."""
        parts = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.metadata.get("secret"):
                v = "<set>" if v else "<unset>"
            parts.append(f"{f.name}={v}")
        return "settings: " + " ".join(parts)

    def replace(self, **kw) -> "Settings":
        return dataclasses.replace(self, **kw)


def _convert(typ, raw: str):
    typ = typ if isinstance(typ, str) else typ.__name__
    if typ == "int":
        return int(raw)
    if typ == "float":
        return float(raw)
    if typ == "bool":
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(raw)
    return raw
