"""``breakwater up``: Kafka, topics, a worker and live simulated traffic in one command.

What ``make demo`` runs. Every process it starts (broker if it was not running,
worker) is stopped on Ctrl-C, SIGTERM or when ``--duration`` runs out.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from collections import Counter

import orjson

from streams.kafka_local import KafkaError, LocalKafka
from streams.settings import Settings


def register(sub) -> None:
    p = sub.add_parser(
        "up", help="the live demo: Kafka, a worker and simulated traffic with waves",
        description="Start Kafka if needed, create the topics, start a worker and the traffic "
                    "simulator (organic users, spam waves, hard negatives) at a clock speed-up, and "
                    "show decisions as they happen. Ctrl-C stops everything it started.")
    p.add_argument("--duration", type=float, default=0,
                   help="stop after this many seconds (default: run until Ctrl-C)")
    p.add_argument("--speed", type=float, default=60.0,
                   help="simulated seconds per wall-clock second (default 60: an hour a minute)")
    p.add_argument("--scenario", default="default", help="simulator scenario (see `breakwater simulate --help`)")
    p.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    p.add_argument("--rate", type=float, default=None, help="organic signups per simulated minute")
    p.add_argument("--keep-kafka", action="store_true", help="leave the broker running at the end")
    p.set_defaults(func=run)


class Demo:
    def __init__(self, args, settings: Settings):
        self.args, self.s = args, settings
        self.procs: list[subprocess.Popen] = []
        self.kafka = LocalKafka(settings.kafka_bootstrap)
        self.started_kafka = False
        self.stop_event = threading.Event()
        self.counts: Counter = Counter()
        self.replayed: dict = {}

    # --------------------------------------------------------------- lifecycle
    def start(self) -> None:
        if not self.kafka.answers():
            self.kafka.start()
            self.started_kafka = True
        from streams.topics import create_topics
        create_topics(self.s, log=self.say)
        env = dict(os.environ, BREAKWATER_WEB_PORT=str(self.s.web_port))
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--no-create-topics", "-l", "warn"],
            env=env, start_new_session=True))
        self.say(f"worker started (pid {self.procs[-1].pid}); waiting until it is ready ...")
        self.wait_ready(120)

    def wait_ready(self, timeout: float) -> None:
        url = f"http://{self.s.web_host}:{self.s.web_port}/readyz"
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError("the worker exited during start-up (see its log above)")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        self.say(f"worker ready after {time.monotonic() - t0:.1f}s")
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the worker was not ready within {timeout:.0f}s")

    def shutdown(self) -> None:
        self.stop_event.set()
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if self.started_kafka and not self.args.keep_kafka:
            self.kafka.stop()

    def say(self, msg: str) -> None:
        print(f"[breakwater up] {msg}", file=sys.stderr, flush=True)

    # --------------------------------------------------------------- traffic
    def traffic(self) -> None:
        from offline.simulate import generate
        from streams.replay import replay_objects

        kw = {"seed": self.args.seed, "scenario": self.args.scenario}
        if self.args.rate:
            kw["rate"] = self.args.rate
        events = ((n, obj) for n, obj in enumerate(generate(**kw), 1))
        self.replayed = replay_objects(events, self.s, speed=self.args.speed,
                                       stop=self.stop_event.is_set)

    # --------------------------------------------------------------- view
    def watch(self) -> None:
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        from kafka import KafkaConsumer, TopicPartition
        consumer = KafkaConsumer(**self.s.kafka_client_config(), enable_auto_commit=False,
                                 group_id=None)
        topic = self.s.topic("actions")
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(tps)
        consumer.seek_to_end(*tps)
        for tp in tps:
            consumer.position(tp)  # resolve the end offsets before traffic starts
        feeder = threading.Thread(target=self.traffic, name="traffic", daemon=True)
        feeder.start()
        t0 = time.monotonic()
        try:
            while not self.stop_event.is_set():
                if self.args.duration and time.monotonic() - t0 >= self.args.duration:
                    break
                if any(p.poll() is not None for p in self.procs):
                    self.say("the worker stopped unexpectedly")
                    break
                for records in consumer.poll(timeout_ms=500).values():
                    for rec in records:
                        self.show(orjson.loads(rec.value))
        finally:
            self.stop_event.set()
            consumer.close()
            feeder.join(10)

    def show(self, d: dict) -> None:
        self.counts[d["action"]] += 1
        reason = d["reasons"][0] if d.get("reasons") else ""
        print(f"{d['ts'][11:19]}  {d['action']:<9} {d['account_id'][:20]:<20} score {d['score']:.2f}  "
              f"wave {d.get('wave_id') or '-':<12} {reason[:90]}", flush=True)

    def summary(self, elapsed: float) -> None:
        r = self.replayed
        self.say(f"ran {elapsed:.0f}s: produced {r.get('signups', 0)} signups, "
                 f"{r.get('activity', 0)} activity, {r.get('labels', 0)} labels; decisions: "
                 + (", ".join(f"{v} {k}" for k, v in sorted(self.counts.items())) or "none"))


def run(args) -> int:
    s = Settings.from_env()
    demo = Demo(args, s)

    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    t0 = time.monotonic()
    try:
        demo.start()
        demo.say("traffic running; decisions appear below (Ctrl-C to stop)")
        demo.watch()
    except KeyboardInterrupt:
        demo.say("stopping ...")
    except (KafkaError, RuntimeError) as exc:
        demo.say(f"error: {exc}")
        demo.shutdown()
        return 1
    demo.shutdown()
    demo.summary(time.monotonic() - t0)
    return 0
