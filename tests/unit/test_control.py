"""The control protocol without Kafka: state, changes, the admin API and the CLI parser."""
import asyncio
import random

import pytest

from detectors.config import defaults
from streams.admin import AdminAPI
from streams.control import (
    CONFIRM_KEY, ConflictError, ControlState, build_change, key_of,
)
from streams.metrics import Metrics
from streams.settings import Settings


def change(st, action, values=None, **kw):
    kw.setdefault("changed_by", "alice")
    kw.setdefault("now", 1_800_000_000.0)
    return build_change(st, action, values, **kw)


def apply_all(st, msgs):
    return [st.apply(m) for m in msgs]


# --------------------------------------------------------------------------- state

def test_defaults_and_a_live_change():
    st = ControlState()
    assert st.live == defaults() and st.version == 0 and st.shadow_values() is None
    msgs = change(st, "set", {"suspend_threshold": "0.95", "min_wave_size": 6}, reason="INC-1")
    assert {m["version"] for m in msgs} == {1} and len({m["id"] for m in msgs}) == 1
    assert sorted(m["batch"] for m in msgs)[0] == ["suspend_threshold", "min_wave_size"]
    m = msgs[0]
    assert m["changed_at"] == "2027-01-15T08:00:00.000Z" and m["reason"] == "INC-1"
    assert m["old"] == 0.9 and m["value"] == 0.95 and key_of(m) == "suspend_threshold"
    assert apply_all(st, msgs) == ["applied", "applied"]
    assert st.live["suspend_threshold"] == 0.95 and st.live["min_wave_size"] == 6
    assert st.version == st.live_version == 1


@pytest.mark.parametrize("values, fragment", [
    ({"sketch_width": 3}, "not a live-tunable setting"),
    ({"suspend_threshold": 1.5}, "above the maximum 1.0"),
    ({"min_wave_size": "many"}, "must be an integer"),
    ({"challenge_threshold": 0.95}, "must not exceed suspend_threshold"),
    ({}, "non-empty"),
])
def test_invalid_changes_are_rejected_with_the_reason(values, fragment):
    st = ControlState()
    with pytest.raises(ValueError, match=fragment):
        change(st, "set", values)
    assert st.version == 0 and st.history() == []


def test_no_op_change_builds_nothing():
    st = ControlState()
    assert change(st, "set", {"suspend_threshold": 0.9}) == []


def test_stale_duplicate_and_invalid_messages():
    st = ControlState()
    a = change(st, "set", {"suspend_threshold": 0.95})
    apply_all(st, a)
    rival = change(ControlState(), "set", {"suspend_threshold": 0.7}, change_id="rival")
    assert rival[0]["version"] == 1
    assert st.apply(rival[0]) == "stale"               # same version, another change
    assert st.apply(a[0]) == "duplicate"              # redelivered: nothing changes
    old = dict(a[0], version=0)
    assert st.apply(old) == "invalid"
    assert st.apply({"name": "suspend_threshold", "value": 7, "version": 9}) == "invalid"
    assert st.apply({"name": "nope", "value": 1, "version": 9}) == "invalid"
    assert st.live["suspend_threshold"] == 0.95 and st.version == 1
    assert len(st.history()) == 1 and st.counts == {"applied": 1, "stale": 1, "duplicate": 1,
                                                    "invalid": 3}


def test_shadow_set_promote_discard():
    st = ControlState()
    apply_all(st, change(st, "shadow", {"suspend_threshold": 0.8}, reason="try"))
    assert st.shadow == {"suspend_threshold": 0.8}
    assert st.live["suspend_threshold"] == 0.9          # live untouched
    eff = st.shadow_values()
    assert eff["suspend_threshold"] == 0.8 and eff["min_wave_size"] == 4
    assert st.shadow_version == 1 and st.live_version == 0
    apply_all(st, change(st, "shadow", {"min_wave_size": 8}))   # merged into the candidates
    assert st.shadow == {"suspend_threshold": 0.8, "min_wave_size": 8}
    with pytest.raises(ValueError, match="must not exceed"):
        change(st, "shadow", {"challenge_threshold": 0.85})     # against the candidate 0.8
    msgs = change(st, "promote", reason="diff ok")
    assert {key_of(m) for m in msgs} == {"suspend_threshold", "min_wave_size",
                                         "shadow.suspend_threshold", "shadow.min_wave_size"}
    apply_all(st, msgs)
    assert st.live["suspend_threshold"] == 0.8 and st.live["min_wave_size"] == 8
    assert st.shadow == {} and st.shadow_values() is None and st.live_version == 3
    with pytest.raises(ConflictError):
        change(st, "promote")
    apply_all(st, change(st, "shadow", {"weight_lockstep": 2.0}))
    apply_all(st, change(st, "discard"))
    assert st.shadow == {} and st.live["weight_lockstep"] == 1.0
    assert change(st, "discard") == []
    modes = [(h["action"], h["mode"], h["name"]) for h in st.history()]
    assert ("promote", "live", "min_wave_size") in modes and ("discard", "shadow", "weight_lockstep") in modes


