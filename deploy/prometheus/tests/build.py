"""Write ``alerts_test.yml``: promtool unit tests for every alert in ``../rules/alerts.yml``.

Each case below gives input series, a time, and the alerts expected then (labels, and
the rendered ``$value`` where the annotations show it). The expected annotations are
taken from ``alerts.yml`` with ``{{ $labels.x }}`` filled in and any ``{{ ... $value ... }}``
replaced by the case's ``value`` string, so the text lives in one place while promtool
still checks that each template renders. Every alert has a firing case and a quiet one.

    python deploy/prometheus/tests/build.py            # write alerts_test.yml
    python deploy/prometheus/tests/build.py --check    # exit 1 if it is out of date
    promtool test rules deploy/prometheus/tests/alerts_test.yml
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parent / "rules"
OUT = HERE / "alerts_test.yml"

W = 'job="breakwater", namespace="breakwater"'


def s(name: str, labels: str, values: str) -> dict:
    return {"series": f"{name}{{{W}{', ' + labels if labels else ''}}}", "values": values}


BASE = {"job": "breakwater", "namespace": "breakwater"}


def fire(alert: str, at: str, labels: dict, value: str | None = None) -> dict:
    return {"alert": alert, "at": at, "labels": {**BASE, **labels}, "value": value}


def quiet(alert: str, at: str) -> dict:
    return {"alert": alert, "at": at, "labels": None}


# name, input series, expectations
CASES = [
    ("worker down after 2 minutes without a scrape", [
        s("up", 'instance="breakwater-0"', "1 1 0 0 0 0 0"),
        s("up", 'instance="breakwater-1"', "1x6"),
    ], [quiet("BreakwaterWorkerDown", "3m"),
        fire("BreakwaterWorkerDown", "6m", {"instance": "breakwater-0"})]),

    ("no leader, then exactly one", [
        s("breakwater_leader", 'instance="breakwater-0"', "1 1 0x6 1x6"),
        s("breakwater_leader", 'instance="breakwater-1"', "0x14"),
    ], [quiet("BreakwaterNoLeader", "1m"),
        fire("BreakwaterNoLeader", "6m", {}, "0"),
        quiet("BreakwaterNoLeader", "12m")]),

    ("two leaders", [
        s("breakwater_leader", 'instance="breakwater-0"', "1x6"),
        s("breakwater_leader", 'instance="breakwater-1"', "1x6"),
    ], [fire("BreakwaterNoLeader", "5m", {}, "2")]),

    ("stalled worker with lag fires; idle worker without lag does not", [
        s("breakwater_seconds_since_progress", 'instance="breakwater-0"', "0+60x10"),
        s("breakwater_consumer_lag_messages", 'instance="breakwater-0", topic="signups", partition="0"',
          "5x10"),
        s("breakwater_seconds_since_progress", 'instance="breakwater-1"', "0+60x10"),
        s("breakwater_consumer_lag_messages", 'instance="breakwater-1", topic="signups", partition="1"',
          "0x10"),
    ], [quiet("BreakwaterNoProgressWhileLagging", "2m"),
        fire("BreakwaterNoProgressWhileLagging", "5m", {"instance": "breakwater-0"}, "5m 0s")]),

    ("lag growing on signups; high but flat lag on activity", [
        s("breakwater_consumer_lag_messages", 'instance="breakwater-0", topic="signups", partition="0"',
          "0+100x40"),
        s("breakwater_consumer_lag_messages", 'instance="breakwater-0", topic="activity", partition="0"',
          "5000x40"),
    ], [quiet("BreakwaterLagGrowing", "15m"),
        fire("BreakwaterLagGrowing", "35m", {"topic": "signups"}, "1.7")]),

    ("decision p99 above the SLO", [
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="ingest", le="0.2"',
          "0x20"),
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="ingest", le="0.3"',
          "0x20"),
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="ingest", le="0.5"',
          "0+10x20"),
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="ingest", le="+Inf"',
          "0+10x20"),
    ], [quiet("BreakwaterDecisionLatencyHigh", "8m"),
        fire("BreakwaterDecisionLatencyHigh", "16m", {}, "498ms")]),

    ("decisions within the SLO", [
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="ingest", le="0.1"',
          "0+10x20"),
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="ingest", le="+Inf"',
          "0+10x20"),
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="event_time", le="0.1"',
          "0x20"),
        s("breakwater_decision_latency_seconds_bucket", 'instance="breakwater-0", source="event_time", le="+Inf"',
          "0+10x20"),
    ], [quiet("BreakwaterDecisionLatencyHigh", "16m")]),

    ("9% of signups dead-lettered; 0.02% of activity is not enough", [
        s("breakwater_dead_letters_total", 'instance="breakwater-0", topic="signups"', "0+60x30"),
        s("breakwater_events_consumed_total", 'instance="breakwater-0", topic="signups", outcome="valid"',
          "0+600x30"),
        s("breakwater_events_consumed_total", 'instance="breakwater-0", topic="signups", outcome="invalid"',
          "0+60x30"),
        s("breakwater_dead_letters_total", 'instance="breakwater-0", topic="activity"', "0+1x30"),
        s("breakwater_events_consumed_total", 'instance="breakwater-0", topic="activity", outcome="valid"',
          "0+6000x30"),
    ], [quiet("BreakwaterDeadLetters", "5m"),
        fire("BreakwaterDeadLetters", "25m", {"topic": "signups"}, "9.091%")]),

    ("suspensions jump to 30 a minute after a day at 1 a minute", [
        s("breakwater_decisions_total", 'instance="breakwater-0", action="suspend", mode="live"',
          "0+1x1440 1470+30x29"),
        s("breakwater_decisions_total", 'instance="breakwater-0", action="suspend", mode="shadow"',
          "0x1470"),
    ], [quiet("BreakwaterSuspensionRateFarAboveBaseline", "1430m"),
        quiet("BreakwaterSuspensionRateFarBelowBaseline", "1430m"),
        fire("BreakwaterSuspensionRateFarAboveBaseline", "1469m", {}, "0.50")]),

    ("suspensions stop after a day at 2 a minute", [
        s("breakwater_decisions_total", 'instance="breakwater-0", action="suspend", mode="live"',
          "0+2x1440 2880x240"),
    ], [quiet("BreakwaterSuspensionRateFarBelowBaseline", "1500m"),
        quiet("BreakwaterSuspensionRateFarAboveBaseline", "1680m"),
        fire("BreakwaterSuspensionRateFarBelowBaseline", "1680m", {})]),

    ("precision falls from 95% to 70% with labels arriving", [
        s("breakwater_label_precision", 'instance="breakwater-0"', "0.95x1440 0.7x60"),
        s("breakwater_labels_total", 'instance="breakwater-0", label="spam"', "0+1x1500"),
        s("breakwater_labels_total", 'instance="breakwater-0", label="benign"', "0x1500"),
    ], [quiet("BreakwaterLabelPrecisionDropping", "1440m"),
        fire("BreakwaterLabelPrecisionDropping", "1500m", {}, "70%")]),

    ("precision 12 points below its day's average (still above 80%)", [
        s("breakwater_label_precision", 'instance="breakwater-0"', "0.95x1440 0.83x60"),
        s("breakwater_labels_total", 'instance="breakwater-0", label="spam"', "0+1x1500"),
    ], [fire("BreakwaterLabelPrecisionDropping", "1500m", {}, "83%")]),

    ("precision low but too few labels to say", [
        s("breakwater_label_precision", 'instance="breakwater-0"', "0.7x100"),
        s("breakwater_labels_total", 'instance="breakwater-0", label="spam"', "0x100"),
    ], [quiet("BreakwaterLabelPrecisionDropping", "100m")]),

    ("circuit breaker opens on one worker", [
        s("breakwater_circuit_breaker_open", 'instance="breakwater-0"', "0 0 1 1 1 1"),
        s("breakwater_circuit_breaker_open", 'instance="breakwater-1"', "0x5"),
    ], [quiet("BreakwaterCircuitBreakerOpen", "2m"),
        fire("BreakwaterCircuitBreakerOpen", "5m", {})]),

    ("signup check p99 at 20 ms", [
        s("breakwater_signup_check_duration_seconds_bucket", 'instance="breakwater-0", le="0.01"', "0x20"),
        s("breakwater_signup_check_duration_seconds_bucket", 'instance="breakwater-0", le="0.02"', "0+100x20"),
        s("breakwater_signup_check_duration_seconds_bucket", 'instance="breakwater-0", le="+Inf"', "0+100x20"),
    ], [quiet("BreakwaterSignupCheckSlow", "5m"),
        fire("BreakwaterSignupCheckSlow", "15m", {}, "19.9ms")]),

    ("checked signups fail to reach Kafka", [
        s("breakwater_signup_check_enqueue_failures_total", 'instance="breakwater-0"', "0x3 0+5x10"),
    ], [quiet("BreakwaterSignupEnqueueFailures", "3m"),
        fire("BreakwaterSignupEnqueueFailures", "12m", {}, "0.08")]),

    ("a worker restores state for 20 minutes", [
        s("breakwater_recovering", 'instance="breakwater-0"', "1x20"),
        s("breakwater_recovering", 'instance="breakwater-1"', "1 1 0x18"),
    ], [quiet("BreakwaterRecoveryStuck", "10m"),
        fire("BreakwaterRecoveryStuck", "16m", {"instance": "breakwater-0"})]),

    ("the engine fails on a few events", [
        s("breakwater_engine_errors_total", 'instance="breakwater-0"', "0x5 1 2 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3"),
    ], [quiet("BreakwaterEngineErrors", "5m"),
        fire("BreakwaterEngineErrors", "9m", {}, "3"),
        quiet("BreakwaterEngineErrors", "25m")]),

    ("one worker misses a settings change", [
        s("breakwater_config_version", 'instance="breakwater-0", mode="live"', "3x12"),
        s("breakwater_config_version", 'instance="breakwater-1", mode="live"', "3 3 4x10"),
        s("breakwater_config_version", 'instance="breakwater-1", mode="shadow"', "0 0 9x10"),
    ], [quiet("BreakwaterConfigVersionSkew", "1m"),
        fire("BreakwaterConfigVersionSkew", "9m", {}, "1")]),
]

_LABEL = re.compile(r"\{\{\s*\$labels\.(\w+)\s*\}\}")
_VALUE = re.compile(r"\{\{[^}]*\$value[^}]*\}\}")


def load_alerts() -> dict[str, dict]:
    rules = yaml.safe_load((RULES / "alerts.yml").read_text())
    return {r["alert"]: r for g in rules["groups"] for r in g["rules"] if "alert" in r}


def render(text: str, labels: dict, value: str | None) -> str:
    text = _LABEL.sub(lambda m: labels.get(m.group(1), ""), text)
    if _VALUE.search(text):
        if value is None:
            raise ValueError(f"annotation shows $value but the case gives none: {text!r}")
        text = _VALUE.sub(value, text)
    return text


def build() -> str:
    alerts = load_alerts()
    tests = []
    covered = {"fire": set(), "quiet": set()}
    for name, series, expects in CASES:
        checks = []
        for e in expects:
            rule = alerts[e["alert"]]
            if e["labels"] is None:
                checks.append({"eval_time": e["at"], "alertname": e["alert"], "exp_alerts": []})
                covered["quiet"].add(e["alert"])
                continue
            labels = {**rule.get("labels", {}), **e["labels"]}
            ann = {k: render(v, labels, e["value"]) for k, v in rule["annotations"].items()}
            checks.append({"eval_time": e["at"], "alertname": e["alert"],
                           "exp_alerts": [{"exp_labels": labels, "exp_annotations": ann}]})
            covered["fire"].add(e["alert"])
        tests.append({"name": name, "interval": "1m", "input_series": series,
                      "alert_rule_test": checks})
    for kind, done in covered.items():
        missing = sorted(set(alerts) - done)
        if missing:
            raise SystemExit(f"alerts without a {kind} case: {', '.join(missing)}")
    doc = {"rule_files": ["../rules/recording.yml", "../rules/alerts.yml"],
           "evaluation_interval": "1m", "tests": tests}
    head = ("# GENERATED by deploy/prometheus/tests/build.py from its cases and rules/alerts.yml;\n"
            "# edit those and re-run it. Run: promtool test rules deploy/prometheus/tests/alerts_test.yml\n")
    return head + yaml.safe_dump(doc, sort_keys=False, width=120, allow_unicode=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="write the promtool unit tests of the alerts")
    ap.add_argument("--check", action="store_true", help="exit 1 if alerts_test.yml is out of date")
    args = ap.parse_args(argv)
    text = build()
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT.name} is out of date: run python deploy/prometheus/tests/build.py",
                  file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
