"""Issue 7 on the real broker: live settings through the control topic, the admin API
and ``breakwater config``, with real worker processes.

(Named ``test_control_live.py``: ``tests/unit/test_control.py`` has the same basename
and neither test folder is a package.)

Workers are started with ``bw_env.start_worker()``. Before ``streams/app.py`` wires
the control pieces in, ``BREAKWATER_TEST_CONTROL_WRAPPER=1`` runs them from the
small wrapper at the bottom of this file instead (it adds ``install_control`` to
the app if ``create_app`` did not).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

TOKEN = "it-admin-token-7f3c"
REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- helpers

def start(env, port=None):
    if os.environ.get("BREAKWATER_TEST_CONTROL_WRAPPER") != "1":
        return env.start_worker(port)
    from tests.conftest import free_port, wait_ready
    port = port or free_port()
    logfile = env.tmp / f"worker-{port}.log"
    p = subprocess.Popen([sys.executable, "-m", "tests.integration.test_control_live"], cwd=REPO,
                         env=dict(os.environ, **env.vars, BREAKWATER_WEB_PORT=str(port)),
                         stdout=open(logfile, "ab"), stderr=subprocess.STDOUT,
                         start_new_session=True)
    env.workers.append(p)
    wait_ready(port, p, 90, logfile)
    return p, port


def http(port, method, path, body=None, token=TOKEN, timeout=10):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, headers=headers,
                                 data=None if body is None else orjson.dumps(body))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as e:
        raw = e.read() or b"{}"
        try:
            return e.code, orjson.loads(raw)
        except orjson.JSONDecodeError:
            return e.code, {"error": raw.decode(errors="replace")}


def get_config(port):
    status, body = http(port, "GET", "/v1/config", token=None)
    assert status == 200, body
    return body


def cli(*args, token=TOKEN, timeout=30):
    env = dict(os.environ)
    env.pop("BREAKWATER_ADMIN_TOKEN_FILE", None)
    if token:
        env["BREAKWATER_ADMIN_TOKEN"] = token
    else:
        env.pop("BREAKWATER_ADMIN_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "streams.cli", "config", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def metric(port, name, labels: dict) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{want}}}" if want else name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{want}}} not in /metrics")


def wait_for(pred, timeout, what, interval=0.1):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        got = pred()
        if got:
            return got
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def events_of(seed, hours, scenario="default", shift=0.0, prefix=""):
    """Simulated contract events (truth kept for the test, stripped by replay)."""
    from offline.simulate import generate
    from streams.contract import parse_time
    out = []
    for e in generate(seed=seed, hours=hours, scenario=scenario):
        e = dict(e)
        if shift:
            e["ts"] = parse_time(e["ts"]) + shift
        if prefix:
            e["account_id"] = prefix + e["account_id"]
        out.append(e)
    return out


def replay(env, events):
    from streams.replay import replay_objects
    return replay_objects(enumerate(events, 1), env.settings)


def actions_for(env, accounts: set, until, timeout=60):
    got = env.consume("actions", lambda r: until([a for a in r if a["account_id"] in accounts]),
                      timeout=timeout)
    return [a for a in got if a["account_id"] in accounts]


@pytest.fixture
def token_env(bw_env):
    bw_env.vars["BREAKWATER_ADMIN_TOKEN"] = TOKEN
    return bw_env


@pytest.fixture
def pair(token_env):
    """Two workers of one deployment with an admin token."""
    (p1, port1), (p2, port2) = start(token_env), start(token_env)
    for port in (port1, port2):
        wait_for(lambda: get_config(port)["ready"], 20, f"control state on {port}")
    return token_env, port1, port2


# --------------------------------------------------------------------------- tests

def test_cli_change_reaches_both_workers_within_2s(pair):
    env, port1, port2 = pair
    v0 = get_config(port1)["version"]
    seen: dict = {}

    def watch(port):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            c = get_config(port)
            if c["version"] > v0 and c["live"]["suspend_threshold"] == 0.97:
                seen[port] = (time.time(), c["live_version"])
                return
            time.sleep(0.01)

    watchers = [threading.Thread(target=watch, args=(p,)) for p in (port1, port2)]
    for w in watchers:
        w.start()
    t_cli = time.time()
    r = cli("set", "suspend_threshold=0.97", "min_wave_size=5", "--reason", "INC-7 test",
            "--user", "it-alice", "--url", f"http://127.0.0.1:{port1}")
    t_done = time.time()
    for w in watchers:
        w.join(35)
    assert r.returncode == 0, r.stderr
    assert "suspend_threshold" in r.stdout and "0.97" in r.stdout
    assert set(seen) == {port1, port2}, f"seen on {sorted(seen)} only"
    from streams.contract import parse_time
    status, hist = http(port2, "GET", "/v1/config/history")
    change = [h for h in hist["history"] if h["version"] == v0 + 1]
    assert {h["name"] for h in change} == {"suspend_threshold", "min_wave_size"}
    published = parse_time(change[0]["changed_at"])
    lat = {p: seen[p][0] - published for p in seen}
    print(f"\npropagation of a CLI change (publish -> visible in GET /v1/config): "
          f"worker 1 {lat[port1] * 1000:.0f} ms, worker 2 {lat[port2] * 1000:.0f} ms; "
          f"CLI round trip {t_done - t_cli:.2f} s")
    assert max(lat.values()) < 2.0
    assert seen[port1][1] == seen[port2][1] == v0 + 1
    for port in (port1, port2):
        assert metric(port, "breakwater_config_version", {"mode": "live"}) == v0 + 1
        assert metric(port, "breakwater_threshold", {"mode": "live", "name": "suspend_threshold"}) == 0.97


def test_rejected_changes_appear_nowhere_but_in_the_counter(pair):
    env, port1, port2 = pair
    before = get_config(port1)
    _, hist0 = http(port1, "GET", "/v1/config/history")
    unauth0 = metric(port1, "breakwater_config_rejections_total", {"reason": "unauthorized"})
    invalid0 = metric(port1, "breakwater_config_rejections_total", {"reason": "invalid"})
    body = {"values": {"min_wave_size": 3}, "reason": "x", "changed_by": "mallory"}

    assert http(port1, "PUT", "/v1/config", body, token=None)[0] == 401
    assert http(port1, "PUT", "/v1/config", body, token="not-the-token")[0] == 401
    assert http(port1, "GET", "/v1/config/history", token=None)[0] == 401
    r = cli("set", "min_wave_size=3", "--reason", "x", "--user", "m", "--url",
            f"http://127.0.0.1:{port1}", token="wrong")
    assert r.returncode == 1 and "401" in r.stderr
    status, out = http(port1, "PUT", "/v1/config", {**body, "values": {"suspend_threshold": 3}})
    assert status == 400 and "above the maximum" in out["error"]
    status, out = http(port1, "PUT", "/v1/config", {**body, "values": {"sketch_width": 3}})
    assert status == 400 and "not a live-tunable setting" in out["error"]
    r = cli("set", "min_wave_size=1", "--reason", "x", "--user", "m", "--url",
            f"http://127.0.0.1:{port1}")
    assert r.returncode == 1 and "400" in r.stderr and "below the minimum 2" in r.stderr
    r = cli("shadow", "challenge_threshold=0.99", "--user", "m", "--url", f"http://127.0.0.1:{port1}")
    assert r.returncode == 1 and "must not exceed" in r.stderr

    assert metric(port1, "breakwater_config_rejections_total", {"reason": "unauthorized"}) == unauth0 + 4
    assert metric(port1, "breakwater_config_rejections_total", {"reason": "invalid"}) == invalid0 + 4
    time.sleep(1.0)   # anything published would have arrived by now
    for port in (port1, port2):
        c = get_config(port)
        assert c["version"] == before["version"] and c["live"] == before["live"]
        assert c["shadow"] == before["shadow"]
        _, hist = http(port, "GET", "/v1/config/history")
        assert hist["history"] == hist0["history"]
    on_topics = env.consume("control", lambda r: False, timeout=2) + \
        env.consume("control-audit", lambda r: False, timeout=2)
    assert not [m for m in on_topics if m.get("changed_by") in ("mallory", "m")]
    log = "".join(p.read_text(errors="replace") for p in env.tmp.glob("worker-*.log"))
    assert "not-the-token" not in log and "rejected PUT /v1/config" in log


def test_history_shows_every_accepted_change(pair):
    env, port1, port2 = pair
    url = f"http://127.0.0.1:{port1}"
    v0 = get_config(port1)["version"]
    steps = [("set", "weight_identity=1.5", "--reason", "more identity"),
             ("shadow", "suspend_threshold=0.8", "--reason", "try lower"),
             ("promote", "--reason", "diff looked fine"),
             ("shadow", "min_wave_size=12"),
             ("discard", "--reason", "not needed"),
             ("set", "lockstep_enabled=false", "--reason", "lockstep noisy")]
    for step in steps:
        r = cli(*step, "--user", "it-bob", "--url", url)
        assert r.returncode == 0, (step, r.stderr)
    c2 = wait_for(lambda: (lambda c: c if c["version"] == v0 + len(steps) else None)(get_config(port2)),
                  5, "the last change on worker 2")
    assert c2["live"]["weight_identity"] == 1.5 and c2["live"]["suspend_threshold"] == 0.8
    assert c2["live"]["lockstep_enabled"] is False and c2["shadow"] is None
    r = cli("history", "--json", "--url", f"http://127.0.0.1:{port2}")
    assert r.returncode == 0, r.stderr
    hist = [h for h in orjson.loads(r.stdout)["history"] if h["version"] > v0]
    got = [(h["version"] - v0, h["action"], h["mode"], h["name"], h["old"], h["new"]) for h in hist]
    assert got == [
        (1, "set", "live", "weight_identity", 1.0, 1.5),
        (2, "shadow", "shadow", "suspend_threshold", None, 0.8),
        (3, "promote", "live", "suspend_threshold", 0.9, 0.8),
        (3, "promote", "shadow", "suspend_threshold", 0.8, None),
        (4, "shadow", "shadow", "min_wave_size", None, 12),
        (5, "discard", "shadow", "min_wave_size", 12, None),
        (6, "set", "live", "lockstep_enabled", True, False),
    ]
    assert all(h["changed_by"] == "it-bob" and h["changed_at"].endswith("Z") for h in hist)
    assert hist[0]["reason"] == "more identity" and hist[-1]["reason"] == "lockstep noisy"
    table = cli("history", "--url", url)
    assert table.returncode == 0 and "weight_identity" in table.stdout and "1 -> 1.5" in table.stdout
    audit = env.consume("control-audit", lambda r: len(r) >= v0 + 7, timeout=10)
    assert {(a["version"] - v0, a["name"]) for a in audit if a["version"] > v0} == \
        {(g[0], g[3]) for g in got}
    assert cli("get", "--url", url).returncode == 0


def test_decisions_after_a_change_carry_its_version(pair):
    """Waits on the integration in streams/detect.py (engine fed by ControlState)."""
    env, port1, port2 = pair
    r = cli("set", "min_wave_size=3", "--reason", "versions", "--user", "it", "--url",
            f"http://127.0.0.1:{port1}")
    assert r.returncode == 0, r.stderr
    v = get_config(port1)["live_version"]
    wait_for(lambda: get_config(port2)["live_version"] == v, 2, "worker 2")
    events = events_of(seed=11, hours=0.5, prefix="v-")
    accounts = {e["account_id"] for e in events}
    replay(env, events)
    acts = actions_for(env, accounts, lambda a: len(a) >= 20, timeout=90)
    assert len(acts) >= 20, f"only {len(acts)} decisions for the replayed events"
    assert {a["config_version"] for a in acts if a["mode"] == "live"} == {v}


def test_shadow_decisions_never_reach_live_enforcement(pair):
    """Waits on the integration (a shadow engine fed by on_shadow; mode 'shadow' on actions)."""
    env, port1, port2 = pair
    url = f"http://127.0.0.1:{port1}"
    # live: never suspend; shadow candidate: the defaults, which suspend waves
    r = cli("set", "min_wave_size=10000", "suspend_threshold=1.0", "--reason", "shadow test",
            "--user", "it", "--url", url)
    assert r.returncode == 0, r.stderr
    r = cli("shadow", "min_wave_size=4", "suspend_threshold=0.9", "--user", "it", "--url", url)
    assert r.returncode == 0, r.stderr
    c = get_config(port1)
    assert c["shadow"] == {"min_wave_size": 4, "suspend_threshold": 0.9}
    events = events_of(seed=12, hours=0.5, prefix="s-")
    accounts = {e["account_id"] for e in events}
    replay(env, events)
    acts = actions_for(env, accounts,
                       lambda a: sum(x["mode"] == "shadow" and x["action"] == "suspend" for x in a) >= 10,
                       timeout=90)
    shadow_suspends = [a for a in acts if a["mode"] == "shadow" and a["action"] == "suspend"]
    assert len(shadow_suspends) >= 10, "the shadow candidates suspended nobody"
    assert {a["config_version"] for a in shadow_suspends} == {c["shadow_version"]}
    assert not [a for a in acts if a["mode"] == "live" and a["action"] == "suspend"]
    assert metric(port1, "breakwater_config_version", {"mode": "shadow"}) == c["shadow_version"]
    diff = cli("diff", "--window", "3600", "--json", "--url", url)
    assert diff.returncode == 0, diff.stderr
    assert orjson.loads(diff.stdout)["report"]
    assert cli("discard", "--user", "it", "--url", url).returncode == 0


def test_restarted_worker_decides_with_the_new_settings_from_its_first_decision(token_env):
    """Needs the detect loop gated on ``reader.wait_ready()`` and the engine fed by it."""
    env = token_env
    proc, port = start(env)
    url = f"http://127.0.0.1:{port}"
    r = cli("set", "min_wave_size=10000", "suspend_threshold=1.0", "--reason", "restart test",
            "--user", "it", "--url", url)
    assert r.returncode == 0, r.stderr
    v = get_config(port)["live_version"]
    proc.terminate()
    proc.wait(30)
    _, port2 = start(env)
    c = get_config(port2)
    assert c["live_version"] == v and c["live"]["min_wave_size"] == 10000
    events = events_of(seed=13, hours=0.5, prefix="r-")
    accounts = {e["account_id"] for e in events}
    replay(env, events)
    acts = actions_for(env, accounts, lambda a: len(a) >= 10, timeout=90)
    assert acts, "no decisions after the restart"
    first = min(acts, key=lambda a: (a["decided_at"], a["ts"]))
    assert first["config_version"] == v
    assert {a["config_version"] for a in acts if a["mode"] == "live"} == {v}
    assert not [a for a in acts if a["mode"] == "live" and a["action"] == "suspend"]


def test_circuit_breaker_trips_on_a_surge_and_confirm_surge_lifts_it(token_env):
    """Needs the breaker in the live path (observe intended suspends, degrade while tripped,
    ``breaker=`` status for GET /v1/config, the metric, ``on_confirm`` -> ``confirm``).
    The breaker guards settings looser than the defaults (scope ``loosened``): an operator
    lowers the suspend threshold first."""
    env = token_env
    _, port = start(env)
    url = f"http://127.0.0.1:{port}"
    r = cli("set", "suspend_threshold=0.89", "--reason", "try a lower threshold", "--user", "it",
            "--url", url)
    assert r.returncode == 0, r.stderr
    st = wait_for(lambda: (lambda b: b if b and b.get("guarding") else None)(get_config(port)["breaker"]),
                  10, "the looser setting to arm the breaker")
    assert st["loosened"] == ["suspend_threshold"] and st["scope"] == "loosened"
    # 30 min of the burst scenario (a big wave at about minute 20), preceded by a quiet
    # warm-up of a few plain signups over 2.5 hours of event time
    surge = events_of(seed=14, hours=0.5, scenario="burst", prefix="b-")
    from streams.contract import parse_time
    t0 = parse_time(surge[0]["ts"])
    quiet = [{"type": "signup", "account_id": f"b-quiet-{i}", "ts": t0 - 9000 + i * 600,
              "username": f"quietuser{i:03d}x{i * 7919 % 1000}"} for i in range(15)]
    spam = [e for e in surge if e["type"] == "signup" and e.get("truth", {}).get("label") == "spam"]
    assert len(spam) > 200
    cut = surge.index(spam[len(spam) // 2])
    replay(env, quiet + surge[:cut])
    st = wait_for(lambda: (get_config(port).get("breaker") or {}).get("tripped") and get_config(port),
                  60, "the breaker to trip")["breaker"]
    print(f"\nbreaker tripped: {st['rate']} suspensions in {st['window_seconds']}s "
          f"(baseline {st['baseline']}, threshold {st['threshold']})")
    assert metric(port, "breakwater_circuit_breaker_open", {}) == 1
    accounts = {e["account_id"] for e in surge}
    degraded = actions_for(env, accounts, lambda a: any(x["action"] == "challenge" for x in a), 30)
    assert any(a["action"] == "challenge" and a["mode"] == "live" for a in degraded)

    r = cli("confirm-surge", "--reason", "real attack, checked by hand", "--user", "it", "--url", url)
    assert r.returncode == 0, r.stderr
    st = wait_for(lambda: (lambda b: b if b and not b["tripped"] else None)(get_config(port)["breaker"]),
                  2, "the confirmation to apply")
    assert st["confirmed"] and not st["open"] and metric(port, "breakwater_circuit_breaker_open", {}) == 0
    second = {e["account_id"] for e in surge[cut:]}
    replay(env, surge[cut:])
    after = actions_for(env, second, lambda a: any(x["action"] == "suspend" for x in a), 60)
    assert any(a["action"] == "suspend" and a["mode"] == "live" for a in after), \
        "no suspension went through after the confirmation"
    _, hist = http(port, "GET", "/v1/config/history")
    assert hist["history"][-1]["action"] == "confirm-surge"


def test_separate_admin_port(token_env):
    """With BREAKWATER_ADMIN_PORT the /v1/config routes move to that port (needs the
    ``admin_port`` Settings field)."""
    from tests.conftest import free_port
    env = token_env
    admin = free_port()
    env.vars["BREAKWATER_ADMIN_PORT"] = str(admin)
    _, port = start(env)
    status, body = http(admin, "GET", "/v1/config", token=None)
    assert status == 200 and body["ready"] in (True, False)
    assert http(port, "GET", "/v1/config", token=None)[0] == 404
    r = cli("set", "min_wave_size=6", "--reason", "admin port", "--user", "it", "--url",
            f"http://127.0.0.1:{admin}")
    assert r.returncode == 0, r.stderr


# --------------------------------------------------------------------------- wrapper

def _wrapper_worker() -> None:  # pragma: no cover - runs in the worker process
    """A worker whose app gets the control pieces if create_app did not add them."""
    from faust.worker import Worker

    from streams.admin import install_control
    from streams.app import create_app
    from streams.settings import Settings
    from streams.topics import create_topics

    s = Settings.from_env()
    create_topics(s, log=lambda m: print(m, file=sys.stderr))
    app = create_app(s)
    bw = app.breakwater
    if not any(k in bw for k in ("control", "control_state", "admin")):
        admin_port = int(os.environ.get("BREAKWATER_ADMIN_PORT") or 0)
        bw["control"] = install_control(app, s, bw["metrics"], admin_port=admin_port or None)
    Worker(app, loglevel="info", redirect_stdouts=False).execute_from_commandline()


if __name__ == "__main__":
    _wrapper_worker()
