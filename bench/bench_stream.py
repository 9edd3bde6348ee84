#!/usr/bin/env python3
"""End-to-end stream benchmark of Breakwater on a real Kafka broker (issue 4, section 6).

Not a test: it prints figures and writes them to ``bench/results/stream.json``.

On one pre-produced input (a seeded simulation, ``truth`` stripped, written once into
the input topics of a fresh topic prefix) it measures, repeated and reported as medians:

a. a bare aiokafka consumer reading every partition of the input topics (``getmany``,
   each value decoded with orjson): events/s;
b. Breakwater with 1 worker and c. with 2 workers (``python -m streams.cli worker``
   processes, fresh app id per run): events/s from process start until ``/readyz``
   ``applied_events`` reaches N, and as a ratio to (a) of the same repetition;
d. decision latency at a fixed offered load (paced replay into a running 1-worker
   deployment of a fresh prefix): arrival on ``actions`` minus the wall time the
   triggering event was produced, plus the worker's own
   ``breakwater_decision_latency_seconds{source="ingest"}``;
e. worker RSS (VmRSS, sampled every 0.25 s: max and final);
f. recovery: kill -9 of the single worker right after it applied every event, then
   time until a new worker's ``/readyz`` answers 200, with a small and the default
   ``BREAKWATER_SNAPSHOT_SECONDS``.

It uses its own broker (127.0.0.1:29092 by default, started if none answers there and
stopped at the end if this run started it). Every process it starts is stopped in a
``finally``; the whole run is bounded by ``--max-minutes``.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import warnings
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DEFAULT_BOOTSTRAP = "127.0.0.1:29092"

warnings.filterwarnings("ignore", category=DeprecationWarning)


# --------------------------------------------------------------------------- code under test

def prepare_code(mode: str) -> Path:
    """The source tree the workers (and this script) import: the working tree, or a
    clean export of HEAD (so that uncommitted edits elsewhere do not leak into
    committed figures). Must run before any project module is imported."""
    root = REPO
    if mode == "head":
        import atexit
        import shutil
        root = Path(tempfile.mkdtemp(prefix="bw-bench-code-"))
        atexit.register(shutil.rmtree, root, True)  # after main(): every worker has stopped
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    sys.path.insert(0, str(root))  # ahead of the editable install's finder
    return root


def code_info(mode: str, root: Path) -> dict:
    def git(*a):
        return subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True).stdout
    dirty = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    return {"mode": mode, "commit": git("rev-parse", "HEAD").strip(), "root": str(root),
            "uncommitted_files_in_worktree": dirty,
            "measured_uncommitted_changes": bool(dirty) and mode == "worktree"}


def machine_info() -> dict:
    load = os.getloadavg()
    mem = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    return {"cpus": os.cpu_count(), "mem_mb": mem, "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": [round(x, 2) for x in load]}


# --------------------------------------------------------------------------- small utilities

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url: str, timeout: float = 2.0):
    """(status, parsed JSON) — (None, None) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read())
        except ValueError:
            return e.code, None
    except (OSError, ValueError):
        return None, None


