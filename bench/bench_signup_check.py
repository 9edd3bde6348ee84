#!/usr/bin/env python3
"""Open-loop load generator for ``POST /v1/signup-check`` (issue 5, item 1).

Not a test: it prints figures and writes them to ``bench/results/signup_check.json``.

One worker on a fresh deployment of our own broker (127.0.0.1:29092 by default) is
warmed up first: the first hours of a seeded simulation (signups, activity and labels,
waves included) are replayed into its input topics and applied. Then requests are
sent on a fixed schedule (open loop: request i is due at ``t0 + i / rate`` whether or
not earlier ones were answered), each body a signup of the *same* simulation after the
warm-up (``truth`` stripped, every body a distinct account), so checks meet waves that
are forming and active. The first ``--warmup`` seconds of every repetition are not
counted. Latency is measured from the due time (so a stalled server or a late client
shows up) and from the actual send; the worker's own histogram
``breakwater_signup_check_duration_seconds`` is read from /metrics before and after the
counted window.

The generator, the worker and the broker share this machine's cores.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_stream as common  # noqa: E402 - the shared helpers live next to this file

RESULTS = HERE / "results"
CLIENT = ["raw"]  # set from --client


# --------------------------------------------------------------------------- load

async def open_loop(url: str, bodies: list[bytes], rate: float, warmup: float, metrics_url: str,
                    timeout: float, limit: int) -> dict:
    """Send ``bodies`` at ``rate``/s on a fixed schedule; return per-request records and
    the worker's /metrics page at the start and at the end of the counted window."""
    import aiohttp
    import gc
    # the generator's own garbage collections (it holds every request's task and record)
    # stalled it by up to ~240 ms and showed up as the server's latency: off for the run
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        if CLIENT[0] == "raw":
            return await _open_loop_raw(url, bodies, rate, warmup, metrics_url, timeout, limit)
        return await _open_loop(aiohttp, url, bodies, rate, warmup, metrics_url, timeout, limit)
    finally:
        gc.enable()
        gc.unfreeze()


def record(due: float, sent: float, done: float, status, body: Optional[bytes]) -> tuple:
    """One request's record: times, status, and (decision, enqueued, state_ready) of a 200."""
    decision = None
    if status == 200:
        try:
            js = json.loads(body)
            decision = (js.get("decision"), js.get("enqueued"), js.get("state_ready"))
        except ValueError:
            status = "bad json"
    return (due, sent, done, status, decision)


