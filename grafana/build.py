"""Generate Breakwater's Grafana dashboards (``grafana/dashboards/*.json``).

The dashboards are written from this file so that every panel gets the same
datasource variable, a unit and a description, and so that their PromQL can be
checked against ``streams.metrics`` (``tests/unit/test_observability.py``) and run
against a real Prometheus scraping a real worker (``tests/integration/test_prometheus.py``).

    python grafana/build.py           # write grafana/dashboards/*.json
    python grafana/build.py --check   # exit 1 if the committed JSON is not what this writes

Grafana loads them through ``grafana/provisioning/`` (docker-compose mounts both).
Only metric names from ``streams/metrics.py`` appear below, with the labels it declares.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "dashboards"

#: The decision-latency SLO (ingest → decision), seconds; the signup-check SLO.
DECISION_SLO = 0.2
CHECK_SLO = 0.01

DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'instance=~"$instance"'
RI = "$__rate_interval"


def q(expr: str, legend: str = "__auto", **extra) -> dict:
    return {"expr": expr, "legendFormat": legend, "datasource": DS, **extra}


def _thresholds(steps) -> dict:
    """``steps``: [(value or None, colour), ...] → Grafana absolute thresholds."""
    return {"mode": "absolute", "steps": [{"value": v, "color": c} for v, c in steps]}


def panel(kind: str, title: str, description: str, unit: str, targets: list[dict], *,
          w: int = 12, h: int = 8, min=None, max=None, thresholds=None, mappings=None,
          custom=None, options=None, decimals=None) -> dict:
    defaults = {"unit": unit, "color": {"mode": "palette-classic"}}
    if kind in ("stat", "gauge", "state-timeline"):
        defaults["color"] = {"mode": "thresholds"}
    for key, val in (("min", min), ("max", max), ("mappings", mappings), ("decimals", decimals)):
        if val is not None:
            defaults[key] = val
    defaults["thresholds"] = _thresholds(thresholds or [(None, "green")])
    if custom:
        defaults["custom"] = custom
    for i, t in enumerate(targets):
        t["refId"] = chr(ord("A") + i)
    return {"type": kind, "title": title, "description": description, "datasource": DS,
            "gridPos": {"w": w, "h": h}, "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": options or {}, "targets": targets}


def timeseries(title, description, unit, targets, *, slo=None, stepped=False, stack=False, **kw):
    custom = {"lineWidth": 1, "fillOpacity": 10 if not stack else 40, "showPoints": "never",
              "spanNulls": False}
    if stepped:
        custom["lineInterpolation"] = "stepAfter"
    if stack:
        custom["stacking"] = {"mode": "normal", "group": "A"}
    if slo is not None:
        custom["thresholdsStyle"] = {"mode": "line+area"}
        kw["thresholds"] = [(None, "transparent"), (slo, "red")]
    options = {"legend": {"displayMode": "table", "placement": "right", "calcs": ["lastNotNull", "max"]},
               "tooltip": {"mode": "multi", "sort": "desc"}}
    return panel("timeseries", title, description, unit, targets, custom=custom, options=options, **kw)


def stat(title, description, unit, targets, *, w=4, h=4, **kw):
    options = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
               "colorMode": "value", "graphMode": "area", "textMode": "auto", "justifyMode": "auto"}
    return panel("stat", title, description, unit, targets, w=w, h=h, options=options, **kw)


def state_timeline(title, description, targets, mappings, *, w=12, h=6):
    options = {"showValue": "auto", "mergeValues": True, "rowHeight": 0.8,
               "legend": {"displayMode": "list", "placement": "bottom"}}
    return panel("state-timeline", title, description, "none", targets, w=w, h=h,
                 mappings=mappings, options=options, custom={"lineWidth": 0, "fillOpacity": 80})


def value_map(*pairs) -> list[dict]:
    """[(value, text, colour), ...] → one Grafana value mapping."""
    return [{"type": "value", "options": {str(v): {"text": t, "color": c, "index": i}
                                          for i, (v, t, c) in enumerate(pairs)}}]


UP_DOWN = value_map((0, "down", "red"), (1, "up", "green"))
BREAKER = value_map((0, "closed", "green"), (1, "open", "red"))


def quantile(qv: float, bucket: str, matchers: str, by: str = "le") -> str:
    return (f"histogram_quantile({qv}, sum by ({by}) "
            f"(rate({bucket}{{{matchers}}}[{RI}])))")


def lat(source: str) -> str:
    return f'source="{source}", {SEL}'


# --------------------------------------------------------------------------- dashboards

def oncall() -> dict:
    panels = [
        stat("Workers up", "Workers Prometheus scraped successfully at the last scrape (up == 1), "
             "of the selected instances.", "none",
             [q(f'sum(up{{job="breakwater", {SEL}}})', "up")], thresholds=[(None, "red"), (1, "green")]),
        stat("Input throughput", "Input messages consumed per second, all input topics and outcomes.",
             "eps", [q(f"sum(rate(breakwater_events_consumed_total{{{SEL}}}[{RI}]))", "events/s")]),
        stat("Decision p99 (ingest)", f"99th percentile of Kafka append → decision latency over all "
             f"workers. SLO: {DECISION_SLO * 1000:.0f} ms (red above).", "s",
             [q(quantile(0.99, "breakwater_decision_latency_seconds_bucket", lat("ingest")), "p99")],
             thresholds=[(None, "green"), (DECISION_SLO, "red")]),
        stat("Consumer lag", "Messages not yet consumed, summed over topics and partitions.",
             "short", [q(f"sum(breakwater_consumer_lag_messages{{{SEL}}})", "lag")],
             thresholds=[(None, "green"), (1000, "orange"), (100000, "red")]),
        stat("Dead letters", "Messages written to the dead-letter topic per second (invalid input).",
             "mps", [q(f"sum(rate(breakwater_dead_letters_total{{{SEL}}}[{RI}]))", "dead letters/s")],
             thresholds=[(None, "green"), (0.1, "orange"), (1, "red")]),
        stat("Circuit breaker", "Workers whose suspension circuit breaker is open (suspends degraded "
             "to challenges). 0 is normal.", "none",
             [q(f"sum(breakwater_circuit_breaker_open{{{SEL}}})", "open")],
             thresholds=[(None, "green"), (1, "red")]),
        state_timeline("Health of each worker", "up per worker: green when Prometheus could scrape "
                       "/metrics, red when not (crashed, hung or unreachable).",
                       [q(f'up{{job="breakwater", {SEL}}}', "{{instance}}")], UP_DOWN),
        state_timeline("Leader and recovery per worker", "leader: 1 on the worker that publishes "
                       "decisions. recovering: 1 while a worker restores its detector state.",
                       [q(f"breakwater_leader{{{SEL}}}", "leader {{instance}}"),
                        q(f"breakwater_recovering{{{SEL}}}", "recovering {{instance}}")],
                       value_map((0, "no", "transparent"), (1, "yes", "blue"))),
        timeseries("Throughput by topic and outcome", "Input messages consumed per second by topic "
                   "and outcome (valid, invalid, duplicate).", "eps",
                   [q(f"sum by (topic, outcome) (rate(breakwater_events_consumed_total{{{SEL}}}[{RI}]))",
                      "{{topic}} {{outcome}}")]),
        timeseries("Decisions by action and mode", "Decisions published to actions per second. "
                   "Shadow decisions are never enforced.", "ops",
                   [q(f"sum by (action, mode) (rate(breakwater_decisions_total{{{SEL}}}[{RI}]))",
                      "{{action}} {{mode}}")]),
        timeseries(f"Decision latency vs {DECISION_SLO * 1000:.0f} ms SLO",
                   "Percentiles of triggering event → decision. ingest: from the Kafka append time "
                   "(what the SLO covers); event_time: from the event's own ts (includes producer "
                   "delay; meaningless for replays of old traffic). Red line: the SLO.", "s",
                   [q(quantile(0.5, "breakwater_decision_latency_seconds_bucket", lat("ingest")), "p50 ingest"),
                    q(quantile(0.95, "breakwater_decision_latency_seconds_bucket", lat("ingest")), "p95 ingest"),
                    q(quantile(0.99, "breakwater_decision_latency_seconds_bucket", lat("ingest")), "p99 ingest"),
                    q(quantile(0.99, "breakwater_decision_latency_seconds_bucket", lat("event_time")),
                      "p99 event_time")], slo=DECISION_SLO),
        timeseries("Decisions within SLO", f"Share of decisions made within {DECISION_SLO * 1000:.0f} ms "
                   "of the Kafka append (from the histogram bucket at the SLO). Empty when no decisions.",
                   "percentunit",
                   [q(f'sum(rate(breakwater_decision_latency_seconds_bucket{{le="{DECISION_SLO}", '
                      f'{lat("ingest")}}}[{RI}])) / sum(rate(breakwater_decision_latency_seconds_count'
                      f'{{{lat("ingest")}}}[{RI}]))', "within SLO")], min=0, max=1),
        timeseries("Consumer lag by topic", "Messages not yet consumed, summed over partitions, per "
                   "topic. Rising lag with flat throughput means the workers cannot keep up.", "short",
                   [q(f"sum by (topic) (breakwater_consumer_lag_messages{{{SEL}}})", "{{topic}}")]),
        timeseries("Time since last progress", "Seconds since any consumed offset advanced, per worker. "
                   "/healthz fails after stall_seconds (60 s by default) while lag is above 0.", "s",
                   [q(f"breakwater_seconds_since_progress{{{SEL}}}", "{{instance}}")],
                   slo=60),
        timeseries("Invalid input by reason", "Input messages rejected by the contract per second, by "
                   "reason code (each also goes to dead-letter).", "mps",
                   [q(f"sum by (reason) (rate(breakwater_invalid_events_total{{{SEL}}}[{RI}]))",
                      "{{reason}}")]),
        timeseries("Dead letters by source topic", "Messages written to dead-letter per second, by the "
                   "topic they came from. Read the dead-letter topic for the reasons and offsets.", "mps",
                   [q(f"sum by (topic) (rate(breakwater_dead_letters_total{{{SEL}}}[{RI}]))", "{{topic}}")]),
        timeseries("Signup-check latency", f"Percentiles of POST /v1/signup-check. SLO: "
                   f"{CHECK_SLO * 1000:.0f} ms (red line).", "s",
                   [q(quantile(0.5, "breakwater_signup_check_duration_seconds_bucket", SEL), "p50"),
                    q(quantile(0.99, "breakwater_signup_check_duration_seconds_bucket", SEL), "p99")],
                   slo=CHECK_SLO),
        timeseries("Event-loop stalls", "p99 of how late a 10 ms timer fires on each worker's event "
                   "loop (what every signup check waits on top of its own work), and p99 of full "
                   "(generation 2) garbage-collector pauses. A check p99 above its SLO with a small "
                   "handler time points here.", "s",
                   [q(quantile(0.99, "breakwater_event_loop_lag_seconds_bucket", SEL, by="le, instance"),
                      "loop lag p99 {{instance}}"),
                    q(quantile(0.99, "breakwater_gc_pause_seconds_bucket", f'{SEL}, generation="2"',
                               by="le, instance"), "gen-2 GC p99 {{instance}}")],
                   slo=CHECK_SLO),
        timeseries("Signup checks by decision", "Signup checks answered per second by decision "
                   "(error = bad request), and checked signups that could not be enqueued to Kafka.",
                   "reqps",
                   [q(f"sum by (decision) (rate(breakwater_signup_checks_total{{{SEL}}}[{RI}]))",
                      "{{decision}}"),
                    q(f"sum(rate(breakwater_signup_check_enqueue_failures_total{{{SEL}}}[{RI}]))",
                      "enqueue failures")]),
        timeseries("Detector state entries", "Entries held in detector state, by structure (max "
                   "over workers). Bounded by design: steady growth is a leak.", "short",
                   [q(f"max by (structure) (breakwater_state_entries{{{SEL}}})", "{{structure}}")], w=8),
        timeseries("State snapshot size", "Size of each worker's last detector-state snapshot.",
                   "bytes", [q(f"breakwater_state_bytes{{{SEL}}}", "{{instance}}")], w=8),
        timeseries("Last recovery duration", "How long each worker's last state recovery took "
                   "(restart or rebalance).", "s",
                   [q(f"breakwater_recovery_seconds{{{SEL}}}", "{{instance}}")], w=8),
        timeseries("Engine errors, late and redelivered events", "engine errors: events the "
                   "detection engine raised on (dead-lettered; any is a bug). late: events that reached "
                   "the detectors after a newer one (event-time order broken beyond alignment). "
                   "redelivered: events forwarded twice after a rebalance and dropped as repeats "
                   "(expected around restarts). Max over workers: every worker runs the engine.", "eps",
                   [q(f"max(rate(breakwater_engine_errors_total{{{SEL}}}[{RI}]))", "engine errors"),
                    q(f"max(rate(breakwater_late_events_total{{{SEL}}}[{RI}]))", "late"),
                    q(f"max(rate(breakwater_redelivered_events_total{{{SEL}}}[{RI}]))", "redelivered")],
                   w=24, h=6),
    ]
    return dashboard("breakwater-oncall", "Breakwater / On-call overview",
                     "Is Breakwater keeping up and deciding within its SLO? Throughput, lag, latency, "
                     "errors, dead letters and the health of each worker.", panels)


def waves() -> dict:
    live = f'mode="live", {SEL}'
    panels = [
        stat("Forming waves", "Waves being assembled now (not yet confirmed). Every worker runs the "
             "same engine over all signups, so this is the max over workers.",
             "short", [q(f'max(breakwater_waves{{state="forming", {SEL}}})', "forming")]),
        stat("Active waves", "Confirmed waves still open (their members are being suspended).",
             "short", [q(f'max(breakwater_waves{{state="active", {SEL}}})', "active")]),
        stat("Waves confirmed", "Waves confirmed in the selected time range.", "short",
             [q(f"sum(increase(breakwater_waves_confirmed_total{{{SEL}}}[$__range]))", "confirmed")]),
        stat("Live suspensions", "Live suspend decisions in the selected time range.", "short",
             [q(f'sum(increase(breakwater_decisions_total{{action="suspend", {live}}}[$__range]))',
                "suspensions")]),
        stat("Label precision", "Online estimate of suspension precision from moderator labels "
             "(max over workers; all see every label).", "percentunit",
             [q(f"max(breakwater_label_precision{{{SEL}}})", "precision")], min=0, max=1,
             thresholds=[(None, "red"), (0.8, "orange"), (0.95, "green")]),
        stat("Label recall", "Online estimate of recall from spam labels (max over workers).",
             "percentunit", [q(f"max(breakwater_label_recall{{{SEL}}})", "recall")], min=0, max=1,
             thresholds=[(None, "red"), (0.5, "orange"), (0.8, "green")]),
        timeseries("Waves open by state", "Waves currently open: forming (candidate) and active "
                   "(confirmed); max over workers (all run the same engine).", "short",
                   [q(f"max by (state) (breakwater_waves{{{SEL}}})", "{{state}}")], stepped=True),
        timeseries("Waves confirmed per hour", "Rate of wave confirmations, scaled to waves per hour.",
                   "short", [q(f"sum(rate(breakwater_waves_confirmed_total{{{SEL}}}[{RI}])) * 3600",
                               "waves/h")]),
        panel("heatmap", "Wave size at confirmation", "How many accounts each wave had when it was "
              "confirmed (histogram buckets per interval).", "short",
              [q(f"sum by (le) (increase(breakwater_wave_size_accounts_bucket{{{SEL}}}[{RI}]))",
                 "{{le}}", format="heatmap")],
              options={"calculate": False, "yAxis": {"unit": "short"}, "cellGap": 1,
                       "color": {"mode": "scheme", "scheme": "Oranges"}}),
        timeseries("Wave size percentiles", "Median and 90th percentile of wave size at confirmation "
                   "(accounts).", "short",
                   [q(quantile(0.5, "breakwater_wave_size_accounts_bucket", SEL), "p50"),
                    q(quantile(0.9, "breakwater_wave_size_accounts_bucket", SEL), "p90")]),
        timeseries("Suspensions and challenges over time", "Live decisions per minute by action "
                   "(suspend, challenge, release).", "cpm",
                   [q(f"sum by (action) (rate(breakwater_decisions_total{{{live}}}[{RI}])) * 60",
                      "{{action}}")], stack=True),
        timeseries("Label-based precision and recall", "Online estimates per worker, from moderator "
                   "labels: precision of suspensions, recall of spam labels.", "percentunit",
                   [q(f"breakwater_label_precision{{{SEL}}}", "precision {{instance}}"),
                    q(f"breakwater_label_recall{{{SEL}}}", "recall {{instance}}")], min=0, max=1),
        timeseries("Labels received", "Label events learned from, per minute, by label (max over workers: "
                   "every worker learns from every label).", "cpm",
                   [q(f"max by (label) (rate(breakwater_labels_total{{{SEL}}}[{RI}])) * 60", "{{label}}")],
                   w=24),
    ]
    return dashboard("breakwater-waves", "Breakwater / Waves",
                     "What Breakwater is catching: forming and confirmed waves, their sizes, "
                     "suspensions and challenges, and how labels rate them.", panels)


def tuning() -> dict:
    panels = [
        stat("Live config version", "Highest live settings version any worker decides with.", "none",
             [q(f'max(breakwater_config_version{{mode="live", {SEL}}})', "live")], w=6),
        stat("Shadow config version", "Highest shadow (candidate) settings version.", "none",
             [q(f'max(breakwater_config_version{{mode="shadow", {SEL}}})', "shadow")], w=6),
        stat("Config version skew", "Live version spread across workers (max − min). Above 0 for "
             "more than a moment means a worker missed a control message.", "none",
             [q(f'max(breakwater_config_version{{mode="live", {SEL}}}) - '
                f'min(breakwater_config_version{{mode="live", {SEL}}})', "skew")],
             thresholds=[(None, "green"), (1, "red")], w=6),
        stat("Circuit breaker open", "Workers whose suspension circuit breaker is open (suspends "
             "degraded to challenges).", "none",
             [q(f"sum(breakwater_circuit_breaker_open{{{SEL}}})", "open")],
             thresholds=[(None, "green"), (1, "red")], w=6),
        panel("bargauge", "Current live thresholds", "Value of each live-tunable setting now (live "
              "mode), as the workers report it.", "none",
              [q(f'max by (name) (breakwater_threshold{{mode="live", {SEL}}})', "{{name}}",
                 instant=True)], w=24, h=7,
              options={"orientation": "horizontal", "displayMode": "basic", "showUnfilled": True,
                       "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}),
        timeseries("Threshold history, live vs shadow", "Every live-tunable setting over time, live "
                   "and shadow; steps are changes made through the control topic.", "none",
                   [q(f"max by (name, mode) (breakwater_threshold{{{SEL}}})", "{{name}} ({{mode}})")],
                   stepped=True, w=24, h=9),
        timeseries("Config version per worker", "Live and shadow settings version reported by each "
                   "worker.", "none",
                   [q(f"breakwater_config_version{{{SEL}}}", "{{instance}} {{mode}}")], stepped=True),
        state_timeline("Circuit breaker per worker", "closed: suspends are enforced; open: the breaker "
                       "degrades suspends to challenges.",
                       [q(f"breakwater_circuit_breaker_open{{{SEL}}}", "{{instance}}")], BREAKER),
        timeseries("Live vs shadow decisions", "Decisions per minute by action and mode: what the "
                   "candidate (shadow) settings would do next to what the live ones do.", "cpm",
                   [q(f"sum by (action, mode) (rate(breakwater_decisions_total{{{SEL}}}[{RI}])) * 60",
                      "{{action}} {{mode}}")]),
        timeseries("Shadow minus live, by action", "Difference in decisions per minute a switch to the "
                   "shadow settings would make (positive = more).", "cpm",
                   [q(f'(sum by (action) (rate(breakwater_decisions_total{{mode="shadow", {SEL}}}[{RI}])) '
                      f'- sum by (action) (rate(breakwater_decisions_total{{mode="live", {SEL}}}[{RI}]))) '
                      f'* 60', "{{action}}")]),
        timeseries("Rejected setting changes", "Live-setting changes rejected per minute, by reason "
                   "(unauthorized, invalid).", "cpm",
                   [q(f"sum by (reason) (rate(breakwater_config_rejections_total{{{SEL}}}[{RI}])) * 60",
                      "{{reason}}")], w=24),
    ]
    return dashboard("breakwater-tuning", "Breakwater / Tuning",
                     "Live settings: threshold values and their history, config versions, live vs "
                     "shadow decisions and the suspension circuit breaker.", panels)


#: Grafana annotation marking live config changes, on every dashboard.
CONFIG_CHANGE_ANNOTATION = {
    "name": "Config changes", "datasource": DS, "enable": True, "iconColor": "orange",
    "expr": f'changes(max(breakwater_config_version{{mode="live", {SEL}}})[5m:]) > 0',
    "step": "1m", "titleFormat": "live settings changed", "textFormat": "", "tagKeys": "",
}


def dashboard(uid: str, title: str, description: str, panels: list[dict]) -> dict:
    x = y = row_h = 0
    for i, p in enumerate(panels, 1):
        p["id"] = i
        w, h = p["gridPos"]["w"], p["gridPos"]["h"]
        if x + w > 24:
            x, y, row_h = 0, y + row_h, 0
        p["gridPos"].update(x=x, y=y)
        x, row_h = x + w, max(row_h, h)
    return {
        "uid": uid, "title": title, "description": description, "tags": ["breakwater"],
        "editable": True, "graphTooltip": 1, "schemaVersion": 39, "version": 1, "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"}, "timezone": "utc",
        "links": [{"type": "dashboards", "tags": ["breakwater"], "asDropdown": False,
                   "title": "Breakwater", "includeVars": True, "keepTime": True}],
        "annotations": {"list": [
            {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
             "hide": True, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
             "type": "dashboard"},
            dict(CONFIG_CHANGE_ANNOTATION)]},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0, "refresh": 1, "regex": "", "includeAll": False, "multi": False},
            {"name": "instance", "label": "Worker", "type": "query", "datasource": DS,
             "query": {"query": 'label_values(up{job="breakwater"}, instance)', "refId": "instance"},
             "definition": 'label_values(up{job="breakwater"}, instance)', "current": {},
             "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 1, "hide": 0},
        ]},
        "panels": panels,
    }


DASHBOARDS = {"oncall": oncall, "waves": waves, "tuning": tuning}


def build() -> dict[str, str]:
    """File name → JSON text of every dashboard."""
    return {f"breakwater-{name}.json": json.dumps(fn(), indent=2, ensure_ascii=False) + "\n"
            for name, fn in DASHBOARDS.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if grafana/dashboards differs from what would be written")
    args = ap.parse_args(argv)
    stale = []
    for name, text in build().items():
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            OUT.mkdir(exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date: {', '.join(stale)}: run python grafana/build.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
