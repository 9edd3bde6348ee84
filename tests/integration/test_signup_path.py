"""Issue 5: the synchronous signup check and `breakwater up`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import orjson
import pytest

from offline.simulate import generate
from streams.replay import replay_objects, strip_truth
from tests.conftest import free_port
from tests.integration.test_faults import wait_applied

pytestmark = pytest.mark.integration


def check(port: int, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/signup-check", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, orjson.loads(e.read())


def test_signup_check_contract(bw_env):
    _, port = bw_env.start_worker()
    events = list(generate(seed=21, hours=1.0, scenario="burst"))
    spam = [e for e in events if e["type"] == "signup" and e["truth"]["label"] == "spam"]
    held = spam[-1]  # a late member of a wave, checked synchronously instead of streamed
    rest = [e for e in events if e is not held]

    # before any traffic: a clean answer, and the signup is enqueued for the stream
    organic = next(e for e in events if e["type"] == "signup" and e["truth"]["label"] == "benign")
    t0 = time.perf_counter()
    status, ans = check(port, strip_truth(organic))
    took = time.perf_counter() - t0
    assert status == 200 and ans["decision"] == "allow" and ans["wave_id"] is None
    assert set(ans) >= {"decision", "score", "wave_id", "reasons", "config_version"}
    assert 0 <= ans["score"] <= 1 and isinstance(ans["reasons"], list) and ans["enqueued"] is True
    assert took < 1.0
    seen = bw_env.consume("signups", lambda r: any(x["account_id"] == organic["account_id"] for x in r))
    assert any(x["account_id"] == organic["account_id"] for x in seen), "the checked signup reached the stream"

    # invalid requests: 400 with the reason
    for body, word in ((b"{not json", "JSON"), (b'{"account_id": "a", "ts": 1}', "username"),
                       (b'{"type": "activity", "account_id": "a", "ts": 1, "action": "post"}', "type"),
                       (b"", "empty")):
        status, ans = check(port, body)
        assert status == 400 and word in ans["error"], (body, ans)

    # during a wave
    replay_objects(enumerate(rest, 1), bw_env.settings)
    wait_applied(port, len(rest) + 1, 90)
    mirror = dict(held, account_id=held["account_id"] + "9", event_id=None)
    mirror = {k: v for k, v in mirror.items() if v is not None}
    status, ans = check(port, strip_truth(mirror))
    assert status == 200 and ans["decision"] in ("challenge", "block"), ans
    assert ans["wave_id"] and ans["reasons"] and ans["score"] > 0.5
    assert not any("@" in r for r in ans["reasons"]), "no raw e-mail in reasons"


def test_breakwater_up_catches_waves_and_exits_cleanly(kafka, tmp_path):
    port = free_port()
    out = tmp_path / "summary.json"
    env = dict(os.environ, BREAKWATER_KAFKA_BOOTSTRAP=kafka, BREAKWATER_WEB_PORT=str(port),
               BREAKWATER_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-m", "streams.cli", "up", "--duration", "60", "--speed", "90",
                           "--summary-json", str(out), "--chart", str(tmp_path / "chart.png")],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(out.read_text())
    r = summary["report"]
    assert r["suspended_spam"] >= 50, r
    assert r["suspend_precision"] >= 0.95, r
    assert summary["accounts_into_wave_before_caught"], "at least one campaign was caught"
    assert (tmp_path / "chart.png").stat().st_size > 10_000
    time.sleep(1)
    workers = [pid for pid in subprocess.run(["pgrep", "-f", "streams.cli worker"], capture_output=True,
                                             text=True).stdout.split()
               if f"BREAKWATER_WEB_PORT={port}" in _environ(pid)]
    assert not workers, "no process of the demo is left behind"


def _environ(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
