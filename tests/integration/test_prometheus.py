"""Prometheus against the real thing: promtool checks the configs and rules and runs the
alert unit tests; then a real Prometheus (Debian's 2.42, on 127.0.0.1) scrapes a real
worker under simulated traffic on the real broker, and every PromQL expression of the
dashboards and rule files must parse and return data through the HTTP API.

Needs `prometheus` and `promtool` on PATH: `make prometheus` installs them (`make test`
does it first)."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("breakwater_promql", ROOT / "grafana" / "promql.py")
promql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(promql)

pytestmark = pytest.mark.integration

PROM = ROOT / "deploy" / "prometheus"


def tool(name: str) -> str:
    exe = shutil.which(name)
    if exe:
        return exe
    msg = f"{name} not found: run `make prometheus` (Debian package prometheus)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def run(*args, timeout=120) -> str:
    out = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(map(str, args))}:\n{out.stdout}\n{out.stderr}"
    return out.stdout + out.stderr


def test_promtool_check_config():
    out = run(tool("promtool"), "check", "config", PROM / "prometheus.yml", PROM / "prometheus-k8s.yml")
    assert out.count("SUCCESS") >= 4


def test_promtool_check_rules():
    files = promql.rule_files()
    out = run(tool("promtool"), "check", "rules", *files)
    assert out.count("SUCCESS") == len(files)


def test_promtool_test_rules():
    out = run(tool("promtool"), "test", "rules", PROM / "tests" / "alerts_test.yml")
    assert "SUCCESS" in out and "FAILED" not in out


# ----------------------------------------------------------------------------- live


class Prometheus:
    """A Prometheus process on 127.0.0.1 with its own config and storage; always stopped."""

    def __init__(self, tmp: Path, targets: list[str]):
        self.port = free_port()
        self.tmp = tmp
        self.config = tmp / "prometheus.yml"
        self.config.write_text(yaml.safe_dump({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(f) for f in promql.rule_files()],
            "scrape_configs": [{"job_name": "breakwater", "static_configs": [
                {"targets": targets, "labels": {"namespace": "it"}}]}],
        }))
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "Prometheus":
        run(tool("promtool"), "check", "config", self.config)
        self.log = open(self.tmp / "prometheus.log", "wb")
        self.proc = subprocess.Popen(
            [tool("prometheus"), f"--config.file={self.config}", f"--storage.tsdb.path={self.tmp / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--storage.tsdb.retention.time=1h",
             "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"prometheus exited:\n{self.logtail()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"prometheus not ready after {timeout}s:\n{self.logtail()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()

    def logtail(self) -> str:
        return (self.tmp / "prometheus.log").read_text(errors="replace")[-3000:]

    def api(self, path: str, **params) -> dict:
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        data = urllib.parse.urlencode(params).encode() if params else None
        try:
            with urllib.request.urlopen(url, data=data, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as exc:  # 400/422: the body says why
            return json.loads(exc.read())

    def query(self, expr: str) -> dict:
        return self.api("query", query=expr)


def traffic(seed: int = 5) -> list[dict]:
    """Half an hour of the 'burst' scenario, plus labels for a sample of its accounts."""
    from offline.simulate import generate
    events = list(generate(seed=seed, hours=0.5, scenario="burst"))
    last = events[-1]["ts"]
    signups = [e for e in events if e["type"] == "signup"]
    labels = [{"type": "label", "account_id": e["account_id"], "ts": last, "label": e["truth"]["label"],
               "source": "moderator"} for e in signups[::20]]
    return events + labels


INVALID = [  # (topic, value): one of each kind, so that invalid/dead-letter series move
    ("signups", b"{not json"),
    ("signups", b'{"account_id": "x1", "ts": "not a time", "username": "u"}'),
    ("activity", b'{"account_id": "x2", "ts": 1566208800}'),
    ("labels", b"\xff\xfe not utf-8"),
]


def post_checks(port: int, n: int = 5) -> None:
    for i in range(n):
        body = json.dumps({"account_id": f"check-{i}", "ts": time.time(), "username": f"check{i}"})
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/signup-check", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=5).read()
        except OSError:
            pass  # the counters and histograms are what matter here


@pytest.mark.timeout(240)
def test_every_dashboard_and_alert_expression_returns_data_from_a_real_worker(bw_env, tmp_path):
    from streams.replay import replay_objects
    t0 = time.monotonic()
    port = free_port()
    prom = Prometheus(tmp_path, [f"127.0.0.1:{port}"])
    prom.start()  # scrapes (and fails, up=0) until the worker answers
    feeder = None
    try:
        _, port = bw_env.start_worker(port=port)
        p = bw_env.producer()
        for topic, value in INVALID:
            p.send(bw_env.topic(topic), key=b"bad", value=value)
        p.flush()
        events = traffic()
        feeder = threading.Thread(target=replay_objects, daemon=True, kwargs=dict(
            objs=((n, obj) for n, obj in enumerate(events, 1)), s=bw_env.settings, max_rate=1500))
        feeder.start()
        post_checks(port)

        def value(expr: str) -> float:
            r = prom.query(expr)["data"]["result"]
            return float(r[0]["value"][1]) if r else 0.0

        exprs = [(where, promql.substitute(e)) for where, e in promql.expressions()]
        deadline = time.monotonic() + 75
        while True:
            failures = []
            for where, expr in exprs:
                raw = prom.query(expr)
                if raw.get("status") != "success":
                    failures.append(f"{where}: does not run: {raw.get('error')}\n    {expr}")
                    continue
                probe = prom.query(promql.probe(expr))
                if probe.get("status") != "success" or not probe["data"]["result"]:
                    failures.append(f"{where}: no data\n    {promql.probe(expr)}")
            moving = (value('sum(breakwater_events_consumed_total{outcome="valid"})') > 1000
                      and value("sum(breakwater_dead_letters_total)") >= len(INVALID)
                      and value("sum(breakwater_decisions_total)") > 0)
            if (not failures and moving) or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert not failures, (f"{len(failures)} of {len(exprs)} expressions fail after "
                              f"{time.monotonic() - t0:.0f}s:\n" + "\n".join(failures))
        assert moving, "traffic did not show up in the metrics"

        # what the on-call overview would show right now
        assert value('sum(up{job="breakwater"})') == 1
        assert value('sum(breakwater_dead_letters_total{topic="signups"})') >= 2
        assert value('sum(breakwater_invalid_events_total{reason="malformed_json"})') == 1
        assert value("sum(breakwater_signup_checks_total)") >= 1

        # every rule loaded and evaluated without error in a real Prometheus
        deadline = time.monotonic() + 10
        while True:
            rules = [r for g in prom.api("rules")["data"]["groups"] for r in g["rules"]]
            if all(r["health"] != "unknown" for r in rules) or time.monotonic() > deadline:
                break
            time.sleep(1)
        bad = [f"{r['name']}: {r['health']} {r.get('lastError', '')}" for r in rules if r["health"] != "ok"]
        n_rules = sum(len(g["rules"]) for f in promql.rule_files()
                      for g in yaml.safe_load(f.read_text())["groups"])
        assert len(rules) == n_rules
        assert not bad, "\n".join(bad)
        print(f"\n{len(exprs)} expressions returned data; {len(rules)} rules ok; "
              f"{time.monotonic() - t0:.1f}s")
    finally:
        prom.stop()
        if feeder is not None:
            feeder.join(timeout=30)
