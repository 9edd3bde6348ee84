"""Prometheus metrics of a worker, served at ``/metrics`` on its web port.

Conventions: ``breakwater_`` prefix, base units (``_seconds``, ``_bytes``), counters
end in ``_total``, labels only from the small closed sets below (never account ids,
wave ids, IPs or e-mail addresses), every label combination initialised at start so
that rates and alerts see zeros rather than gaps.

This module is the single list of metric names: dashboards (``grafana/``) and alert
rules (``deploy/prometheus/``) use exactly these, and ``tests`` check both against it.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
import traceback

from prometheus_client import (
    CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest,
)
from prometheus_client import CONTENT_TYPE_LATEST  # noqa: F401  (re-exported for the view)

from streams.contract import REASON_CODES

stall_log = logging.getLogger("breakwater.stall")

disable_created_metrics()  # no *_created series: they double the scrape for nothing

# Closed label sets -------------------------------------------------------------
INPUT_TOPICS = ("signups", "activity", "labels")
CONSUMED_TOPICS = INPUT_TOPICS + ("control",)
OUTCOMES = ("valid", "invalid")
ACTIONS = ("suspend", "challenge", "release")
MODES = ("live", "shadow")
LATENCY_SOURCES = ("event_time", "ingest")
WAVE_STATES = ("forming", "active")
CHECK_DECISIONS = ("allow", "challenge", "block", "error")
LABELS = ("spam", "benign")

#: Buckets around the 200 ms decision SLO (and the 10 ms signup-check SLO).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5,
                   5.0, 10.0, 30.0, 60.0)
PAUSE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
CHECK_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)
WAVE_SIZE_BUCKETS = (3, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class Metrics:
    """All metrics of one worker, in a registry of its own."""

    def __init__(self, registry: CollectorRegistry | None = None):
        r = self.registry = registry or CollectorRegistry()
        self.events = Counter("breakwater_events_consumed_total",
                              "Input messages consumed, by topic and outcome.",
                              ["topic", "outcome"], registry=r)
        self.invalid = Counter("breakwater_invalid_events_total",
                               "Input messages rejected by the contract, by topic and reason.",
                               ["topic", "reason"], registry=r)
        self.dead_letters = Counter("breakwater_dead_letters_total",
                                    "Messages written to the dead-letter topic, by source topic.",
                                    ["topic"], registry=r)
        self.decisions = Counter("breakwater_decisions_total",
                                 "Decisions published to actions, by action and mode.",
                                 ["action", "mode"], registry=r)
        self.latency = Histogram("breakwater_decision_latency_seconds",
                                 "Time from the triggering event to its decision: source=event_time "
                                 "uses the event's ts, source=ingest the Kafka append time.",
                                 ["source"], buckets=LATENCY_BUCKETS, registry=r)
        self.waves = Gauge("breakwater_waves", "Waves currently open, by state.", ["state"], registry=r)
        self.wave_size = Histogram("breakwater_wave_size_accounts",
                                   "Size of waves when they are confirmed (accounts).",
                                   buckets=WAVE_SIZE_BUCKETS, registry=r)
        self.waves_confirmed = Counter("breakwater_waves_confirmed_total",
                                       "Waves confirmed (their members suspended).", registry=r)
        self.threshold = Gauge("breakwater_threshold", "Current value of each live-tunable setting.",
                               ["name", "mode"], registry=r)
        self.config_version = Gauge("breakwater_config_version",
                                    "Version of the live settings this worker decides with.",
                                    ["mode"], registry=r)
        self.lag = Gauge("breakwater_consumer_lag_messages",
                         "Messages not yet consumed, by topic and partition.",
                         ["topic", "partition"], registry=r)
        self.since_progress = Gauge("breakwater_seconds_since_progress",
                                    "Seconds since any consumed offset last advanced.", registry=r)
        self.state_entries = Gauge("breakwater_state_entries",
                                   "Entries held in detector state, by structure.", ["structure"],
                                   registry=r)
        self.state_bytes = Gauge("breakwater_state_bytes",
                                 "Size of the last detector-state snapshot.", registry=r)
        self.recovering = Gauge("breakwater_recovering",
                                "1 while the worker restores its state, else 0.", registry=r)
        self.recovery_seconds = Gauge("breakwater_recovery_seconds",
                                      "Duration of the last state recovery.", registry=r)
        self.leader = Gauge("breakwater_leader",
                            "1 on the worker that currently publishes decisions, else 0.", registry=r)
        self.engine_errors = Counter("breakwater_engine_errors_total",
                                     "Events the detection engine raised an error on (dead-lettered).",
                                     registry=r)
        self.late_events = Counter("breakwater_late_events_total",
                                   "Events that reached the detectors after a newer event "
                                   "(event-time order broken beyond what alignment could fix).",
                                   registry=r)
        self.redelivered = Counter("breakwater_redelivered_events_total",
                                   "Events forwarded twice by a rebalance and dropped as repeats.",
                                   registry=r)
        self.labels_seen = Counter("breakwater_labels_total", "Label events learned from, by label.",
                                   ["label"], registry=r)
        self.label_precision = Gauge("breakwater_label_precision",
                                     "Online estimate of suspension precision from labels.", registry=r)
        self.label_recall = Gauge("breakwater_label_recall",
                                  "Online estimate of recall from spam labels.", registry=r)
        self.check_latency = Histogram("breakwater_signup_check_duration_seconds",
                                       "Latency of POST /v1/signup-check.", buckets=CHECK_BUCKETS,
                                       registry=r)
        self.checks = Counter("breakwater_signup_checks_total",
                              "Signup checks answered, by decision (error = bad request).",
                              ["decision"], registry=r)
        self.check_enqueue_failures = Counter(
            "breakwater_signup_check_enqueue_failures_total",
            "Checked signups that could not be enqueued to Kafka (the answer was still given).",
            registry=r)
        self.breaker_open = Gauge("breakwater_circuit_breaker_open",
                                  "1 while the suspension circuit breaker degrades suspends to "
                                  "challenges, else 0.", registry=r)
        self.config_rejections = Counter("breakwater_config_rejections_total",
                                         "Rejected live-setting changes, by reason.", ["reason"],
                                         registry=r)
        self.loop_lag = Histogram("breakwater_event_loop_lag_seconds",
                                  "How late a 10 ms timer on the worker's event loop fires: "
                                  "what a signup check or heartbeat waits for on top of its own work.",
                                  buckets=PAUSE_BUCKETS, registry=r)
        self.gc_pause = Histogram("breakwater_gc_pause_seconds",
                                  "Python garbage-collector pauses, by generation.", ["generation"],
                                  buckets=PAUSE_BUCKETS, registry=r)
        self._init_labels()

    def _init_labels(self) -> None:
        for g in ("0", "1", "2"):
            self.gc_pause.labels(g)
        for t in CONSUMED_TOPICS:
            for o in OUTCOMES:
                self.events.labels(t, o)
        for t in INPUT_TOPICS:
            self.dead_letters.labels(t)
            for code in REASON_CODES:
                self.invalid.labels(t, code)
        for a in ACTIONS:
            for m in MODES:
                self.decisions.labels(a, m)
        for s in LATENCY_SOURCES:
            self.latency.labels(s)
        for s in WAVE_STATES:
            self.waves.labels(s).set(0)
        for m in MODES:
            self.config_version.labels(m)
        for d in CHECK_DECISIONS:
            self.checks.labels(d)
        for lab in LABELS:
            self.labels_seen.labels(lab)
        for reason in ("unauthorized", "invalid"):
            self.config_rejections.labels(reason)
        # no estimate until labels arrive: NaN, not a 0 that would look like a precision drop
        self.label_precision.set(float("nan"))
        self.label_recall.set(float("nan"))

    def watch_gc(self) -> None:
        """Time every garbage collection into ``breakwater_gc_pause_seconds``."""
        started = [0.0]

        def callback(phase: str, info: dict) -> None:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                self.gc_pause.labels(str(info.get("generation", 2))).observe(time.perf_counter() - started[0])

        gc.callbacks.append(callback)

    async def watch_loop(self, every: float = 0.01, report_after: float = 0.05) -> None:
        """Observe event-loop lag forever (run as a task).

        A watchdog thread (:func:`stall_watchdog`) also looks at the loop: when it has not
        ticked for ``report_after`` seconds, the stack the loop's thread is in is logged, so
        a stall can be traced to the code that caused it.
        """
        tick = [time.perf_counter()]
        threading.Thread(target=stall_watchdog, args=(threading.get_ident(), tick, report_after),
                         name="breakwater-stall-watchdog", daemon=True).start()
        while True:
            t = tick[0] = time.perf_counter()
            await asyncio.sleep(every)
            tick[0] = now = time.perf_counter()
            self.loop_lag.observe(max(0.0, now - t - every))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def stall_watchdog(loop_thread: int, tick: list, report_after: float) -> None:
    """Forever: log the stack of ``loop_thread`` when ``tick[0]`` (the loop's last tick)
    is older than ``report_after`` seconds, at most once a second."""
    last_report = 0.0
    while True:
        time.sleep(report_after / 2)  # rarely: each wake-up takes the GIL from the loop
        now = time.perf_counter()
        age = now - tick[0]
        if age <= report_after or now - last_report <= 1.0:
            continue
        frame = sys._current_frames().get(loop_thread)  # noqa: SLF001 - diagnostics only
        if frame is None:
            continue
        where = " <- ".join(f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:{f.lineno})"
                            for f in reversed(traceback.extract_stack(frame)[-6:]))
        stall_log.warning("event loop blocked for %.0f ms so far, in %s", age * 1000, where)
        last_report = now