class _Conn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the raw client: one request in flight."""

    def __init__(self, done):
        self.done = done          # callback(conn, status, body)
        self.buf = bytearray()
        self.need = None
        self.transport = None
        self.lost = False

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.lost = True
        self.done(self, "connection lost", b"")

    def data_received(self, data):
        self.buf += data
        while True:
            if self.need is None:
                h = self.buf.find(b"\r\n\r\n")
                if h < 0:
                    return
                head = bytes(self.buf[:h]).lower()
                self.status = int(head[9:12])
                k = head.find(b"content-length:")
                e = head.find(b"\r\n", k) if k >= 0 else -1
                length = 0 if k < 0 else int(head[k + 15:e if e > 0 else len(head)])
                self.start, self.need = h + 4, h + 4 + length
            if len(self.buf) < self.need:
                return
            body = bytes(self.buf[self.start:self.need])
            del self.buf[:self.need]
            self.need = None
            self.done(self, self.status, body)


async def _open_loop_raw(url, bodies, rate, warmup, metrics_url, timeout, limit) -> dict:
    """The same open-loop schedule with a lean client: raw asyncio connections and
    pre-built requests (~10x less client CPU than aiohttp, so the generator competes less
    with the worker for the two cores and is late less often)."""
    import urllib.parse
    import urllib.request
    u = urllib.parse.urlsplit(url)
    host, port = u.hostname, u.port
    head = (f"POST {u.path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            "Content-Length: ").encode()
    loop = asyncio.get_running_loop()
    records: list = [None] * len(bodies)
    pages: dict = {}
    free: list = []
    waiting: collections.deque = collections.deque()
    inflight: dict = {}
    all_done = asyncio.Event()
    left = [len(bodies)]

    def finish(conn, status, body):
        job = inflight.pop(conn, None)
        if job is None:
            return
        i, due, sent = job
        records[i] = record(due, sent, loop.time(), status, body)
        left[0] -= 1
        if not left[0]:
            all_done.set()
        if not conn.lost:
            if waiting:
                start(conn, *waiting.popleft())
            else:
                free.append(conn)

    def start(conn, i, due):
        inflight[conn] = (i, due, loop.time())
        b = bodies[i]
        conn.transport.write(head + str(len(b)).encode() + b"\r\n\r\n" + b)

    opened = [0]

    async def submit(i, due):
        while free:
            conn = free.pop()
            if not conn.lost:
                start(conn, i, due)
                return
        if opened[0] < limit:
            opened[0] += 1
            try:
                _, conn = await loop.create_connection(lambda: _Conn(finish), host, port)
            except OSError as exc:
                records[i] = (due, loop.time(), loop.time(), type(exc).__name__, None)
                left[0] -= 1
                opened[0] -= 1
                return
            start(conn, i, due)
        else:
            waiting.append((i, due))

    def scrape(key: str) -> None:
        with urllib.request.urlopen(metrics_url, timeout=10) as r:
            pages[key] = (loop.time(), r.read().decode())

    t0 = loop.time() + 0.2
    window_start = t0 + warmup
    scraped = False
    tasks = []
    for i in range(len(bodies)):
        due = t0 + i / rate
        if not scraped and due >= window_start:
            tasks.append(loop.run_in_executor(None, scrape, "start"))
            scraped = True
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await submit(i, due)
    try:
        await asyncio.wait_for(all_done.wait(), timeout)
    except asyncio.TimeoutError:
        pass
    for i, r in enumerate(records):
        if r is None:
            records[i] = (t0 + i / rate, None, None, "TimeoutError", None)
    await asyncio.gather(*tasks)
    await loop.run_in_executor(None, scrape, "end")
    for conn in list(free) + list(inflight):
        conn.transport.close()
    return {"t0": t0, "window_start": window_start, "records": records, "pages": pages}


async def _open_loop(aiohttp, url, bodies, rate, warmup, metrics_url, timeout, limit) -> dict:
    conn = aiohttp.TCPConnector(limit=limit, force_close=False)
    records: list = [None] * len(bodies)
    pages: dict = {}
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        loop = asyncio.get_running_loop()

        async def one(i: int, due: float) -> None:
            sent = loop.time()
            status, body = None, None
            try:
                async with session.post(url, data=bodies[i], headers=headers) as r:
                    status = r.status
                    body = await r.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                status = type(exc).__name__
            records[i] = record(due, sent, loop.time(), status, body)

        async def scrape(key: str) -> None:
            async with session.get(metrics_url) as r:
                pages[key] = (loop.time(), await r.text())

        t0 = loop.time() + 0.2
        tasks = []
        window_start = t0 + warmup
        scraped = False
        for i in range(len(bodies)):
            due = t0 + i / rate
            if not scraped and due >= window_start:
                tasks.append(asyncio.ensure_future(scrape("start")))
                scraped = True
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(i, due)))
        await asyncio.gather(*tasks)
        await scrape("end")
    return {"t0": t0, "window_start": window_start, "records": records, "pages": pages}


def summarize(out: dict, truths: list, rate: float) -> dict:
    counted = [(r, t) for r, t in zip(out["records"], truths) if r is not None and r[0] >= out["window_start"]]
    lat_due = [r[2] - r[0] for r, _ in counted if r[3] == 200]
    lat_sent = [r[2] - r[1] for r, _ in counted if r[3] == 200]
    late_start = [r[1] - r[0] for r, _ in counted]
    errors = collections.Counter(str(r[3]) for r, _ in counted if r[3] != 200)
    decisions = collections.Counter(r[4][0] for r, _ in counted if r[3] == 200)
    by_truth: dict = {}
    for r, t in counted:
        if r[3] == 200:
            by_truth.setdefault(t, collections.Counter())[r[4][0]] += 1
    not_enqueued = sum(1 for r, _ in counted if r[3] == 200 and r[4][1] is False)
    not_ready = sum(1 for r, _ in counted if r[3] == 200 and r[4][2] is False)
    span = counted[-1][0][0] - counted[0][0][0] if len(counted) > 1 else 0.0
    before = common.histogram(out["pages"]["start"][1], "breakwater_signup_check_duration_seconds")
    after = common.histogram(out["pages"]["end"][1], "breakwater_signup_check_duration_seconds")

    def q(v):
        return {k: (None if x is None else round(x, 2)) for k, x in (
            ("p50_ms", 1000 * common.pct(v, 50) if v else None),
            ("p95_ms", 1000 * common.pct(v, 95) if v else None),
            ("p99_ms", 1000 * common.pct(v, 99) if v else None),
            ("max_ms", 1000 * max(v) if v else None))}
    return {
        "requests": len(counted), "ok": len(lat_due), "errors": sum(errors.values()),
        "errors_by_kind": dict(errors), "offered_rate": round((len(counted) - 1) / span, 1) if span else None,
        "target_rate": rate,
        "latency_from_due": q(lat_due), "latency_from_send": q(lat_sent),
        "client_send_lateness": q(late_start),
        "decisions": dict(decisions),
        "decisions_by_truth": {k: dict(v) for k, v in by_truth.items()},
        "not_enqueued": not_enqueued, "state_not_ready": not_ready,
        "worker_histogram": common.hist_summary(common.hist_diff(after, before)),
        "worker_loop_lag": stall_summary(out["pages"], "breakwater_event_loop_lag_seconds"),
        "worker_gc_pauses": {g: stall_summary(out["pages"], "breakwater_gc_pause_seconds", {"generation": g})
                             for g in ("0", "1", "2")},
    }


def stall_summary(pages: dict, name: str, labels: Optional[dict] = None) -> dict:
    """Count, p99 and how many observations exceeded 10 ms / 50 ms in the counted window."""
    b = common.hist_diff(common.histogram(pages["end"][1], name, labels),
                         common.histogram(pages["start"][1], name, labels))
    if not b:
        return {"count": 0}
    total = b[-1][1]
    at = dict(b)
    return {"count": int(total), "p99_s": common.rnd(common.hist_quantile(b, 0.99), 5),
            "over_10ms": int(total - at.get(0.01, total)), "over_50ms": int(total - at.get(0.05, total)),
            "over_250ms": int(total - at.get(0.25, total))}


# --------------------------------------------------------------------------- main

def keep_logs(deps: list, where: str) -> None:
    """Copy the workers' logs (stall reports included) out of the temporary directory."""
    import shutil
    Path(where).mkdir(parents=True, exist_ok=True)
    for d in deps:
        for w in d.workers:
            if w.log_path.exists():
                shutil.copy(w.log_path, Path(where) / w.log_path.name)
    print(f"worker logs kept in {where}", file=sys.stderr)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Open-loop load generator for POST /v1/signup-check against one warmed-up worker "
                    "on a real Kafka broker. Prints latency percentiles, errors and decisions; writes JSON.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--bootstrap", default=common.DEFAULT_BOOTSTRAP,
                   help="broker to use; one is started there (and stopped at the end) if none answers")
    p.add_argument("--keep-broker", action="store_true", help="leave a broker this run started running")
    p.add_argument("--seed", type=int, default=2, help="simulation seed")
    p.add_argument("--scenario", default="default", help="simulation scenario")
    p.add_argument("--warm-hours", type=float, default=2.0,
                   help="simulated hours replayed into the worker before the checks (waves start within them)")
    p.add_argument("--rate", type=float, default=500.0, help="requests per second")
    p.add_argument("--duration", type=float, default=20.0, help="counted seconds per repetition")
    p.add_argument("--warmup", type=float, default=5.0, help="uncounted seconds at the start of each repetition")
    p.add_argument("--reps", type=int, default=3, help="repetitions (each with new signups)")
    p.add_argument("--scan", default="100,200,300",
                   help="after the repetitions, one shorter run (--scan-duration) at each of these rates, "
                        "to see where the goal stops holding; empty for none")
    p.add_argument("--scan-duration", type=float, default=10.0, help="counted seconds of each scan run")
    p.add_argument("--timeout", type=float, default=5.0, help="per-request timeout, seconds")
    p.add_argument("--connections", type=int, default=256, help="client connection pool size")
    p.add_argument("--session-timeout", type=float, default=10.0, help="BREAKWATER_SESSION_TIMEOUT")
    common.add_quiet_args(p)
    p.add_argument("--code", choices=("worktree", "head"), default="worktree",
                   help="measure the working tree, or a clean export of HEAD")
    p.add_argument("--py-spy", metavar="BIN", help="py-spy binary: profile the worker during one extra, "
                                                   "uncounted repetition")
    p.add_argument("--client", choices=("raw", "aiohttp"), default="raw",
                   help="load generator: raw asyncio connections (lean) or aiohttp")
    p.add_argument("--log-dir", default=str(Path(tempfile.gettempdir()) / "bw-bench-logs"),
                   help="where the workers' logs are copied at the end (grep 'blocked' for stalls)")
    p.add_argument("--profile-dir", default=str(Path(tempfile.gettempdir()) / "bw-bench-profiles"),
                   help="where the raw py-spy stacks are kept")
    p.add_argument("--max-minutes", type=float, default=20.0, help="bound of the whole benchmark")
    p.add_argument("--out", default=str(RESULTS / "signup_check.json"), help="JSON output")
    args = p.parse_args(argv)
    args.scan_rates = common.float_list(p, "--scan", args.scan)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    CLIENT[0] = args.client
    common.install_signal_handlers()
    args.code_root = common.prepare_code(args.code)
    result = {"benchmark": "bench/bench_signup_check.py",
              "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": common.machine_info(), "code": common.code_info(args.code, args.code_root),
              "args": {k: v for k, v in vars(args).items() if k != "code_root"},
              "goal": {"p99_ms": 10, "at_requests_per_s": 500},
              "note": "the load generator, the worker and the Kafka broker share the same cores"}
    deps: list = []
    with tempfile.TemporaryDirectory(prefix="bw-bench-check-") as td, common.Watchdog(args.max_minutes):
        with common.Broker(args.bootstrap, keep=args.keep_broker,
                           log=lambda m: print(m, file=sys.stderr)) as broker, common.RssSampler(deps):
            try:
                run(args, broker, Path(td), deps, result)
            finally:
                for d in deps:
                    d.stop()
                keep_logs(deps, args.log_dir)
    result["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    report(result)
    print(f"\nwritten: {args.out}")
    return 0


def run(args, broker, tmp: Path, deps: list, result: dict) -> None:
    import orjson
    from offline.simulate import generate
    from streams.contract import parse_time
    per_rep = int(args.rate * (args.warmup + args.duration))
    scan_n = [int(r * (args.warmup + args.scan_duration)) for r in args.scan_rates]
    needed = per_rep * (args.reps + (1 if args.py_spy else 0)) + sum(scan_n)
    hours = args.warm_hours + needed / 1400 + 1  # ~1,600 signups per simulated hour
    while True:
        events = list(generate(seed=args.seed, hours=hours, scenario=args.scenario))
        split = parse_time(events[0]["ts"]) + args.warm_hours * 3600
        warm = [e for e in events if parse_time(e["ts"]) < split]
        later = [e for e in events if e["type"] == "signup" and parse_time(e["ts"]) >= split]
        if len(later) >= needed:
            break
        hours *= needed / max(len(later), 1) * 1.1
    truths = [("spam" if e["truth"]["label"] == "spam" else "benign") for e in later[:needed]]
    bodies = [orjson.dumps({k: v for k, v in e.items() if k != "truth"}) for e in later[:needed]]
    del events

    prefix = f"bench-chk-{uuid.uuid4().hex[:6]}-"
    broker.prefixes.append(prefix)
    dep = common.Deployment(args.bootstrap, prefix, tmp, args.code_root, args.session_timeout)
    deps.append(dep)
    dep.create_topics()
    w = dep.start_worker()
    cold = common.wait_ready(w, 120)
    common.say(f"warming up: {len(warm):,} events ({args.warm_hours:g} simulated hours) into {prefix}*")
    t = time.monotonic()
    common.produce(dep.settings, warm)
    while True:
        w.check_alive()
        _, js = w.readyz()
        if js and js.get("applied_events", 0) >= len(warm):
            break
        if time.monotonic() - t > 600:
            raise RuntimeError(f"warm-up not applied after 600 s: {js}")
        time.sleep(0.5)
    warm_s = time.monotonic() - t
    stats = {}
    for line in w.metrics().splitlines():
        if line.startswith("breakwater_waves{") or line.startswith("breakwater_decisions_total{"):
            name, _, value = line.rpartition(" ")
            stats[name] = float(value)
    result["warmup"] = {"events": len(warm), "hours": args.warm_hours, "seconds_to_apply": round(warm_s, 1),
                        "worker_cold_start_to_ready_s": round(cold, 2), "worker_state_after": stats}
    url = f"{w.url}/v1/signup-check"
    reps = []
    for rep in range(args.reps):
        sl = slice(rep * per_rep, (rep + 1) * per_rep)
        common.say(f"rep {rep + 1}/{args.reps}: {per_rep:,} requests at {args.rate:g}/s "
                   f"({args.warmup:g} s uncounted + {args.duration:g} s)")
        bpid = broker.pid
        quiet = common.wait_quiet(args, lambda: [w.pid] + ([bpid] if bpid else []))
        meter = common.CpuMeter(lambda: [w.pid] + ([bpid] if bpid else []))
        cpu0 = common.cpu_seconds(w.pid)
        out = asyncio.run(open_loop(url, bodies[sl], args.rate, args.warmup, f"{w.url}/metrics",
                                    args.timeout, args.connections))
        machine = meter.read()
        cpu1 = common.cpu_seconds(w.pid)
        s = summarize(out, truths[sl], args.rate)
        s["worker_cpu_cores"] = round((cpu1 - cpu0) / machine["wall_s"], 2)
        s["machine"] = machine
        s["quiet"] = quiet
        _, js = w.readyz()
        s["worker_applied_events_after"] = (js or {}).get("applied_events")
        a = s["latency_from_due"]
        common.say(f"  p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms, max {a['max_ms']} ms, errors {s['errors']}, "
                   f"decisions {s['decisions']}, others {machine['other_processes_cores']} cores")
        reps.append(s)
    used = args.reps * per_rep
    scan = {}
    for rate, k in zip(args.scan_rates, scan_n):
        sl = slice(used, used + k)
        used += k
        common.say(f"scan: {k:,} requests at {rate:g}/s ({args.warmup:g} s uncounted + {args.scan_duration:g} s)")
        quiet = common.wait_quiet(args, lambda: [w.pid] + ([broker.pid] if broker.pid else []))
        meter = common.CpuMeter(lambda: [w.pid] + ([broker.pid] if broker.pid else []))
        out = asyncio.run(open_loop(url, bodies[sl], rate, args.warmup, f"{w.url}/metrics",
                                    args.timeout, args.connections))
        sc = summarize(out, truths[sl], rate)
        sc["machine"] = meter.read()
        sc["quiet"] = quiet
        common.say(f"  p50 {sc['latency_from_due']['p50_ms']} ms, p99 {sc['latency_from_due']['p99_ms']} ms")
        scan[f"{rate:g}"] = sc
    result["scan"] = scan
    if args.py_spy:
        sl = slice(used, used + per_rep)
        path = str(Path(args.profile_dir) / f"signup-check-{time.strftime('%Y%m%d-%H%M%S')}.txt")
        Path(args.profile_dir).mkdir(parents=True, exist_ok=True)
        common.say("profiling one extra, uncounted repetition with py-spy")
        spy = common.start_py_spy(args.py_spy, w.pid, path, args.warmup + args.duration - 2, delay=0)
        out = asyncio.run(open_loop(url, bodies[sl], args.rate, args.warmup, f"{w.url}/metrics",
                                    args.timeout, args.connections))
        s = summarize(out, truths[sl], args.rate)
        result["profile"] = {"p99_ms_under_profiler": s["latency_from_due"]["p99_ms"],
                             **common.finish_py_spy(spy)}
    w.sample()
    med = common.med

    def mq(key):
        return {k: (None if med(r[key][k] for r in reps) is None else round(med(r[key][k] for r in reps), 2))
                for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
    total = collections.Counter()
    for r in reps:
        total.update(r["decisions"])
    hist = [r["worker_histogram"] for r in reps]
    result["reps"] = reps
    result["median"] = {
        "latency_from_due": mq("latency_from_due"), "latency_from_send": mq("latency_from_send"),
        "client_send_lateness": mq("client_send_lateness"),
        "worker_histogram_ms": {f"{k[:-2]}_ms": (None if med(h[k] for h in hist) is None
                                                 else round(1000 * med(h[k] for h in hist), 3))
                                for k in ("p50_s", "p95_s", "p99_s")},
        "offered_rate": med(r["offered_rate"] for r in reps),
        "errors_total": sum(r["errors"] for r in reps), "requests_total": sum(r["requests"] for r in reps),
        "decisions_total": dict(total),
        "worker_cpu_cores": med(r["worker_cpu_cores"] for r in reps),
        "worker_loop_lag_over_10ms": [r["worker_loop_lag"].get("over_10ms") for r in reps],
        "worker_loop_lag_over_50ms": [r["worker_loop_lag"].get("over_50ms") for r in reps],
        "worker_gc2_pauses": [r["worker_gc_pauses"]["2"].get("count") for r in reps],
        "worker_gc2_pauses_over_50ms": [r["worker_gc_pauses"]["2"].get("over_50ms") for r in reps],
        "other_cores": med(r["machine"]["other_processes_cores"] for r in reps),
    }
    result["worker_rss_mb"] = {"max": round(w.rss_max / 1024, 1), "final": round(w.rss_last / 1024, 1)}


def report(r: dict) -> None:
    m = r["median"]
    fmt = common.fmt
    print(f"\n== POST /v1/signup-check, open loop at {r['args']['rate']:g} requests/s, "
          f"{r['args']['duration']:g} s counted per repetition (medians of {len(r['reps'])}) ==")
    print(f"{'':40}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  (ms)")
    for key, label in (("latency_from_due", "client, from due time (open loop)"),
                       ("latency_from_send", "client, from actual send"),
                       ("client_send_lateness", "client lateness (send - due)")):
        v = m[key]
        print(f"{label:40}{fmt(v['p50_ms'], '.2f'):>8}{fmt(v['p95_ms'], '.2f'):>8}{fmt(v['p99_ms'], '.2f'):>8}"
              f"{fmt(v['max_ms'], '.2f'):>8}")
    h = m["worker_histogram_ms"]
    print(f"{'worker histogram (bucket-interpolated)':40}{fmt(h['p50_ms'], '.2f'):>8}{fmt(h['p95_ms'], '.2f'):>8}"
          f"{fmt(h['p99_ms'], '.2f'):>8}{'-':>8}")
    print(f"  worker event loop: timer late > 10 ms {m.get('worker_loop_lag_over_10ms')}, > 50 ms "
          f"{m.get('worker_loop_lag_over_50ms')} times per repetition; full (gen 2) GCs "
          f"{m.get('worker_gc2_pauses')}, of which > 50 ms {m.get('worker_gc2_pauses_over_50ms')}")
    print(f"  requests {m['requests_total']:,}, errors {m['errors_total']}, achieved rate "
          f"{fmt(m['offered_rate'], '.1f')}/s, decisions {m['decisions_total']}")
    print(f"  worker CPU {fmt(m['worker_cpu_cores'], '.2f')} cores; other processes (not part of the "
          f"benchmark) {fmt(m['other_cores'], '.2f')} cores; worker RSS max {r['worker_rss_mb']['max']} MB")
    if r.get("scan"):
        print(f"\n  scan, one run of {r['args']['scan_duration']:g} s each (client, from due time, ms):")
        for rate, sc in r["scan"].items():
            a, h = sc["latency_from_due"], sc["worker_histogram"]
            print(f"  {float(rate):>6.0f}/s  p50 {fmt(a['p50_ms'], '.2f'):>8}  p99 {fmt(a['p99_ms'], '.2f'):>8}  "
                  f"max {fmt(a['max_ms'], '.2f'):>8}  worker p99 {fmt(1000 * h['p99_s'] if h['p99_s'] is not None else None, '.2f'):>6}"
                  f"  errors {sc['errors']}  others {sc['machine']['other_processes_cores']:.2f} cores")
    p99 = m["latency_from_due"]["p99_ms"]
    print(f"  goal p99 <= 10 ms at 500/s: {'MET' if p99 is not None and p99 <= 10 else 'NOT MET'} "
          f"(client from due time); the generator shares the cores with the worker and the broker")


if __name__ == "__main__":
    sys.exit(main())
