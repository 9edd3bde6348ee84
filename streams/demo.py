"""``breakwater up``: Kafka, topics, a worker, live simulated traffic with waves and
the enforcement loop, with a live terminal view. What ``make demo`` runs.

Every process it starts (the broker if none was running, the worker) is stopped on
Ctrl-C, SIGTERM or when ``--duration`` runs out; the run's topics (a fresh prefix
per run) are deleted unless ``--keep-topics``.
"""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from collections import deque
from typing import Optional

import orjson

from streams.contract import parse_time
from streams.enforce import Enforcement
from streams.kafka_local import KafkaError, LocalKafka
from streams.settings import Settings


def register(sub) -> None:
    p = sub.add_parser(
        "up", help="the live demo: Kafka, a worker, simulated traffic with waves, enforcement",
        description="Start Kafka if needed, create a fresh set of topics, start a worker, the "
                    "traffic simulator (organic users, spam waves, flash crowds, campuses) at a "
                    "clock speed-up, and an enforcement loop that applies the decisions (suspended "
                    "accounts stop acting). Shows a live view; Ctrl-C stops everything it started.")
    p.add_argument("--duration", type=float, default=0,
                   help="stop after this many seconds (default: run until Ctrl-C)")
    p.add_argument("--speed", type=float, default=60.0,
                   help="simulated seconds per wall-clock second (default 60: an hour a minute)")
    p.add_argument("--scenario", default="default", help="simulator scenario (see `breakwater simulate --help`)")
    p.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    p.add_argument("--rate", type=float, default=None, help="organic signups per simulated minute")
    p.add_argument("--summary-json", metavar="FILE", help="write the final summary as JSON")
    p.add_argument("--chart", metavar="FILE.png", help="write a chart of the biggest wave being caught")
    p.add_argument("--keep-kafka", action="store_true", help="leave a broker this command started running")
    p.add_argument("--keep-topics", action="store_true", help="do not delete this run's topics at the end")
    p.set_defaults(func=run)