def test_confirm_surge_message():
    st = ControlState()
    got = []
    st.add_listener(on_confirm=lambda ts, v: got.append((ts, v)))
    assert got == []                                    # nothing confirmed yet: no replay call
    msgs = change(st, "confirm-surge", at=1566208800.5, reason="real attack")
    assert key_of(msgs[0]) == CONFIRM_KEY and msgs[0]["mode"] == "breaker"
    apply_all(st, msgs)
    assert st.confirmed_at == 1566208800.5 and got == [(1566208800.5, 1)]
    assert st.live_version == 0                          # decisions' config_version unchanged
    with pytest.raises(ValueError):
        change(st, "confirm-surge")


def test_listeners_get_full_values_once_per_flush():
    st = ControlState()
    live, shadow = [], []
    st.add_listener(on_live=lambda v, ver: live.append((v["suspend_threshold"], ver)),
                    on_shadow=lambda v, ver: shadow.append(None if v is None else
                                                           (v["suspend_threshold"], ver)))
    assert live == [(0.9, 0)] and shadow == [None]       # replayed at registration
    for m in change(st, "set", {"suspend_threshold": 0.95, "challenge_threshold": 0.7}):
        st.apply(m, notify=False)
    assert st.flush() == {"live"}
    assert live == [(0.9, 0), (0.95, 1)]
    apply_all(st, change(st, "shadow", {"min_wave_size": 9}))
    apply_all(st, change(st, "set", {"suspend_threshold": 0.97}))
    assert shadow[-1] == (0.97, 3)                       # a live change moves the shadow config too


def test_a_failing_listener_does_not_break_the_state():
    st = ControlState()
    st.add_listener(on_live=lambda v, ver: 1 / 0, replay=False)
    assert apply_all(st, change(st, "set", {"min_wave_size": 5})) == ["applied"]


def test_history_merges_audit_records_and_is_bounded():
    st = ControlState(history_max=10)
    for i in range(30):
        msgs = change(st, "set", {"min_wave_size": 5 + i}, reason=f"r{i}")
        apply_all(st, msgs)
        assert st.record_audit(msgs[0]) is False          # already known from control
    h = st.history()
    assert len(h) <= 13 and h[-1]["new"] == 34 and h[-1]["old"] == 33 and h[-1]["reason"] == "r29"
    # a fresh worker whose control log was compacted still has history from the audit topic
    fresh = ControlState()
    fresh.record_audit(dict(msgs[0], version=30))
    assert fresh.history()[0]["changed_by"] == "alice" and fresh.live["min_wave_size"] == 4


def test_compacted_log_gives_the_same_state_as_the_full_log():
    """Races between two writers, then compaction (last message per key survives)."""
    r = random.Random(3)
    log = []                                     # (key, message) in offset order
    truth = ControlState()
    views = [ControlState(), ControlState()]     # two writers, each with a slightly old view
    names = ["suspend_threshold", "min_wave_size", "weight_identity", "burst_sensitivity"]
    values = {"suspend_threshold": lambda: round(r.uniform(0.8, 1.0), 2),
              "min_wave_size": lambda: r.randint(2, 50),
              "weight_identity": lambda: round(r.uniform(0, 3), 1),
              "burst_sensitivity": lambda: round(r.uniform(0.25, 4), 2)}
    for step in range(300):
        w = r.randrange(2)
        if r.random() < 0.5:                     # the writer catches up first
            for _, m in log:
                views[w].apply(m)
        if r.random() < 0.8:
            vals = {n: values[n]() for n in r.sample(names, r.randint(1, 2))}
            msgs = change(views[w], "set", vals)
        elif views[w].shadow:
            msgs = change(views[w], "promote")
        else:
            msgs = change(views[w], "shadow", {"min_wave_size": values["min_wave_size"]()})
        outcome = [truth.apply(m) for m in msgs]
        log += [(key_of(m), m) for m in msgs]
        if "stale" in outcome:                   # the writer re-asserts its keys (ControlWriter)
            for m in log:
                views[w].apply(m[1])
            keys = sorted({(m["mode"], m["name"]) for m in msgs})
            fix = build_change(views[w], "restore", keys=keys, changed_by="breakwater")
            assert all(truth.apply(m) == "applied" for m in fix)
            log += [(key_of(m), m) for m in fix]
    last = {}
    for i, (k, _) in enumerate(log):
        last[k] = i
    compacted = ControlState()
    for i, (k, m) in enumerate(log):
        if last[k] == i:
            compacted.apply(m)
    assert truth.counts["stale"] > 0
    assert compacted.live == truth.live and compacted.shadow == truth.shadow


