"""The walking skeleton through the real broker: traffic in, decisions and
dead-letters out, and the stream goes on after bad input."""
import re
import time
import urllib.request

import orjson
import pytest

from offline.simulate import generate
from streams.replay import replay_objects

pytestmark = pytest.mark.integration


def metric(port: int, name: str, **labels) -> float:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        m = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if m and m.group(1) == name and ",".join(sorted((m.group(2) or "").split(","))) == want:
            return float(m.group(3))
    raise KeyError(f"{name}{{{want}}} not exported")


def test_topics_created_with_contract_partitions(bw_env):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource
    admin = KafkaAdminClient(**bw_env.settings.kafka_client_config())
    try:
        names = [bw_env.topic(t) for t in ("signups", "activity", "labels", "actions", "waves",
                                           "dead-letter", "control")]
        desc = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)}
        configs = admin.describe_configs(
            config_resources=[ConfigResource("TOPIC", bw_env.topic("control"))])
    finally:
        admin.close()
    for t in ("signups", "activity", "labels"):
        assert desc[bw_env.topic(t)] >= 6
    assert desc[bw_env.topic("control")] == 1
    assert "compact" in str(configs)
    bw_env.create_topics()  # idempotent: a second call changes nothing and does not fail


def test_traffic_becomes_actions_and_bad_input_is_dead_lettered(bw_env):
    _, port = bw_env.start_worker()
    events = list(generate(seed=3, hours=0.5, scenario="burst"))
    spam = {e["account_id"] for e in events if e["type"] == "signup" and e["truth"]["label"] == "spam"}
    n_signups = sum(e["type"] == "signup" for e in events)
    assert spam, "the scenario has a wave"

    p = bw_env.producer()
    bad = b'{"account_id": "x1", "ts": "not a time", "username": "u"}'
    p.send(bw_env.topic("signups"), key=b"x1", value=b"{not json")
    p.send(bw_env.topic("signups"), key=b"x1", value=bad)
    p.flush()
    counts = replay_objects(enumerate(events, 1), bw_env.settings)  # valid ones after the bad ones
    assert counts["signups"] == n_signups and counts["invalid"] == 0

    actions = bw_env.consume("actions", lambda r: sum(a["action"] == "suspend" for a in r) >= 20,
                             timeout=60)
    suspended = {a["account_id"] for a in actions if a["action"] == "suspend"}
    assert len(suspended) >= 20
    assert len(suspended & spam) / len(suspended) >= 0.9
    for a in actions:
        assert a["action"] in ("suspend", "challenge", "release") and a["mode"] in ("live", "shadow")
        assert isinstance(a["config_version"], int) and a["reasons"] and 0 <= a["score"] <= 1
        assert a["ts"].startswith("2019-08-19T")

    dead = bw_env.consume("dead-letter", lambda r: len(r) >= 2)
    assert len(dead) == 2
    by_original = {d["original"]: d for d in dead}
    j = by_original["{not json"]
    assert j["topic"] == bw_env.topic("signups") and isinstance(j["partition"], int)
    assert isinstance(j["offset"], int) and "JSON" in j["reason"]
    t = by_original[bad.decode()]
    assert "ts" in t["reason"] and t["code"] == "bad_time"
    # every valid signup after the bad ones was consumed, and both bad ones were counted
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and \
            metric(port, "breakwater_events_consumed_total", topic="signups", outcome="valid") < n_signups:
        time.sleep(0.5)
    assert metric(port, "breakwater_events_consumed_total", topic="signups", outcome="valid") == n_signups
    assert metric(port, "breakwater_invalid_events_total", topic="signups", reason="malformed_json") == 1
    assert metric(port, "breakwater_invalid_events_total", topic="signups", reason="bad_time") == 1
