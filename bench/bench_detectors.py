"""Offline speed and state size of the whole detector path (figures, not a test).

Feeds ``detectors.engine.Engine`` simulated traffic (``offline.simulate.generate``,
successive runs shifted in time so accounts, waves and days keep coming) and prints:

* events/s through ``Engine.process`` alone (events parsed beforehand, timed per
  event type, in CPU seconds of this process so that other load on the machine does
  not count), and with contract parsing of the JSON lines included;
* at checkpoints: resident memory (max RSS), the pickled state size (what a snapshot
  costs), tracked accounts, live waves — to show the state stays under a fixed cap
  however many accounts pass.

Usage::

    .venv/bin/python bench/bench_detectors.py                 # 10 million events
    .venv/bin/python bench/bench_detectors.py --events 500000 --checkpoint 100000
"""
from __future__ import annotations

import argparse
import os
import pickle
import resource
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import orjson  # noqa: E402

from detectors.engine import Engine  # noqa: E402
from detectors.runtime import configure_gc  # noqa: E402
from offline.simulate import generate  # noqa: E402
from streams.contract import decode, parse_event  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def chunks(scenario: str, hours: float, rate: float, seed: int):
    """Endless simulated traffic: run i starts where run i-1 ended."""
    start = datetime(2019, 8, 19, tzinfo=timezone.utc)
    i = 0
    while True:
        t0 = (start + timedelta(hours=hours * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines = [orjson.dumps({k: v for k, v in ev.items() if k != "truth"})
                 for ev in generate(seed=seed + i, hours=hours, rate=rate, scenario=scenario, start=t0)]
        yield lines
        i += 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--checkpoint", type=int, default=1_000_000)
    ap.add_argument("--scenario", default="default")
    ap.add_argument("--hours", type=float, default=6.0, help="hours per simulated run")
    ap.add_argument("--rate", type=float, default=20.0, help="organic signups per minute")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--small-caps", action="store_true",
                    help="smaller state caps (50k accounts, 8k recent signups) so that the caps are "
                         "reached early and the flat state shows within a short run")
    args = ap.parse_args(argv)

    caps = dict(max_accounts=50_000, recent_capacity=8192, max_closed_waves=5000, dedupe_capacity=50_000) \
        if args.small_caps else {}
    configure_gc()  # the collector settings every process running the engine uses
    engine = Engine(seed=args.seed, **caps)
    per_type_s: Counter = Counter()
    per_type_n: Counter = Counter()
    parse_s = 0.0
    done = 0
    next_cp = args.checkpoint
    decisions: Counter = Counter()
    print(f"bench_detectors: {args.events:,} events of scenario {args.scenario!r} "
          f"({args.hours:g} h runs, {args.rate:g} organic signups/min), Python {sys.version.split()[0]}, "
          f"caps: {caps or 'defaults'}")
    print(f"{'events':>11} {'engine ev/s':>12} {'with parse':>11} {'max RSS MB':>11} {'state MB':>9} "
          f"{'accounts':>9} {'live waves':>10} {'closed':>7} {'lockstep':>9}")
    # CPU time of this process: on a shared machine wall-clock time measures the neighbours too
    pc = time.process_time
    for lines in chunks(args.scenario, args.hours, args.rate, args.seed):
        t = pc()
        evs = [parse_event(decode(line)) for line in lines]
        parse_s += pc() - t
        for ev in evs:
            t = pc()
            out = engine.process(ev)
            per_type_s[ev.type] += pc() - t
            per_type_n[ev.type] += 1
            for d in out:
                decisions[d.action] += 1
            done += 1
            if done >= next_cp or done >= args.events:
                eng = sum(per_type_s.values())
                st = engine.stats()
                size = len(pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6
                print(f"{done:>11,} {done / eng:>12,.0f} {done / (eng + parse_s):>11,.0f} {rss_mb():>11,.0f} "
                      f"{size:>9.1f} {st['tracked_accounts']:>9,} {st['active_waves'] + st['forming_waves']:>10,} "
                      f"{st['closed_waves']:>7,} {st['lockstep_entries']:>9,}", flush=True)
                next_cp += args.checkpoint
            if done >= args.events:
                break
        if done >= args.events:
            break
    print("per event type (engine only): " + ", ".join(
        f"{k} {per_type_n[k]:,} x {1e6 * per_type_s[k] / per_type_n[k]:.1f} µs" for k in sorted(per_type_n)))
    print("decisions: " + ", ".join(f"{k} {v:,}" for k, v in sorted(decisions.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
