"""The walking skeleton through the real broker: signups in, actions and
dead-letters out, and the stream goes on after bad input."""
import orjson
import pytest

pytestmark = pytest.mark.integration


def test_topics_created_with_contract_partitions(bw_env):
    from kafka import KafkaAdminClient
    admin = KafkaAdminClient(**bw_env.settings.kafka_client_config())
    try:
        names = [bw_env.topic(t) for t in ("signups", "activity", "labels", "actions", "waves",
                                           "dead-letter", "control")]
        desc = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)}
        configs = admin.describe_configs(
            config_resources=[__import__("kafka.admin", fromlist=["ConfigResource"]).ConfigResource(
                "TOPIC", bw_env.topic("control"))])
    finally:
        admin.close()
    for t in ("signups", "activity", "labels"):
        assert desc[bw_env.topic(t)] >= 6
    assert desc[bw_env.topic("control")] == 1
    assert "compact" in str(configs)
    bw_env.create_topics()  # idempotent: a second call changes nothing and does not fail


def test_valid_signup_becomes_action_and_bad_input_is_dead_lettered(bw_env):
    bw_env.start_worker()
    p = bw_env.producer()
    bad = b'{"account_id": "x1", "ts": "not a time", "username": "u"}'
    p.send(bw_env.topic("signups"), key=b"x1", value=b"{not json")
    p.send(bw_env.topic("signups"), key=b"x1", value=bad)
    for i in range(3):  # valid ones after the bad ones: still processed
        ev = {"account_id": f"acct-{i}", "ts": 1566208800 + i, "username": f"user{i}98765432"}
        p.send(bw_env.topic("signups"), key=ev["account_id"].encode(), value=orjson.dumps(ev))
    p.flush()

    actions = bw_env.consume("actions", lambda r: len({a["account_id"] for a in r}) >= 3)
    assert {a["account_id"] for a in actions} == {"acct-0", "acct-1", "acct-2"}
    for a in actions:
        assert a["action"] in ("suspend", "challenge", "release")
        assert a["mode"] == "live" and isinstance(a["config_version"], int) and a["reasons"]
        assert 0 <= a["score"] <= 1 and a["ts"].startswith("2019-08-19T10:00:0")

    dead = bw_env.consume("dead-letter", lambda r: len(r) >= 2)
    assert len(dead) == 2
    by_original = {d["original"]: d for d in dead}
    j = by_original["{not json"]
    assert j["topic"] == bw_env.topic("signups") and isinstance(j["partition"], int)
    assert isinstance(j["offset"], int) and "JSON" in j["reason"]
    t = by_original[bad.decode()]
    assert "ts" in t["reason"] and t["code"] == "bad_time"