def http_text(url: str, timeout: float = 5.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (a worker's check front, snapshot children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            pass
    return out


def _one_rss_kb(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _one_cpu_seconds(pid: int) -> Optional[float]:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _tree_sum(pid: Optional[int], one) -> Optional[float]:
    if pid is None:
        return None
    values = [v for v in map(one, process_tree(pid)) if v is not None]
    return sum(values) if values else None


def rss_kb(pid: int) -> Optional[int]:
    """Resident memory of a process and its descendants (a worker and its check front), kB."""
    return _tree_sum(pid, _one_rss_kb)


def cpu_seconds(pid: Optional[int]) -> Optional[float]:
    """User + system CPU seconds of a process and its live descendants."""
    return _tree_sum(pid, _one_cpu_seconds)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores; idle and iowait excluded)."""
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return (sum(v) - v[3] - (v[4] if len(v) > 4 else 0)) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """How many cores the machine, our own processes (this script, the given pids) and
    everything else used over an interval: the noise figure of one run."""

    def __init__(self, pids=lambda: ()):
        self.pids = pids
        self.t0 = time.monotonic()
        self.busy0 = machine_busy_seconds()
        self.own0 = self._own()

    def _own(self) -> dict:
        t = os.times()
        own = {"self": t.user + t.system}
        for pid in self.pids():
            c = cpu_seconds(pid)
            if c is not None:
                own[pid] = c
        return own

    def read(self) -> dict:
        wall = time.monotonic() - self.t0
        busy = machine_busy_seconds() - self.busy0
        own1 = self._own()
        own = sum(v - self.own0.get(k, 0.0) for k, v in own1.items())
        return {"wall_s": round(wall, 2), "machine_busy_cores": round(busy / wall, 2),
                "benchmark_processes_cores": round(own / wall, 2),
                "other_processes_cores": round(max(0.0, busy - own) / wall, 2)}


def wait_quiet(args, own_pids=lambda: ()) -> dict:
    """Wait (at most ``--quiet-wait`` s) until processes outside the benchmark use fewer than
    ``--quiet-threshold`` cores over 3 s: other people's jobs on this shared machine."""
    t0 = time.monotonic()
    while True:
        m = CpuMeter(own_pids)
        time.sleep(3.0)
        others = m.read()["other_processes_cores"]
        if others <= args.quiet_threshold or time.monotonic() - t0 >= args.quiet_wait:
            return {"waited_s": round(time.monotonic() - t0, 1), "other_cores_before": others}


def pct(values, q: float) -> Optional[float]:
    """The q-th percentile (0-100), linear interpolation; None for no values."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def med(values) -> Optional[float]:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rnd(x, n=4):
    return None if x is None else round(x, n)


def histogram(text: str, name: str, labels: Optional[dict] = None) -> list[tuple[float, float]]:
    """Cumulative buckets ``[(le, count), ...]`` of one histogram in a /metrics page."""
    from prometheus_client.parser import text_string_to_metric_families
    labels = labels or {}
    out = []
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name != name + "_bucket":
                continue
            if any(s.labels.get(k) != v for k, v in labels.items()):
                continue
            out.append((float(s.labels["le"]), s.value))
    return sorted(out)


def hist_diff(after, before):
    b = dict(before)
    return [(le, c - b.get(le, 0.0)) for le, c in after]


def hist_quantile(buckets, q: float) -> Optional[float]:
    """Like PromQL histogram_quantile (q in 0..1, linear within a bucket)."""
    if not buckets or buckets[-1][1] <= 0:
        return None
    total = buckets[-1][1]
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in buckets:
        if c >= rank:
            if le == float("inf"):
                return prev_le
            if c == prev_c:
                return le
            return prev_le + (le - prev_le) * (rank - prev_c) / (c - prev_c)
        prev_le, prev_c = le, c
    return prev_le


def hist_summary(buckets) -> dict:
    total = buckets[-1][1] if buckets else 0
    return {"count": int(total), **{f"p{int(q * 100)}_s": rnd(hist_quantile(buckets, q), 5)
                                    for q in (0.5, 0.95, 0.99)},
            "buckets": [["+Inf" if le == float("inf") else le, int(c)] for le, c in buckets]}


class Watchdog:
    """Bounds the whole run: SIGALRM raises in the main thread, so every finally runs."""

    def __init__(self, minutes: float):
        self.seconds = max(1, int(minutes * 60))

    def __enter__(self):
        def fire(*_):
            raise TimeoutError(f"benchmark exceeded its time bound of {self.seconds}s")
        signal.signal(signal.SIGALRM, fire)
        signal.alarm(self.seconds)
        return self

    def __exit__(self, *exc):
        signal.alarm(0)
        return False


# --------------------------------------------------------------------------- broker

class Broker:
    """Our own local broker: started if none answers, stopped at the end if we started it."""

    def __init__(self, bootstrap: str, keep: bool = False, log=print):
        from streams.kafka_local import LocalKafka
        self.bootstrap = bootstrap
        self.k = LocalKafka(bootstrap, home=REPO / ".kafka", log=log)
        self.keep = keep
        self.started = False
        self.prefixes: list[str] = []

    def __enter__(self):
        if not self.k.answers():
            self.k.start(timeout=120)
            self.started = True
        return self

    @property
    def pid(self) -> Optional[int]:
        return self.k.pid()

    def __exit__(self, *exc):
        try:
            self.delete_topics()
        finally:
            if self.started and not self.keep:
                self.k.stop()
        return False

    def delete_topics(self) -> None:
        """Best effort: drop the topics of this run's prefixes (disk stays bounded)."""
        if not self.prefixes:
            return
        try:
            admin = self.k.admin()
        except Exception:  # noqa: BLE001 - cleanup only
            return
        try:
            names = [t for t in admin.list_topics() if any(t.startswith(p) for p in self.prefixes)]
            if names:
                admin.delete_topics(names, timeout_ms=30000)
        except Exception as exc:  # noqa: BLE001 - cleanup only; say why
            print(f"note: could not delete benchmark topics: {exc}", file=sys.stderr)
        finally:
            admin.close()


# --------------------------------------------------------------------------- deployment, workers

class Deployment:
    """One isolated deployment (topic prefix + app id), like tests/conftest.py's Env."""

    def __init__(self, bootstrap: str, prefix: str, tmp: Path, code: Path, session_timeout: float,
                 extra: Optional[dict] = None, app_id: Optional[str] = None):
        from streams.settings import Settings
        self.app_id = app_id or f"bw-bench-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp
        self.code = code
        self.vars = {"BREAKWATER_KAFKA_BOOTSTRAP": bootstrap, "BREAKWATER_TOPIC_PREFIX": prefix,
                     "BREAKWATER_APP_ID": self.app_id,
                     "BREAKWATER_DATA_DIR": str(tmp / f"data-{self.app_id}"),
                     "BREAKWATER_SESSION_TIMEOUT": f"{session_timeout:g}", **(extra or {})}
        self.settings = Settings.from_env(self.vars)
        self.workers: list[Worker] = []

    def create_topics(self) -> None:
        from streams.topics import create_topics
        create_topics(self.settings, log=lambda m: None)

    def start_worker(self) -> "Worker":
        w = Worker(self, free_port(), len(self.workers))
        self.workers.append(w)
        return w

    def stop(self) -> None:
        for w in self.workers:
            w.terminate()
        for w in self.workers:
            w.wait_or_kill()


class Worker:
    """One ``python -m streams.cli worker`` process."""

    def __init__(self, dep: Deployment, port: int, index: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = dep.tmp / f"{dep.app_id}-worker{index}-{port}.log"
        env = dict(os.environ, **dep.vars, BREAKWATER_WEB_PORT=str(port),
                   PYTHONPATH=os.pathsep.join([str(dep.code)] + [p for p in [os.environ.get("BW_EXP_PATH")] if p] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        self.t_start = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streams.cli", "worker", "-l", "info", "--no-create-topics"],
                env=env, cwd=str(dep.code), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid
        self.rss_max = 0
        self.rss_last = 0
        self.killed = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def readyz(self):
        return http_json(self.url + "/readyz")

    def metrics(self) -> str:
        return http_text(self.url + "/metrics")

    def sample(self) -> None:
        kb = rss_kb(self.pid) if self.alive() else None
        if kb:
            self.rss_last = kb
            self.rss_max = max(self.rss_max, kb)

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def check_alive(self) -> None:
        if not self.alive() and not self.killed:
            raise RuntimeError(f"worker on port {self.port} exited with {self.proc.returncode}:\n"
                               f"{self.log_tail()}")

    def terminate(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)

    def wait_or_kill(self, timeout: float = 20.0) -> None:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill9(self) -> None:
        self.killed = True
        self.proc.kill()
        self.proc.wait()


class RssSampler:
    """Samples VmRSS of every worker of the given deployments every ``every`` seconds."""

    def __init__(self, deps: list, every: float = 0.25):
        self.deps, self.every = deps, every
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for d in list(self.deps):
                for w in list(d.workers):
                    w.sample()
            self._stop.wait(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join(5)
        return False


def wait_ready(w: Worker, timeout: float) -> float:
    """Seconds from the worker's start until /readyz answers 200."""
    while time.monotonic() - w.t_start < timeout:
        w.check_alive()
        st, _ = w.readyz()
        if st == 200:
            return time.monotonic() - w.t_start
        time.sleep(0.1)
    raise RuntimeError(f"worker on port {w.port} not ready after {timeout}s:\n{w.log_tail()}")


# --------------------------------------------------------------------------- input

def make_input(seed: int, hours: float, scenario: str):
    from offline.simulate import generate
    stats: dict = {}
    events = list(generate(seed=seed, hours=hours, scenario=scenario, stats=stats))
    return events, stats


def produce(settings, events, max_rate: Optional[float] = None, stamps: Optional[list] = None) -> dict:
    """Produce contract dicts into the input topics with streams.replay (truth stripped).
    With ``stamps``, the wall time of each send is appended to it, in order."""
    from streams.replay import make_producer, replay_objects
    inner = make_producer(settings)
    for short in ("signups", "activity", "labels"):  # metadata first: not in the first stamps
        inner.partitions_for(settings.topic(short))
    prod = inner
    if stamps is not None:
        class Stamping:
            def send(self, topic, key=None, value=None):
                stamps.append(time.time())
                return inner.send(topic, key=key, value=value)

            def flush(self):
                inner.flush(timeout=120)
        prod = Stamping()
    t0 = time.monotonic()
    try:
        counts = replay_objects(enumerate(events, 1), settings, producer=prod, max_rate=max_rate)
    finally:
        inner.close(timeout=30)
    counts["seconds"] = time.monotonic() - t0
    return counts


def input_offsets(settings) -> int:
    """Messages in the input topics (end offsets summed)."""
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(**settings.kafka_client_config(), group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(settings.topic(t), p) for t in ("signups", "activity", "labels")
               for p in (c.partitions_for_topic(settings.topic(t)) or ())]
        return sum(c.end_offsets(tps).values())
    finally:
        c.close()


# --------------------------------------------------------------------------- (a) bare consumer

async def _bare(settings, n: int, timeout: float) -> dict:
    import orjson
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from streams.detect import aiokafka_kwargs
    t0 = time.monotonic()
    c = AIOKafkaConsumer(**aiokafka_kwargs(settings), group_id=None, enable_auto_commit=False,
                         auto_offset_reset="earliest")
    await c.start()
    got = 0
    try:
        tps = []
        for t in ("signups", "activity", "labels"):
            parts = c.partitions_for_topic(settings.topic(t))
            if not parts:
                await c._client.force_metadata_update()  # noqa: SLF001 - no public call
                parts = c.partitions_for_topic(settings.topic(t)) or set()
            tps += [TopicPartition(settings.topic(t), p) for p in sorted(parts)]
        c.assign(tps)
        await c.seek_to_beginning(*tps)
        while got < n:
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"bare consumer read {got}/{n} in {timeout}s")
            for msgs in (await c.getmany(timeout_ms=500)).values():
                for m in msgs:
                    orjson.loads(m.value)
                got += len(msgs)
        t_done = time.monotonic()
    finally:
        await c.stop()
    return {"events": got, "seconds": t_done - t0, "events_per_s": got / (t_done - t0)}


def bare_consumer(settings, n: int, broker_pid: Optional[int], timeout: float = 120) -> dict:
    cpu0 = time.process_time()
    meter = CpuMeter(lambda: [broker_pid] if broker_pid else [])
    r = asyncio.run(_bare(settings, n, timeout))
    r["cpu_seconds"] = time.process_time() - cpu0
    r["machine"] = meter.read()
    return r


# --------------------------------------------------------------------------- (b, c) workers

def run_workers(args, broker: Broker, prefix: str, tmp: Path, n_events: int, n_workers: int,
                extra: Optional[dict] = None, deps: Optional[list] = None,
                stop: bool = True, profile: Optional[str] = None):
    """Start ``n_workers`` on a fresh app id over the pre-produced input; time until every
    worker's /readyz applied_events reaches ``n_events``. Returns (result, deployment)."""
    dep = Deployment(args.bootstrap, prefix, tmp, args.code_root, args.session_timeout, extra)
    if deps is not None:
        deps.append(dep)
    dep.create_topics()
    broker_cpu0 = cpu_seconds(broker.pid)
    bpid = broker.pid
    meter = CpuMeter(lambda: [w.pid for w in dep.workers] + ([bpid] if bpid else []))
    t0 = time.monotonic()
    for _ in range(n_workers):
        dep.start_worker()
    spy = None
    try:
        state = [{"up": None, "first": None, "done": None, "leader": False, "applied": 0}
                 for _ in dep.workers]
        while True:
            now = time.monotonic()
            for w, st in zip(dep.workers, state):
                w.check_alive()
                if st["done"] is not None:
                    continue
                code, js = w.readyz()
                if code is not None and st["up"] is None:
                    st["up"] = now - t0
                if js:
                    st["applied"] = js.get("applied_events", 0)
                    st["leader"] = st["leader"] or bool(js.get("leader"))
                    if st["applied"] > 0 and st["first"] is None:
                        st["first"] = now - t0
                        if profile and spy is None and w is dep.workers[0]:
                            spy = start_py_spy(args.py_spy, w.pid, profile, args.profile_seconds)
                    if st["applied"] >= n_events:
                        st["done"] = now - t0
                        st["cpu_seconds"] = cpu_seconds(w.pid)
                        st["rss_mb_at_done"] = (rss_kb(w.pid) or 0) / 1024
            if all(st["done"] is not None for st in state):
                break
            if now - t0 > args.run_timeout:
                raise RuntimeError(f"{n_workers} worker(s): applied {[s['applied'] for s in state]} "
                                   f"of {n_events} after {args.run_timeout}s")
            time.sleep(0.1)
        broker_cpu = cpu_seconds(broker.pid)
        machine = meter.read()
        for w in dep.workers:
            w.sample()
        done = max(st["done"] for st in state)
        first = min(st["first"] for st in state)
        res = {
            "workers": n_workers, "app_id": dep.app_id, "events": n_events,
            "seconds": done, "events_per_s": n_events / done,
            "seconds_from_first_applied": done - first,
            "events_per_s_from_first_applied": n_events / max(done - first, 1e-9),
            "per_worker": [{"port": w.port, "leader": st["leader"],
                            "seconds_to_first_readyz_answer": rnd(st["up"], 2),
                            "seconds_to_first_applied": rnd(st["first"], 2),
                            "seconds_to_all_applied": rnd(st["done"], 2),
                            "cpu_seconds": rnd(st.get("cpu_seconds"), 2),
                            "rss_mb_max": round(w.rss_max / 1024, 1),
                            "rss_mb_at_done": round(st["rss_mb_at_done"], 1)}
                           for w, st in zip(dep.workers, state)],
            "broker_cpu_seconds": rnd(broker_cpu - broker_cpu0, 2) if broker_cpu and broker_cpu0 else None,
            "machine": machine,
        }
        if spy is not None:
            res["profile"] = finish_py_spy(spy)
        return res, dep
    finally:
        if spy is not None and spy[0].poll() is None:
            spy[0].terminate()
        if stop:
            dep.stop()


# --------------------------------------------------------------------------- (d) latency

async def _latency(args, dep: Deployment, workers: list, events: list, rate: float,
                   stamps: list, meter_box: list, pids) -> dict:
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from streams.detect import aiokafka_kwargs
    s = dep.settings
    c = AIOKafkaConsumer(**aiokafka_kwargs(s), group_id=None, enable_auto_commit=False,
                         auto_offset_reset="earliest", fetch_max_wait_ms=100)
    await c.start()
    arrivals: list[tuple[float, bytes]] = []
    loop = asyncio.get_running_loop()
    try:
        topic = s.topic("actions")
        parts = c.partitions_for_topic(topic)
        if not parts:
            await c._client.force_metadata_update()  # noqa: SLF001 - no public call
            parts = c.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        c.assign(tps)
        await c.seek_to_beginning(*tps)
        for tp in tps:  # resolve positions before producing starts
            await c.position(tp)
        t0 = time.monotonic()
        meter_box.append(CpuMeter(pids))
        prod = loop.run_in_executor(None, produce, s, events, rate, stamps)
        applied, last_check, quiet_since = 0, 0.0, None
        n = len(events)
        while True:
            batches = await c.getmany(timeout_ms=100)
            now = time.time()
            for msgs in batches.values():
                for m in msgs:
                    arrivals.append((now, m.value))
            mono = time.monotonic()
            if mono - last_check > (0.1 if args.trace else 0.5):
                last_check = mono
                seen = []
                for w in workers:  # every worker runs the engine: all of them must be done
                    _, js = await loop.run_in_executor(None, w.readyz)
                    seen.append(js.get("applied_events", 0) if js else 0)
                applied = min(seen)
                if args.trace:  # produced vs applied over time: where the worker falls behind
                    with open(args.trace + ".applied", "a") as f:
                        f.write(json.dumps({"t_s": mono - t0, "produced": len(stamps), "applied": applied,
                                            "readyz": js}) + "\n")
            if prod.done() and applied >= n:
                if len(meter_box) == 1:
                    meter_box.append(meter_box[0].read())  # the interval in which events flowed
                quiet_since = quiet_since or mono
                if mono - quiet_since > 3.0:  # decisions of the last events have landed
                    break
            if mono - t0 > n / rate + args.run_timeout:
                raise RuntimeError(f"latency run: applied {applied}/{n} after {mono - t0:.0f}s")
            for w in workers:
                w.check_alive()
        counts = await prod
    finally:
        await c.stop()
    return {"arrivals": arrivals, "produce": counts, "seconds_until_all_applied": quiet_since - t0}


def quantiles_ms(v) -> dict:
    return {"p50_ms": rnd(1000 * pct(v, 50), 1) if v else None,
            "p95_ms": rnd(1000 * pct(v, 95), 1) if v else None,
            "p99_ms": rnd(1000 * pct(v, 99), 1) if v else None,
            "max_ms": rnd(1000 * max(v), 1) if v else None}


def sum_cpu(workers) -> Optional[float]:
    v = [cpu_seconds(x.pid) for x in workers]
    return None if any(c is None for c in v) else sum(v)


def latency_run(args, broker: Broker, tmp: Path, events: list, rate: float, deps: list,
                profile: Optional[str] = None, n_workers: int = 1) -> dict:
    """One paced replay at ``rate`` into a fresh deployment of ``n_workers`` (fresh prefix)."""
    import orjson
    from streams.contract import parse_time
    prefix = f"bench-lat-{uuid.uuid4().hex[:6]}-"
    broker.prefixes.append(prefix)
    dep = Deployment(args.bootstrap, prefix, tmp, args.code_root, args.session_timeout)
    deps.append(dep)
    dep.create_topics()
    spy = None
    try:
        ws = [dep.start_worker() for _ in range(n_workers)]
        cold = max(wait_ready(x, 120) for x in ws)
        if n_workers > 1:  # the group settles (partitions and leadership) before the load
            time.sleep(args.session_timeout / 2)
        w = ws[0]
        if profile:
            spy = start_py_spy(args.py_spy, w.pid, profile, args.profile_seconds, delay=5.0)
        bpid = broker.pid
        cpu0, bcpu0 = sum_cpu(ws), cpu_seconds(bpid)
        stamps: list[float] = []
        box: list = []
        out = asyncio.run(_latency(args, dep, ws, events, rate, stamps, box,
                                   lambda: [x.pid for x in ws] + ([bpid] if bpid else [])))
        cpu1, bcpu1 = sum_cpu(ws), cpu_seconds(bpid)
        for x in ws:  # the leader published: its metrics and counts are the ones to read
            _, js = x.readyz()
            if js and js.get("leader"):
                w = x
        metrics = w.metrics()
        _, js = w.readyz()
        for x in ws:
            x.sample()
    finally:
        if spy is not None and spy[0].poll() is None:
            spy[0].terminate()
        dep.stop()
    # produce wall time per (account, event ms) and per event ms (first event with that ts)
    by_acc: dict = {}
    by_ts: dict = {}
    for ev, t in zip(events, stamps):
        ms = int(round(parse_time(ev["ts"]) * 1000))
        by_acc.setdefault((ev["account_id"], ms), t)
        by_ts.setdefault(ms, t)
    lat, worker_side, out_hop, unmatched = [], [], [], 0
    actions = collections.Counter()
    for arrived, raw in out["arrivals"]:
        d = orjson.loads(raw)
        actions[(d["action"], d.get("mode"))] += 1
        ms = int(round(parse_time(d["ts"]) * 1000))
        t = by_acc.get((d["account_id"], ms), by_ts.get(ms))
        if t is None:
            unmatched += 1
            continue
        lat.append(arrived - t)
        decided = parse_time(d["decided_at"])
        if args.trace:  # one line per decision: latency, decided - produced, produced at
            with open(args.trace, "a") as f:
                f.write(json.dumps({"latency_s": arrived - t, "decided_s": decided - t,
                                    "produced_at_s": t - stamps[0], "action": d["action"],
                                    "wave_id": d.get("wave_id")}) + "\n")
        worker_side.append(decided - t)
        out_hop.append(arrived - decided)
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    busy = out["seconds_until_all_applied"]
    ingest = histogram(metrics, "breakwater_decision_latency_seconds", {"source": "ingest"})
    res = {
        "prefix": prefix, "offered_rate_target": rate, "events": len(stamps),
        "produce_seconds": rnd(span, 2), "offered_rate_achieved": rnd(len(stamps) / span, 1) if span else None,
        "seconds_until_all_applied": rnd(busy, 2),
        "processed_rate": rnd(len(stamps) / busy, 1) if busy else None,
        "kept_up": bool(busy and busy <= span + 2.0),
        "decisions": len(out["arrivals"]), "decisions_matched": len(lat), "decisions_unmatched": unmatched,
        "actions": {f"{a}/{m}": c for (a, m), c in sorted(actions.items())},
        "latency_produce_to_actions_arrival": quantiles_ms(lat),
        "latency_produce_to_decided_at": quantiles_ms(worker_side),
        "latency_decided_at_to_arrival": quantiles_ms(out_hop),
        "worker_metric_ingest": hist_summary(ingest),
        "worker_cold_start_to_ready_s": rnd(cold, 2),
        "worker_cpu_seconds": rnd(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
        "worker_cpu_cores": rnd((cpu1 - cpu0) / busy, 3) if busy and cpu0 is not None and cpu1 is not None else None,
        "broker_cpu_seconds": rnd(bcpu1 - bcpu0, 2) if bcpu0 is not None and bcpu1 is not None else None,
        "applied_events": (js or {}).get("applied_events"), "late_events": (js or {}).get("late_events"),
        "workers": n_workers,
        "rss_mb_max": round(max(x.rss_max for x in ws) / 1024, 1),
        "rss_mb_final": round(max(x.rss_last for x in ws) / 1024, 1),
        "machine": box[1] if len(box) > 1 else None,
    }
    if spy is not None:
        res["profile"] = finish_py_spy(spy)
    return res


# --------------------------------------------------------------------------- (f) recovery

def recovery_run(args, broker: Broker, prefix: str, tmp: Path, n_events: int, deps: list,
                 snapshot_seconds: Optional[float], settle: float = 0.0) -> dict:
    """1 worker applies every event; ``settle`` seconds later kill -9; a new worker starts
    at once: until /readyz is 200, and until its applied_events is back at N."""
    import re
    extra = {} if snapshot_seconds is None else {"BREAKWATER_SNAPSHOT_SECONDS": f"{snapshot_seconds:g}"}
    first, dep = run_workers(args, broker, prefix, tmp, n_events, 1, extra=extra, deps=deps, stop=False)
    try:
        old = dep.workers[0]
        if settle:
            time.sleep(settle)
            old.check_alive()
        t_kill = time.monotonic()
        old.kill9()
        new = dep.start_worker()
        up = ready = caught_up = None
        applied_at_ready = None
        while caught_up is None:
            new.check_alive()
            code, js = new.readyz()
            now = time.monotonic()
            if code is not None and up is None:
                up = now - t_kill
            if code == 200 and ready is None:
                ready = now - t_kill
                applied_at_ready = (js or {}).get("applied_events")
            if js and js.get("applied_events", 0) >= n_events and ready is not None:
                caught_up = now - t_kill
            if now - t_kill > args.run_timeout:
                raise RuntimeError(f"restarted worker: ready={ready} applied={(js or {}).get('applied_events')}"
                                   f" after {args.run_timeout}s:\n{new.log_tail()}")
            time.sleep(0.05)
        text = new.metrics()
        restore = None
        for line in text.splitlines():
            if line.startswith("breakwater_recovery_seconds"):
                restore = float(line.split()[-1])
        log = new.log_tail(200_000)
        m = re.search(r"restored engine snapshot \((\d+) bytes\) at detect offset (-?\d+)", log)
        cur = re.search(r"detect state current at offset (\d+) after ([\d.]+)s", log)
        snap_offset = int(m.group(2)) if m else None
        current = int(cur.group(1)) if cur else None
        replayed = None
        if current is not None:
            replayed = current - snap_offset if snap_offset is not None else current + 1
        return {
            "snapshot_seconds": snapshot_seconds if snapshot_seconds is not None else "default",
            "killed_seconds_after_all_applied": settle,
            "first_run_seconds_to_all_applied": rnd(first["seconds"], 2),
            "seconds_kill_to_first_readyz_answer": rnd(up, 2),
            "seconds_kill_to_ready": rnd(ready, 2),
            "seconds_kill_to_all_applied": rnd(caught_up, 2),
            "worker_recovery_seconds_metric": rnd(restore, 2),
            "snapshot_restored": bool(m), "snapshot_bytes": int(m.group(1)) if m else None,
            "snapshot_detect_offset": snap_offset, "detect_offset_current": current,
            "detect_records_replayed": replayed,
            "applied_events_at_ready": applied_at_ready, "applied_events_expected": n_events,
            "rss_mb_after_restore": round((rss_kb(new.pid) or 0) / 1024, 1),
            "machine_first_run": first["machine"],
        }
    finally:
        dep.stop()


# --------------------------------------------------------------------------- profiling (optional)

def start_py_spy(binary: str, pid: int, out: str, seconds: float, delay: float = 0.0):
    if delay:
        time.sleep(delay)
    cmd = [binary, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
           "--format", "raw", "--nonblocking", "-o", out]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out, int(seconds)


def finish_py_spy(spy, timeout: float = 120) -> dict:
    proc, out, seconds = spy
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        proc.wait(10)
    res = summarize_profile(out)
    if res.get("samples"):
        # py-spy records only threads that are not idle (running or waiting for a CPU):
        # samples / (rate x duration) = how many threads wanted the CPU, on average
        res["busy_threads_avg"] = round(res["samples"] / (200 * seconds), 3)
    return res


CATEGORIES = [  # (name, top-level directory of a frame's file) — first match from the leaf wins
    ("detectors (engine)", "detectors"), ("breakwater streams", "streams"),
    ("faust", "faust"), ("mode", "mode"), ("aiokafka", "aiokafka"), ("kafka-python", "kafka"),
    ("aiohttp", "aiohttp"), ("prometheus_client", "prometheus_client"), ("river", "river"),
    ("numpy", "numpy"), ("orjson", "orjson"), ("asyncio", "asyncio"), ("logging", "logging"),
]
#: Frames every stack shares (the event loop, the CLI): left out of the inclusive list.
GENERIC = ("<frozen runpy>", "asyncio/base_events.py", "asyncio/events.py:Handle._run",
           "streams/cli.py", "streams/worker_cmd.py", "mode/worker.py", "mode/services.py",
           "selectors.py")


def frame_category(f: str) -> Optional[str]:
    where = f.partition(" (")[2]
    parts = where.replace("\\", "/").split("/")
    for name, top in CATEGORIES:
        if top in parts[:-1] or where.startswith(top + "/"):
            return name
    if where.startswith("selectors.py"):
        return "asyncio"
    return None


def summarize_profile(path: str, top: int = 20) -> dict:
    """Self and inclusive shares from py-spy's collapsed stacks."""
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return {"error": f"no profile written to {path}"}
    total = 0
    self_fn: collections.Counter = collections.Counter()
    incl_fn: collections.Counter = collections.Counter()
    self_cat: collections.Counter = collections.Counter()
    for line in lines:
        stack, _, cnt = line.rpartition(" ")
        try:
            n = int(cnt)
        except ValueError:
            continue
        total += n
        frames = stack.split(";")
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        names = [short_frame(f) for f in frames]
        self_fn[names[-1]] += n
        for nm in set(names):
            if not nm.startswith(GENERIC):
                incl_fn[nm] += n
        cat = next((c for c in map(frame_category, reversed(frames)) if c), "other")
        self_cat[cat] += n

    def share(counter):
        return [[k, round(v / total, 3)] for k, v in counter.most_common(top)]
    return {"file": path, "samples": total, "self_by_component": share(self_cat),
            "self_top_functions": share(self_fn), "inclusive_top_functions": share(incl_fn)}


def short_frame(f: str) -> str:
    """'func (path/to/pkg/mod.py:123)' -> 'pkg/mod.py:func'."""
    name, _, where = f.partition(" (")
    where = where.rstrip(")")
    file = where.rsplit(":", 1)[0]
    parts = file.split("/")
    return f"{'/'.join(parts[-2:])}:{name}"


# --------------------------------------------------------------------------- report

def fmt(x, spec=",.0f"):
    return "-" if x is None else format(x, spec)


def print_report(r: dict) -> None:
    if "throughput" in r:
        tp = r["throughput"]["median"]
        print("\n== Throughput (input: %s events; medians of %d repetitions) ==" % (
            f"{r['input']['events']:,}", len(r["throughput"]["runs"])))
        print(f"{'':30}{'events/s':>10}{'ratio':>8}{'steady ev/s':>13}{'ratio':>8}{'others':>8}")
        print(f"{'(a) bare aiokafka consumer':30}{fmt(tp['bare_events_per_s']):>10}{'1.000':>8}"
              f"{'':>13}{'':>8}{fmt(tp['bare_other_cores'], '.2f'):>8}")
        for k, label in (("w1", "(b) Breakwater, 1 worker"), ("w2", "(c) Breakwater, 2 workers")):
            print(f"{label:30}{fmt(tp[k + '_events_per_s']):>10}{fmt(tp[k + '_ratio'], '.3f'):>8}"
                  f"{fmt(tp[k + '_events_per_s_steady']):>13}{fmt(tp[k + '_ratio_steady'], '.3f'):>8}"
                  f"{fmt(tp[k + '_other_cores'], '.2f'):>8}")
        print("  events/s: process start -> last event applied; steady: first -> last event applied;"
              " ratio: to (a) of the same repetition;\n  others: cores used by processes that are not"
              " part of the benchmark during the run (noise).")
        print(f"  goal ratio >= 0.30: 1 worker {'MET' if (tp['w1_ratio'] or 0) >= 0.3 else 'NOT MET'}, "
              f"2 workers {'MET' if (tp['w2_ratio'] or 0) >= 0.3 else 'NOT MET'}")
    if "latency" in r:
        print(f"\n== Decision latency, {r['args'].get('latency_workers', 1)} worker(s), produce -> arrival "
              f"on actions (medians of "
              f"{r['args']['reps']} runs per rate) ==")
        print(f"{'offered/s':>10}{'events':>8}{'kept up':>9}{'processed/s':>12}{'p50':>9}{'p95':>9}{'p99':>9}"
              f"{'max':>9}{'metric p99':>11}{'decisions':>10}{'others':>8}")
        for rate, v in r["latency"]["by_rate"].items():
            m = v["median"]
            a = m["produce_to_arrival"]
            print(f"{fmt(float(rate)):>10}{fmt(m['events']):>8}{m['kept_up']:>9}{fmt(m['processed_rate']):>12}"
                  f"{fmt(a['p50_ms'], '.0f'):>9}{fmt(a['p95_ms'], '.0f'):>9}{fmt(a['p99_ms'], '.0f'):>9}"
                  f"{fmt(a['max_ms'], '.0f'):>9}{fmt(m['worker_ingest_metric']['p99_ms'], '.0f'):>11}"
                  f"{fmt(m['decisions']):>10}{fmt(m['other_cores'], '.2f'):>8}")
        print("  ms; metric p99: the worker's breakwater_decision_latency_seconds{source=\"ingest\"} "
              "(bucket-interpolated); kept up: all events applied within 2 s of the last produce.")
        goal = r["latency"]["by_rate"].get(f"{r['args']['goal_rate']:g}")
        if goal:
            p99 = goal["median"]["produce_to_arrival"]["p99_ms"]
            print(f"  goal p99 <= 200 ms at {r['args']['goal_rate']:,.0f}/s: "
                  f"{'MET' if p99 is not None and p99 <= 200 else 'NOT MET'}")
    if r.get("rss"):
        print("\n== Worker RSS (MB; max over runs) ==")
        for k, v in r["rss"].items():
            print(f"  {k:44} max {fmt(v['max'], '.0f'):>5}   at end {fmt(v['final'], '.0f'):>5}")
    if "recovery" in r:
        print(f"\n== Recovery after kill -9 of the only worker (medians of {r['args']['reps']}) ==")
        print(f"{'snapshots, kill':38}{'->readyz 200 s':>15}{'->all applied s':>17}{'restore s':>11}"
              f"{'snap@':>8}{'replayed':>10}")
        for k, v in r["recovery"]["median"].items():
            print(f"{k:38}{fmt(v['seconds_kill_to_ready'], '.1f'):>15}{fmt(v['seconds_kill_to_all_applied'], '.1f'):>17}"
                  f"{fmt(v['worker_recovery_seconds_metric'], '.2f'):>11}{fmt(v['snapshot_detect_offset']):>8}"
                  f"{fmt(v['detect_records_replayed']):>10}")
        print("  seconds from the kill; kill at once = as soon as all events were applied, settled = one snapshot\n"
              "  interval + 5 s later; restore: the new worker's breakwater_recovery_seconds; snap@: detect offset\n"
              "  the restored snapshot covers; replayed: detect records read after it; session timeout "
              f"{r['args']['session_timeout']:g} s")


# --------------------------------------------------------------------------- main

def float_list(p: argparse.ArgumentParser, flag: str, text: str) -> list[float]:
    """``"2000,500"`` -> ``[2000.0, 500.0]``; a parser error naming ``flag`` otherwise."""
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        p.error(f"{flag}: not a list of numbers: {text!r}")


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="End-to-end stream benchmark of Breakwater on a real Kafka broker: throughput "
                    "of 1 and 2 workers as a ratio to a bare aiokafka consumer, decision latency at "
                    "fixed offered loads, worker RSS and recovery after kill -9. Prints tables and "
                    "writes JSON.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--bootstrap", default=DEFAULT_BOOTSTRAP,
                   help="broker to use; one is started there (and stopped at the end) if none answers")
    p.add_argument("--keep-broker", action="store_true", help="leave a broker this run started running")
    p.add_argument("--seed", type=int, default=1, help="simulation seed")
    p.add_argument("--hours", type=float, default=6.0, help="simulated hours of input (6 h = ~58k events)")
    p.add_argument("--scenario", default="default", help="simulation scenario")
    p.add_argument("--reps", type=int, default=3, help="repetitions of every measurement")
    p.add_argument("--rates", default="2000,500",
                   help="offered loads of the latency runs, events/s; the first is the goal's")
    p.add_argument("--latency-workers", type=int, default=1,
                   help="workers (one consumer group) in each latency run")
    p.add_argument("--latency-seconds", type=float, default=30.0,
                   help="length of the paced replay of each latency run")
    p.add_argument("--small-snapshot", type=float, default=2.0,
                   help="BREAKWATER_SNAPSHOT_SECONDS of the 'small' recovery runs")
    p.add_argument("--session-timeout", type=float, default=10.0,
                   help="BREAKWATER_SESSION_TIMEOUT of the workers (the Settings default is 10)")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: throughput,latency,recovery")
    p.add_argument("--run-timeout", type=float, default=300.0, help="bound of one run, seconds")
    p.add_argument("--max-minutes", type=float, default=150.0, help="bound of the whole benchmark")
    add_quiet_args(p)
    p.add_argument("--code", choices=("worktree", "head"), default="worktree",
                   help="measure the working tree, or a clean export of HEAD")
    p.add_argument("--py-spy", metavar="BIN",
                   help="path of a py-spy binary: adds one profiled (not counted) 1-worker catch-up run "
                        "and one profiled latency run at the goal rate; summaries go into the JSON")
    p.add_argument("--profile-seconds", type=float, default=15.0, help="length of each py-spy recording")
    p.add_argument("--trace", metavar="FILE", help="latency runs: append one JSON line per decision "
                   "to FILE and the produced/applied counts every 0.1 s to FILE.applied")
    p.add_argument("--keep-logs", metavar="DIR", help="copy the workers' logs into DIR at the end")
    p.add_argument("--profile-dir", default=os.path.join(tempfile.gettempdir(), "bw-bench-profiles"),
                   help="where the raw py-spy stacks (collapsed format) are kept")
    p.add_argument("--out", default=str(RESULTS / "stream.json"), help="JSON output")
    args = p.parse_args(argv)
    args.rate_list = float_list(p, "--rates", args.rates)
    if not args.rate_list:
        p.error("--rates: give at least one rate")
    args.goal_rate = args.rate_list[0]
    return args


def add_quiet_args(p) -> None:
    p.add_argument("--quiet-wait", type=float, default=60.0,
                   help="before each measured run, wait at most this long for other processes to calm down")
    p.add_argument("--quiet-threshold", type=float, default=0.5,
                   help="cores other processes may use for the machine to count as quiet")


def install_signal_handlers() -> None:
    """SIGTERM (and SIGHUP unless ignored, as under nohup) end the run like Ctrl-C: every
    finally runs, workers and broker stop."""
    def stop(signum, _frame):
        print(f"\nstopping: received {signal.Signals(signum).name}", file=sys.stderr, flush=True)
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, stop)


def main(argv=None) -> int:
    args = parse_args(argv)
    install_signal_handlers()
    args.code_root = prepare_code(args.code)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    result: dict = {"benchmark": "bench/bench_stream.py",
                    "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "machine": machine_info(), "code": code_info(args.code, args.code_root),
                    "args": {k: v for k, v in vars(args).items() if k != "code_root"},
                    "goals": {"p99_decision_latency_ms": 200, "at_offered_events_per_s": 2000,
                              "throughput_ratio_to_bare": 0.30}}
    deps: list[Deployment] = []
    with tempfile.TemporaryDirectory(prefix="bw-bench-") as td, Watchdog(args.max_minutes):
        tmp = Path(td)
        with Broker(args.bootstrap, keep=args.keep_broker, log=lambda m: print(m, file=sys.stderr)) as broker, \
                RssSampler(deps):
            try:
                run_all(args, broker, tmp, deps, skip, result)
            finally:
                for d in deps:
                    d.stop()
                if args.keep_logs:
                    Path(args.keep_logs).mkdir(parents=True, exist_ok=True)
                    for f in tmp.glob("*.log"):
                        shutil.copy(f, args.keep_logs)
    result["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print_report(result)
    print(f"\nwritten: {args.out}")
    return 0


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_all(args, broker: Broker, tmp: Path, deps: list, skip: set, result: dict) -> None:
    from streams.settings import Settings
    from streams.topics import create_topics
    events, stats = make_input(args.seed, args.hours, args.scenario)
    n = len(events)
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    broker.prefixes.append(prefix)
    s = Settings(kafka_bootstrap=args.bootstrap, topic_prefix=prefix, app_id="bw-bench-input")
    create_topics(s, log=lambda m: None)
    say(f"producing {n:,} events into {prefix}signups/activity/labels ...")
    counts = produce(s, events)
    in_topics = input_offsets(s)
    if in_topics != n:
        raise RuntimeError(f"input topics hold {in_topics} messages, expected {n}")
    result["input"] = {"seed": args.seed, "hours": args.hours, "scenario": args.scenario, "events": n,
                       "by_topic": {k: counts[k] for k in ("signups", "activity", "labels")},
                       "accounts": stats.get("accounts"), "spam_accounts": stats.get("spam"),
                       "produce_seconds": rnd(counts["seconds"], 2), "prefix": prefix}
    rss: dict = {}

    def note_rss(key, mx, final):
        r = rss.setdefault(key, {"max": 0.0, "final": 0.0})
        r["max"] = max(r["max"], mx)
        r["final"] = max(r["final"], final)

    if "throughput" not in skip:
        runs = []
        for rep in range(args.reps):
            say(f"throughput rep {rep + 1}/{args.reps}: bare consumer")
            own = lambda: [broker.pid] if broker.pid else []  # noqa: E731
            q = wait_quiet(args, own)
            bare = bare_consumer(s, n, broker.pid)
            bare["quiet"] = q
            say(f"  bare: {bare['events_per_s']:,.0f} events/s; 1 worker ...")
            q = wait_quiet(args, own)
            w1, _ = run_workers(args, broker, prefix, tmp, n, 1, deps=deps)
            w1["quiet"] = q
            say(f"  1 worker: {w1['events_per_s']:,.0f} events/s "
                f"(others used {w1['machine']['other_processes_cores']} cores); 2 workers ...")
            q = wait_quiet(args, own)
            w2, _ = run_workers(args, broker, prefix, tmp, n, 2, deps=deps)
            w2["quiet"] = q
            say(f"  2 workers: {w2['events_per_s']:,.0f} events/s "
                f"(others used {w2['machine']['other_processes_cores']} cores)")
            for w in w1["per_worker"]:
                note_rss("throughput run, 1 worker", w["rss_mb_max"], w["rss_mb_at_done"])
            for w in w2["per_worker"]:
                note_rss("throughput run, 2 workers (each)", w["rss_mb_max"], w["rss_mb_at_done"])
            runs.append({"bare": bare, "w1": w1, "w2": w2,
                         "w1_ratio": w1["events_per_s"] / bare["events_per_s"],
                         "w2_ratio": w2["events_per_s"] / bare["events_per_s"],
                         "w1_ratio_steady": w1["events_per_s_from_first_applied"] / bare["events_per_s"],
                         "w2_ratio_steady": w2["events_per_s_from_first_applied"] / bare["events_per_s"]})
        m = {"bare_events_per_s": med(r["bare"]["events_per_s"] for r in runs),
             "bare_other_cores": med(r["bare"]["machine"]["other_processes_cores"] for r in runs),
             "bare_cpu_seconds_per_1k_events": med(1000 * r["bare"]["cpu_seconds"] / n for r in runs)}
        for k in ("w1", "w2"):
            m[k + "_events_per_s"] = med(r[k]["events_per_s"] for r in runs)
            m[k + "_events_per_s_steady"] = med(r[k]["events_per_s_from_first_applied"] for r in runs)
            m[k + "_ratio"] = med(r[k + "_ratio"] for r in runs)
            m[k + "_ratio_steady"] = med(r[k + "_ratio_steady"] for r in runs)
            m[k + "_seconds_to_first_applied"] = med(
                min(w["seconds_to_first_applied"] for w in r[k]["per_worker"]) for r in runs)
            m[k + "_worker_cpu_seconds_per_1k_events"] = med(
                1000 * sum(w["cpu_seconds"] or 0 for w in r[k]["per_worker"]) / n for r in runs)
            m[k + "_broker_cpu_seconds"] = med(r[k]["broker_cpu_seconds"] for r in runs)
            m[k + "_other_cores"] = med(r[k]["machine"]["other_processes_cores"] for r in runs)
        result["throughput"] = {"runs": runs, "median": {k: rnd(v, 4) for k, v in m.items()}}
        write_partial(args, result)

    if "latency" not in skip:
        most = int(max(args.rate_list) * args.latency_seconds)
        lat_events, _ = make_input(args.seed + 1000, max(args.hours, 1.0), args.scenario)
        while len(lat_events) < most:  # a longer simulation when the rate asks for more events
            lat_events, _ = make_input(args.seed + 1000, args.hours * most / len(lat_events) * 1.1,
                                       args.scenario)
        by_rate = {}
        for rate in args.rate_list:
            evs = lat_events[:int(rate * args.latency_seconds)]
            lruns = []
            for rep in range(args.reps):
                say(f"latency {rate:,.0f}/s rep {rep + 1}/{args.reps}: {len(evs):,} events")
                q = wait_quiet(args, lambda: [broker.pid] if broker.pid else [])
                lr = latency_run(args, broker, tmp, evs, rate, deps, n_workers=args.latency_workers)
                lr["quiet"] = q
                a = lr["latency_produce_to_actions_arrival"]
                say(f"  p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms, max {a['max_ms']} ms, "
                    f"{lr['decisions']} decisions, processed {lr['processed_rate']}/s "
                    f"(others used {(lr['machine'] or {}).get('other_processes_cores')} cores)")
                lruns.append(lr)
                note_rss(f"latency run at {rate:g}/s, {args.latency_workers} worker(s)", lr["rss_mb_max"],
                         lr["rss_mb_final"])

            def mq(key):
                return {q: rnd(med(r[key][q] for r in lruns), 1) for q in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
            ingest = {f"p{q}_ms": rnd(med(1000 * r["worker_metric_ingest"][f"p{q}_s"]
                                          if r["worker_metric_ingest"][f"p{q}_s"] is not None else None
                                          for r in lruns), 1) for q in (50, 95, 99)}
            by_rate[f"{rate:g}"] = {"runs": lruns, "median": {
                "events": len(evs), "produce_to_arrival": mq("latency_produce_to_actions_arrival"),
                "produce_to_decided": mq("latency_produce_to_decided_at"),
                "decided_to_arrival": mq("latency_decided_at_to_arrival"),
                "worker_ingest_metric": ingest,
                "decisions": med(r["decisions"] for r in lruns),
                "offered_rate_achieved": med(r["offered_rate_achieved"] for r in lruns),
                "processed_rate": med(r["processed_rate"] for r in lruns),
                "kept_up": f"{sum(r['kept_up'] for r in lruns)}/{len(lruns)}",
                "worker_cpu_cores": med(r["worker_cpu_cores"] for r in lruns),
                "worker_cold_start_to_ready_s": med(r["worker_cold_start_to_ready_s"] for r in lruns),
                "other_cores": med((r["machine"] or {}).get("other_processes_cores") for r in lruns)}}
        result["latency"] = {"input": {"seed": args.seed + 1000, "events_available": len(lat_events),
                                       "seconds_per_run": args.latency_seconds}, "by_rate": by_rate}
        write_partial(args, result)

    if "recovery" not in skip:
        from streams.settings import Settings as _S
        default = _S().snapshot_seconds
        rec_runs = []
        cases = [(snap, kill) for kill in ("at once", "settled") for snap in (args.small_snapshot, None)]
        for rep in range(args.reps):
            for snap, kill in cases:
                every = snap if snap else default
                settle = 0.0 if kill == "at once" else every + 5.0
                say(f"recovery rep {rep + 1}/{args.reps}: snapshot every {every:g} s"
                    f"{'' if snap else ' (default)'}, kill {kill} ({settle:g} s after all applied)")
                q = wait_quiet(args, lambda: [broker.pid] if broker.pid else [])
                rr = recovery_run(args, broker, prefix, tmp, n, deps, snap, settle)
                rr["quiet"] = q
                rr["kill"] = kill
                say(f"  kill -> ready {rr['seconds_kill_to_ready']} s, -> all applied "
                    f"{rr['seconds_kill_to_all_applied']} s, replayed {rr['detect_records_replayed']}")
                rec_runs.append(rr)
        medians = {}
        for snap, kill in cases:
            key = f"every {snap:g} s, kill {kill}" if snap else f"every {default:g} s (default), kill {kill}"
            rs = [r for r in rec_runs if r["kill"] == kill and (r["snapshot_seconds"] == "default") == (snap is None)]
            medians[key] = {k: rnd(med(r[k] for r in rs), 2) for k in (
                "seconds_kill_to_first_readyz_answer", "seconds_kill_to_ready", "seconds_kill_to_all_applied",
                "worker_recovery_seconds_metric", "detect_records_replayed", "snapshot_bytes",
                "snapshot_detect_offset", "detect_offset_current", "first_run_seconds_to_all_applied",
                "killed_seconds_after_all_applied")}
            medians[key]["snapshot_restored"] = all(r["snapshot_restored"] for r in rs)
            medians[key]["applied_at_ready"] = [r["applied_events_at_ready"] for r in rs]
        result["recovery"] = {"runs": rec_runs, "median": medians}
        write_partial(args, result)

    if args.py_spy:
        say("profiling: one 1-worker catch-up run and one latency run under py-spy (not counted)")
        prof = {}
        pr, _ = run_workers(args, broker, prefix, tmp, n, 1, deps=deps,
                            profile=profile_path(args, "stream-catchup"))
        prof["catch_up_1_worker"] = {"events_per_s_under_profiler": rnd(pr["events_per_s"], 1),
                                     **pr.get("profile", {})}
        most = int(args.goal_rate * args.latency_seconds)
        lat_events, _ = make_input(args.seed + 1000, max(args.hours, 1.0), args.scenario)
        lr = latency_run(args, broker, tmp, lat_events[:most], args.goal_rate, deps,
                         profile=profile_path(args, "stream-latency"))
        prof[f"latency_run_{args.goal_rate:g}_per_s"] = {
            "p99_ms_under_profiler": lr["latency_produce_to_actions_arrival"]["p99_ms"], **lr.get("profile", {})}
        result["profile"] = prof
    result["rss"] = {k: {"max": round(v["max"], 1), "final": round(v["final"], 1)} for k, v in rss.items()}


def profile_path(args, name: str) -> str:
    os.makedirs(args.profile_dir, exist_ok=True)
    return os.path.join(args.profile_dir, f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.txt")


def write_partial(args, result) -> None:
    """What was measured so far, outside the repository, in case a later part fails."""
    Path(tempfile.gettempdir(), Path(args.out).stem + ".partial.json").write_text(
        json.dumps(result, indent=1, default=str) + "\n")


if __name__ == "__main__":
    sys.exit(main())