# --------------------------------------------------------------------------- admin API

class FakeReader:
    ready = True


class FakeWriter:
    """Applies changes straight to the state (what the real writer does via Kafka)."""

    def __init__(self, state):
        self.state = state
        self.reader = FakeReader()
        self.published = []

    async def change(self, action, values=None, *, changed_by, reason=None, at=None):
        msgs = build_change(self.state, action, values, changed_by=changed_by, reason=reason, at=at)
        self.published += msgs
        for m in msgs:
            self.state.apply(m)
        return {"version": self.state.version, "live_version": self.state.live_version,
                "changed": [{k: m[k] for k in ("mode", "name", "old", "value")} for m in msgs],
                "unchanged": not msgs}


TOKEN = "s3cret-token-value"


def api(token=TOKEN, **kw):
    st = ControlState()
    w = FakeWriter(st)
    m = Metrics()
    return AdminAPI(Settings(admin_token=token), st, w, metrics=m, **kw), st, w, m


def call(a, method, route, body=b"", token=TOKEN, query=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    import orjson
    if isinstance(body, dict):
        body = orjson.dumps(body)
    return asyncio.run(a.handle(method, route, headers, query or {}, body))


def rejections(m, reason):
    return m.registry.get_sample_value("breakwater_config_rejections_total", {"reason": reason})


def test_get_config_needs_no_token_and_lists_the_allow_list():
    a, st, w, m = api()
    status, body, _ = call(a, "GET", "", token=None)
    assert status == 200 and body["version"] == 0 and body["live"] == defaults()
    assert body["settings"]["min_wave_size"]["min"] == 2 and body["shadow"] is None
    assert body["breaker"] is None


def test_put_config_applies_and_reports():
    a, st, w, m = api()
    status, body, _ = call(a, "PUT", "", {"values": {"suspend_threshold": 0.95},
                                          "reason": "INC-7", "changed_by": "bob"})
    assert status == 200 and body["version"] == 1
    assert body["changed"] == [{"mode": "live", "name": "suspend_threshold", "old": 0.9,
                                "value": 0.95}]
    status, body, _ = call(a, "GET", "/history")
    assert status == 200 and body["history"][0]["changed_by"] == "bob"


@pytest.mark.parametrize("token, status", [(None, 401), ("wrong", 401), (TOKEN + "x", 401),
                                           ("", 401)])
def test_writes_and_history_need_the_token(token, status):
    a, st, w, m = api()
    for method, route in (("PUT", ""), ("GET", "/history"), ("PUT", "/shadow"),
                          ("POST", "/promote"), ("POST", "/discard"), ("POST", "/confirm-surge")):
        got, body, hdrs = call(a, method, route, {"values": {"min_wave_size": 5}, "reason": "x",
                                                  "changed_by": "eve"}, token=token)
        assert got == status and "token" in body["error"] and hdrs.get("WWW-Authenticate") == "Bearer"
    assert rejections(m, "unauthorized") == 6 and rejections(m, "invalid") == 0
    assert w.published == [] and st.version == 0


def test_malformed_authorization_header():
    a, st, w, m = api()
    status, _, _ = asyncio.run(a.handle("PUT", "", {"Authorization": f"Basic {TOKEN}"}, {},
                                        b'{"values": {"min_wave_size": 5}}'))
    assert status == 401


def test_no_admin_token_configured_is_503():
    a, st, w, m = api(token="")
    status, body, _ = call(a, "PUT", "", {"values": {"min_wave_size": 5}, "reason": "x",
                                          "changed_by": "a"})
    assert status == 503 and "BREAKWATER_ADMIN_TOKEN" in body["error"]
    assert rejections(m, "unauthorized") == 1 and w.published == []


@pytest.mark.parametrize("body, fragment", [
    ({"values": {"suspend_threshold": 2}, "reason": "x", "changed_by": "a"}, "above the maximum"),
    ({"values": {"sketch_width": 2}, "reason": "x", "changed_by": "a"}, "not a live-tunable"),
    ({"values": {"min_wave_size": 5}, "changed_by": "a"}, "'reason' is required"),
    ({"values": {"min_wave_size": 5}, "reason": "x"}, "'changed_by'"),
    ({"values": {}, "reason": "x", "changed_by": "a"}, "non-empty"),
    ({"values": {"min_wave_size": 5}, "reason": "x", "changed_by": "a", "token": 1}, "unknown field"),
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
])
def test_invalid_changes_are_400_and_counted(body, fragment):
    a, st, w, m = api()
    status, out, _ = call(a, "PUT", "", body)
    assert status == 400 and fragment in out["error"]
    assert rejections(m, "invalid") == 1 and w.published == [] and st.history() == []


def test_token_never_logged(caplog):
    a, st, w, m = api()
    with caplog.at_level("WARNING"):
        call(a, "PUT", "", {"values": {"min_wave_size": 1}, "reason": "x", "changed_by": "a"})
        call(a, "PUT", "", {"values": {"min_wave_size": 5}}, token=TOKEN[:-1])
    assert caplog.records and TOKEN[:-1] not in caplog.text


def test_shadow_promote_discard_via_api():
    a, st, w, m = api()
    assert call(a, "POST", "/promote", {"changed_by": "a"})[0] == 409
    status, body, _ = call(a, "PUT", "/shadow", {"values": {"min_wave_size": 7}, "changed_by": "a"})
    assert status == 200 and st.shadow == {"min_wave_size": 7}
    assert call(a, "GET", "", token=None)[1]["shadow"] == {"min_wave_size": 7}
    assert call(a, "POST", "/promote", {"changed_by": "a", "reason": "ok"})[0] == 200
    assert st.live["min_wave_size"] == 7 and not st.shadow
    call(a, "PUT", "/shadow", {"values": {"min_wave_size": 9}, "changed_by": "a"})
    status, body, _ = call(a, "POST", "/discard", {"changed_by": "a"})
    assert status == 200 and not st.shadow and st.live["min_wave_size"] == 7


def test_confirm_surge_uses_the_breaker_event_time():
    status = {"tripped": False, "last_ts": 1566208800.0}
    a, st, w, m = api(breaker=lambda: status)
    assert call(a, "POST", "/confirm-surge", {"changed_by": "a"})[0] == 409
    status["tripped"] = True
    got, body, _ = call(a, "POST", "/confirm-surge", {"changed_by": "a", "reason": "real"})
    assert got == 200 and st.confirmed_at == 1566208800.0
    assert call(a, "GET", "", token=None)[1]["breaker"]["tripped"] is True
    a2, *_ = api()
    assert call(a2, "POST", "/confirm-surge", {"changed_by": "a"})[0] == 501


def test_diff():
    a, *_ = api()
    assert call(a, "GET", "/diff", token=None)[0] == 501

    async def report(window):
        return {"live": {"suspend": 3}, "shadow": {"suspend": 5}, "window": window}
    a, *_ = api(shadow_report=report)
    status, body, _ = call(a, "GET", "/diff", token=None, query={"window": "600"})
    assert status == 200 and body["report"]["window"] == 600.0
    assert call(a, "GET", "/diff", token=None, query={"window": "-1"})[0] == 400


def test_unknown_paths_and_methods():
    a, *_ = api()
    assert call(a, "GET", "/nope")[0] == 404
    status, _, hdrs = call(a, "DELETE", "")
    assert status == 405 and hdrs["Allow"] == "GET, PUT"


def test_not_ready_is_503():
    a, st, w, m = api()
    w.reader.ready = False
    a.ready = lambda: False
    status, body, _ = call(a, "PUT", "", {"values": {"min_wave_size": 5}, "reason": "x",
                                          "changed_by": "a"})
    assert status == 503 and w.published == []


# --------------------------------------------------------------------------- CLI

def test_cli_parses_every_action():
    from streams.cli import build_parser
    p = build_parser()
    a = p.parse_args(["config", "set", "suspend_threshold=0.95", "min_wave_size=6", "--reason", "x"])
    assert a.values == [("suspend_threshold", "0.95"), ("min_wave_size", "6")]
    for argv in (["get"], ["history"], ["shadow", "a=1"], ["promote"], ["discard"],
                 ["diff", "--window", "60"], ["confirm-surge", "--reason", "r"]):
        assert callable(p.parse_args(["config"] + argv).func)
    with pytest.raises(SystemExit):
        p.parse_args(["config", "set", "a=1"])           # --reason is required
    with pytest.raises(SystemExit):
        p.parse_args(["config", "set", "novalue", "--reason", "x"])


def test_cli_reports_refusals(monkeypatch, capsys):
    from streams.cli import main
    monkeypatch.delenv("BREAKWATER_ADMIN_TOKEN", raising=False)
    monkeypatch.delenv("BREAKWATER_ADMIN_TOKEN_FILE", raising=False)
    rc = main(["config", "set", "min_wave_size=5", "--reason", "x", "--user", "a",
               "--url", "http://127.0.0.1:9"])
    assert rc == 1 and "no admin token" in capsys.readouterr().err
    monkeypatch.setenv("BREAKWATER_ADMIN_TOKEN", "t")
    rc = main(["config", "get", "--url", "http://127.0.0.1:9"])
    assert rc == 1 and "cannot reach" in capsys.readouterr().err
