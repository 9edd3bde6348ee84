"""The contract topics (and the worker's two internal ones) and their idempotent
creation (kafka-python admin client)."""
from __future__ import annotations

import sys
import time
import warnings

from streams.settings import Settings

#: Contract topics (EVENTS.md): name -> (partitions or None for the setting, configs).
INPUT_TOPICS = ("signups", "activity", "labels")
OUTPUT_TOPICS = ("actions", "waves", "dead-letter")
CONTROL_TOPIC = "control"
CONTROL_AUDIT_TOPIC = "control-audit"
ALL_TOPICS = INPUT_TOPICS + OUTPUT_TOPICS + (CONTROL_TOPIC,)


def topic_specs(s: Settings) -> dict[str, tuple[int, dict]]:
    """Full topic name -> (partitions, configs) for every contract topic."""
    specs = {}
    for name in INPUT_TOPICS + OUTPUT_TOPICS:
        specs[s.topic(name)] = (max(6, s.partitions) if name in INPUT_TOPICS else s.partitions, {})
    specs[s.topic("waves")] = (s.partitions, {"cleanup.policy": "compact,delete"})
    specs[s.topic(CONTROL_TOPIC)] = (1, {"cleanup.policy": "compact", "min.compaction.lag.ms": "0"})
    # every accepted control change, kept (control is compacted): `breakwater config history`
    specs[s.topic(CONTROL_AUDIT_TOPIC)] = (1, {"cleanup.policy": "delete", "retention.ms": "-1"})
    # internal topics of the worker (streams/detect.py): the totally ordered detect log
    # and the compacted engine snapshots
    from streams.detect import detect_topic, snapshot_topic
    specs[detect_topic(s)] = (1, {"retention.ms": str(7 * 24 * 3600 * 1000)})
    specs[snapshot_topic(s)] = (1, {"cleanup.policy": "compact", "max.message.bytes": "2097152"})
    return specs


def create_topics(s: Settings, timeout: float = 30.0, log=print) -> dict[str, int]:
    """Create any missing contract topic; return name -> partitions of all of them.

    Idempotent: existing topics are left as they are (a partition count that differs
    from the wanted one is reported, never changed silently).
    """
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(request_timeout_ms=int(timeout * 1000), client_id="breakwater-topics",
                             **s.kafka_client_config())
    try:
        specs = topic_specs(s)
        existing = set(admin.list_topics())
        new = [NewTopic(n, p, 1, topic_configs=c) for n, (p, c) in specs.items() if n not in existing]
        if new:
            try:
                admin.create_topics(new, timeout_ms=int(timeout * 1000))
            except TopicAlreadyExistsError:
                pass  # a concurrent creator won the race: fine
            log(f"created topics: {', '.join(t.name for t in new)}")
        got = wait_visible(admin, list(specs), timeout)
        for n, (p, _) in specs.items():
            if got.get(n, p) != p:
                log(f"warning: topic {n} has {got[n]} partitions, wanted {p}")
        return got
    finally:
        admin.close()


def wait_visible(admin, names: list[str], timeout: float) -> dict[str, int]:
    """Wait until the broker's metadata shows every topic with a leader on every partition.

    A just-created topic can be missing from metadata for a moment (seen on a freshly
    started, busy broker): a Faust worker joining its group then assigns without it
    ("Ignoring missing topic") and never consumes it. Returns name -> partitions.
    """
    deadline = time.monotonic() + timeout
    while True:
        got, ready = {}, True
        for t in admin.describe_topics(names):
            parts = t.get("partitions") or []
            if t.get("error_code") or not parts or any(p["leader_id"] < 0 for p in parts):
                ready = False
            got[t["name"]] = len(parts)
        if ready and set(got) >= set(names):
            return got
        if time.monotonic() > deadline:
            missing = sorted(n for n in names if not got.get(n))
            raise TimeoutError(f"topics not visible in broker metadata after {timeout:.0f}s: {missing}")
        time.sleep(0.1)


def register(sub) -> None:
    p = sub.add_parser("topics", help="create the contract topics (idempotent)",
                       description="Create signups, activity, labels (>= 6 partitions), actions, "
                                   "waves, dead-letter and control (1 partition, compacted), each "
                                   "with BREAKWATER_TOPIC_PREFIX. Existing topics are left as they are.")
    p.add_argument("--prefix", help="topic-name prefix (overrides BREAKWATER_TOPIC_PREFIX)")
    p.set_defaults(func=run)


def run(args) -> int:
    s = Settings.from_env(topic_prefix=args.prefix)
    try:
        for name, n in sorted(create_topics(s).items()):
            print(f"{name:<40} {n} partition{'s' if n != 1 else ''}")
    except Exception as exc:  # noqa: BLE001 - report any client error plainly
        print(f"error: could not create topics on {s.kafka_bootstrap}: {exc}", file=sys.stderr)
        return 1
    return 0