class Demo:
    def __init__(self, args, base: Settings):
        self.args = args
        tag = time.strftime("%Y%m%d%H%M%S")
        prefix = f"{base.topic_prefix}demo-{tag}-"
        self.s = base.replace(topic_prefix=prefix, app_id=f"{prefix}breakwater",
                              data_dir=os.path.join(base.data_dir, f"demo-{tag}"))
        self.kafka = LocalKafka(self.s.kafka_bootstrap, log=self.say)
        self.started_kafka = False
        self.procs: list[subprocess.Popen] = []
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.enf = Enforcement()
        self.produced = {"signups": 0, "activity": 0, "labels": 0, "prevented": 0}
        self.sent_at: dict[float, float] = {}     # event ts -> wall time produced
        self.latencies: deque = deque(maxlen=5000)
        self.waves: dict[str, dict] = {}
        self.wave_truth: dict[str, str] = {}       # wave_id -> true campaign (by majority)
        self.timeline: list[tuple] = []            # (wall, sim ts, campaign, event) for the chart
        self.sim_now = 0.0
        self.t0 = time.monotonic()
        self.recent_events: deque = deque()        # wall times of produced events (rate)

    def say(self, msg: str) -> None:
        print(f"[breakwater up] {msg}", file=sys.stderr, flush=True)

    # --------------------------------------------------------------- lifecycle
    def start(self) -> None:
        if not self.kafka.answers():
            self.kafka.start()
            self.started_kafka = True
        from streams.topics import create_topics
        create_topics(self.s, log=lambda m: None)
        env = dict(os.environ, BREAKWATER_TOPIC_PREFIX=self.s.topic_prefix, BREAKWATER_APP_ID=self.s.app_id,
                   BREAKWATER_DATA_DIR=self.s.data_dir, BREAKWATER_WEB_PORT=str(self.s.web_port),
                   BREAKWATER_SESSION_TIMEOUT="6")
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--no-create-topics", "-l", "warn"],
            env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        self.say(f"worker started (pid {self.procs[-1].pid}, http://{self.s.web_host}:{self.s.web_port}); "
                 "waiting until it is ready ...")
        self.wait_ready(120)

    def wait_ready(self, timeout: float) -> None:
        url = f"http://{self.s.web_host}:{self.s.web_port}/readyz"
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if any(p.poll() is not None for p in self.procs):
                err = self.procs[0].stderr.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"the worker exited during start-up:\n{err}")
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
        elif not self.args.keep_topics:
            self.delete_topics()

    def delete_topics(self) -> None:
        from kafka import KafkaAdminClient
        try:
            admin = KafkaAdminClient(**self.s.kafka_client_config())
            try:
                mine = [t for t in admin.list_topics() if t.startswith(self.s.topic_prefix)]
                if mine:
                    admin.delete_topics(mine)
            finally:
                admin.close()
        except Exception as exc:  # noqa: BLE001 - cleanup is best effort, say so
            self.say(f"could not delete this run's topics: {exc}")

    # --------------------------------------------------------------- threads
    def traffic(self) -> None:
        """Simulated platform: signups and labels always happen; an account's
        activity happens only while enforcement allows it."""
        from offline.simulate import generate
        from streams.replay import Pacer, make_producer, strip_truth

        hours = max(6, math.ceil((self.args.duration or 86400) * self.args.speed / 3600) + 1)
        kw = {"seed": self.args.seed, "scenario": self.args.scenario, "hours": hours}
        if self.args.rate:
            kw["rate"] = self.args.rate
        producer = make_producer(self.s)
        pacer = Pacer(speed=self.args.speed)
        topics = {"signup": "signups", "activity": "activity", "label": "labels"}
        try:
            for obj in generate(**kw):
                if self.stop_event.is_set():
                    break
                ts = parse_time(obj["ts"])
                pacer.wait(ts)
                acc, truth = obj["account_id"], obj.get("truth") or {}
                with self.lock:
                    self.sim_now = ts
                    if obj["type"] == "signup":
                        self.enf.signup(acc, truth.get("label", "benign"), truth.get("wave"))
                        if truth.get("wave"):
                            self.timeline.append((time.monotonic(), ts, truth["wave"], "signup", acc))
                    elif obj["type"] == "activity" and not self.enf.activity(acc):
                        self.produced["prevented"] += 1
                        continue
                    self.produced[topics[obj["type"]]] += 1
                    self.sent_at[ts] = time.monotonic()
                    self.recent_events.append(time.monotonic())
                producer.send(self.s.topic(topics[obj["type"]]), key=acc.encode(), value=strip_truth(obj))
            producer.flush()
        finally:
            producer.close()

    def consume(self) -> None:
        """Apply actions (enforcement) and follow waves."""
        from kafka import KafkaConsumer
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        c = KafkaConsumer(self.s.topic("actions"), self.s.topic("waves"), **self.s.kafka_client_config(),
                          auto_offset_reset="earliest", enable_auto_commit=False, group_id=None)
        try:
            while not self.stop_event.is_set():
                for tp, recs in c.poll(timeout_ms=200).items():
                    now = time.monotonic()
                    with self.lock:
                        for r in recs:
                            d = orjson.loads(r.value)
                            if tp.topic == self.s.topic("waves"):
                                self.waves[d["wave_id"]] = d
                                continue
                            self.enf.apply(d)
                            sent = self.sent_at.get(parse_time(d["ts"]))
                            if sent is not None and d["mode"] == "live":
                                self.latencies.append(now - sent)
                            label, wave = self.enf.truth.get(d["account_id"], ("unknown", None))
                            if wave and d["action"] == "suspend" and d["mode"] == "live":
                                self.timeline.append((now, self.sim_now, wave, "suspend", d["account_id"]))
                                if d.get("wave_id"):
                                    self.wave_truth[d["wave_id"]] = wave
        finally:
            c.close()

    # --------------------------------------------------------------- view
    def snapshot(self) -> dict:
        with self.lock:
            now = time.monotonic()
            while self.recent_events and now - self.recent_events[0] > 5:
                self.recent_events.popleft()
            lat = sorted(self.latencies)
            waves = sorted(self.waves.values(), key=lambda w: -w.get("size", 0))
            return {"elapsed": now - self.t0, "sim_now": self.sim_now,
                    "events_per_s": len(self.recent_events) / 5.0, "produced": dict(self.produced),
                    "report": self.enf.report(), "waves": [dict(w) for w in waves[:8]],
                    "n_waves": len(self.waves),
                    "latency_p50": lat[len(lat) // 2] if lat else None,
                    "latency_p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else None}

    def render(self, snap: dict):
        from rich.console import Group
        from rich.table import Table
        from streams.contract import format_time

        r = snap["report"]
        head = Table.grid(padding=(0, 3))
        fmt = lambda v, f="{:.3f}": "-" if v is None else f.format(v)  # noqa: E731
        head.add_row(
            f"[b]sim time[/] {format_time(snap['sim_now'])[:19] if snap['sim_now'] else '-'}",
            f"[b]events/s[/] {snap['events_per_s']:.0f}",
            f"[b]signups[/] {snap['produced']['signups']}",
            f"[b]suspended[/] {r['suspended']}  [b]challenged[/] {r['challenges']}")
        head.add_row(
            f"[b]precision[/] {fmt(r['suspend_precision'])}", f"[b]recall[/] {fmt(r['suspend_recall'])}",
            f"[b]spam activity before suspension[/] {fmt(r['spam_activity_before_suspension'], '{:.1%}')}",
            f"[b]decision latency[/] p50 {fmt(snap['latency_p50'] and snap['latency_p50'] * 1000, '{:.0f}')} ms"
            f" / p99 {fmt(snap['latency_p99'] and snap['latency_p99'] * 1000, '{:.0f}')} ms")
        t = Table(title=f"waves ({snap['n_waves']} seen)", expand=True)
        for col in ("wave", "status", "size", "suspended", "first seen", "signature"):
            t.add_column(col, overflow="fold")
        for w in snap["waves"]:
            t.add_row(str(w.get("wave_id"))[:14], w.get("status", ""), str(w.get("size", "")),
                      str(w.get("suspended", "")), str(w.get("first_seen", ""))[11:19],
                      str(w.get("signature", ""))[:110])
        return Group(head, t)

    def watch(self) -> None:
        threads = [threading.Thread(target=self.traffic, name="traffic", daemon=True),
                   threading.Thread(target=self.consume, name="enforcement", daemon=True)]
        for th in threads:
            th.start()
        from rich.console import Console
        from rich.live import Live
        console = Console(stderr=True)
        deadline = self.t0 + self.args.duration if self.args.duration else math.inf
        try:
            if console.is_terminal:
                with Live(self.render(self.snapshot()), console=console, refresh_per_second=2) as live:
                    while self.running(deadline):
                        time.sleep(0.5)
                        live.update(self.render(self.snapshot()))
            else:  # logs, CI: a status line every 5 s
                last = 0.0
                while self.running(deadline):
                    time.sleep(0.5)
                    if time.monotonic() - last >= 5:
                        last = time.monotonic()
                        s = self.snapshot()
                        r = s["report"]
                        self.say(f"{s['elapsed']:.0f}s: {s['produced']['signups']} signups, "
                                 f"{s['n_waves']} waves, {r['suspended']} suspended "
                                 f"(precision {r['suspend_precision']}, recall {r['suspend_recall']}), "
                                 f"{r['challenges']} challenged")
        finally:
            self.stop_event.set()
            for th in threads:
                th.join(10)

    def running(self, deadline: float) -> bool:
        if self.stop_event.is_set() or time.monotonic() >= deadline:
            return False
        if any(p.poll() is not None for p in self.procs):
            self.say("the worker stopped unexpectedly")
            return False
        return True

    # --------------------------------------------------------------- results
    def summary(self) -> dict:
        s = self.snapshot()
        into = self.accounts_before_catch()
        s["accounts_into_wave_before_caught"] = into
        r = s["report"]
        self.say(f"ran {s['elapsed']:.0f}s ({(s['elapsed'] * self.args.speed) / 3600:.1f} simulated h): "
                 f"{s['produced']['signups']} signups, {s['produced']['activity']} activities "
                 f"({s['produced']['prevented']} prevented by suspensions), {s['n_waves']} waves")
        self.say(f"suspended {r['suspended']} (precision {r['suspend_precision']}, recall "
                 f"{r['suspend_recall']}), challenged {r['challenges']}; spam activity before "
                 f"suspension {r['spam_activity_before_suspension']}; accounts into each campaign "
                 f"before its first suspension {into}; decision latency p50 "
                 f"{s['latency_p50'] and round(s['latency_p50'] * 1000)} ms, p99 "
                 f"{s['latency_p99'] and round(s['latency_p99'] * 1000)} ms")
        return s

    def accounts_before_catch(self) -> dict:
        """Per true campaign: how many of its accounts had signed up before its first suspension."""
        out, seen = {}, {}
        for _, _, wave, kind, _ in self.timeline:
            if kind == "signup":
                seen[wave] = seen.get(wave, 0) + 1
            elif wave not in out:
                out[wave] = seen.get(wave, 0)
        return out

    def chart(self, path: str) -> None:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        sizes = {}
        for _, _, wave, kind, _ in self.timeline:
            if kind == "signup":
                sizes[wave] = sizes.get(wave, 0) + 1
        if not sizes:
            self.say("no wave in this run: no chart")
            return
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for wave in sorted(sizes, key=lambda w: -sizes[w])[:3]:
            pts = [(t - self.t0, kind) for t, _, w, kind, _ in self.timeline if w == wave]
            for kind, style in (("signup", "-"), ("suspend", "--")):
                xs = [t for t, k in pts if k == kind]
                if xs:
                    ax.step(xs, range(1, len(xs) + 1), style, where="post",
                            label=f"{wave}: {'accounts created' if kind == 'signup' else 'accounts suspended'}")
        ax.set_xlabel("seconds since `breakwater up` started (wall clock)")
        ax.set_ylabel("accounts")
        ax.set_title(f"Waves being caught (speed-up {self.args.speed:g}x, scenario {self.args.scenario})")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        self.say(f"chart written to {path}")


def run(args) -> int:
    demo = Demo(args, Settings.from_env())

    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    code = 0
    try:
        demo.start()
        demo.say("traffic running (Ctrl-C to stop)")
        demo.watch()
    except KeyboardInterrupt:
        demo.say("stopping ...")
    except (KafkaError, RuntimeError) as exc:
        demo.say(f"error: {exc}")
        code = 1
    finally:
        demo.stop_event.set()
        demo.shutdown()
    if code == 0:
        result = demo.summary()
        if args.summary_json:
            with open(args.summary_json, "wb") as fh:
                fh.write(orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
        if args.chart:
            demo.chart(args.chart)
    return code
