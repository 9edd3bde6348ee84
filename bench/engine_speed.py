"""Detection-engine speed, and golden decisions to show an optimisation changed none.

    python bench/engine_speed.py speed                   # events/s (median of 3), assess() cost
    python bench/engine_speed.py record /tmp/golden.pkl  # decisions + assessments, 5 inputs
    python bench/engine_speed.py check  /tmp/golden.pkl  # the same, compared; exit 1 if different
    python bench/engine_speed.py speed --root DIR        # another checkout's detectors (before/after)

Events come from ``offline.simulate.generate`` and are parsed with
``streams.contract.parse_event`` outside the timed loops, then go one by one through
``Decider(make_engine(Settings()), CircuitBreaker(multiple=Settings().breaker_multiple))``,
as the stream worker and ``offline_suspended`` in the integration tests build it.

``record``/``check`` keep every decision (the score exactly, as ``float.hex``) of five
inputs and, for 500 signups taken in stream order, ``Engine.assess`` called just before
``process``; and the decisions of one input whose Decider is pickled and restored
half-way (snapshots must not change anything). ``speed`` times ``Decider.process``
over ``generate(seed=2, hours=2, scenario="default")`` (19,259 events) three times with
``time.perf_counter``, then ``Engine.assess`` of every tenth signup, called just before
the signup is processed, and prints the medians, the collector settings and the peak RSS.
Both run under the measured checkout's collector settings
(``detectors.runtime.configure_gc``, which its worker and ``evaluate`` apply too), or
CPython's defaults for a checkout that has none.
"""
from __future__ import annotations

import argparse
import gc
import os
import pickle
import resource
import statistics
import sys
import time

INPUTS = [(1, 6, "default"), (2, 2, "mix-unseen"), (3, 2, "lockstep"), (4, 2, "rotating"),
          (5, 2, "hard-negatives")]
SPEED_INPUT = (2, 2, "default")


def events(seed: int, hours: float, scenario: str) -> list:
    from offline.simulate import generate
    from streams.contract import parse_event
    return [parse_event(o) for o in generate(seed=seed, hours=hours, scenario=scenario)]


def decider():
    from detectors.breaker import CircuitBreaker
    from detectors.decider import Decider
    from streams.app import make_engine
    from streams.settings import Settings
    s = Settings()
    return Decider(make_engine(s), CircuitBreaker(multiple=s.breaker_multiple))


def configure_gc() -> str:
    """The measured checkout's collector settings (``detectors.runtime.configure_gc``, as
    its worker and ``evaluate`` apply them), if it has them; else CPython's."""
    try:
        from detectors.runtime import configure_gc as configure
    except ImportError:
        return f"CPython defaults {gc.get_threshold()}"
    configure()
    return f"detectors.runtime.configure_gc {gc.get_threshold()}"


def run(evs: list, sample: int = 500, pickle_at: int | None = None) -> dict:
    """Every decision, and ``assess`` of ``sample`` signups just before their processing."""
    from streams.contract import Signup
    dc = decider()
    every = max(1, sum(1 for e in evs if isinstance(e, Signup)) // sample)
    out, assessed, i_sig = [], [], 0
    for i, ev in enumerate(evs):
        if i == pickle_at:
            dc = pickle.loads(pickle.dumps(dc, protocol=pickle.HIGHEST_PROTOCOL))
        if isinstance(ev, Signup):
            if i_sig % every == 0 and len(assessed) < sample:
                a = dc.engine.assess(ev)
                assessed.append((ev.account_id, a.decision, float(a.score).hex(), a.wave_id,
                                 tuple(a.reasons), a.config_version))
            i_sig += 1
        out.extend((d.account_id, d.action, d.mode, d.ts, float(d.score).hex(), d.wave_id,
                    tuple(d.reasons), d.config_version) for d in dc.process(ev))
    return {"decisions": out, "assess": assessed, "stats": dc.engine.stats()}


def golden() -> dict:
    configure_gc()
    res = {}
    for inp in INPUTS:
        evs = events(*inp)
        res[inp] = run(evs)
        print(f"{inp}: {len(evs)} events, {len(res[inp]['decisions'])} decisions, "
              f"{len(res[inp]['assess'])} assessments", flush=True)
        if inp == INPUTS[1]:
            res["pickled half-way"] = run(evs, pickle_at=len(evs) // 2)
    return res


def compare(ref: dict, got: dict) -> bool:
    ok = True
    for key in ref:
        for part in ("decisions", "assess", "stats"):
            x, y = ref[key][part], got[key][part]
            if x == y:
                continue
            ok = False
            if isinstance(x, list):
                n = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
                print(f"DIFFERENT {key} {part}: {len(x)} vs {len(y)} entries; first difference at {n}:\n"
                      f"  {x[n] if n < len(x) else None}\n  {y[n] if n < len(y) else None}")
            else:
                print(f"DIFFERENT {key} {part}: {x} vs {y}")
    return ok


def speed(reps: int = 3) -> None:
    from streams.contract import Signup
    gc_set = configure_gc()
    evs = events(*SPEED_INPUT)
    rates = []
    for _ in range(reps):
        dc = decider()
        t0 = time.perf_counter()
        for ev in evs:
            dc.process(ev)
        rates.append(len(evs) / (time.perf_counter() - t0))
    print(f"process: {statistics.median(rates):,.0f} events/s (median of {reps}: "
          f"{', '.join(f'{r:,.0f}' for r in rates)}; {len(evs)} events)")
    costs = []
    for _ in range(reps):
        dc = decider()
        tot, n, i_sig = 0.0, 0, 0
        for ev in evs:
            if isinstance(ev, Signup):
                if i_sig % 10 == 0:
                    t0 = time.perf_counter()
                    dc.engine.assess(ev)
                    tot += time.perf_counter() - t0
                    n += 1
                i_sig += 1
            dc.process(ev)
        costs.append(tot / n * 1e6)
    print(f"assess: {statistics.median(costs):,.0f} us per call (median of {reps}: "
          f"{', '.join(f'{c:,.0f}' for c in costs)}; {n} calls per run)")
    print(f"garbage collector: {gc_set}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("speed", "record", "check"))
    ap.add_argument("path", nargs="?", help="golden file (record, check)")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    help="checkout whose detectors/ (and streams/, offline/) are run (default: this one)")
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.root))
    if args.mode == "speed":
        speed()
        return
    if not args.path:
        ap.error(f"{args.mode} needs the golden file's path")
    if args.mode == "record":
        with open(args.path, "wb") as f:
            pickle.dump(golden(), f)
        return
    with open(args.path, "rb") as f:
        ref = pickle.load(f)
    ok = compare(ref, golden())
    print("IDENTICAL" if ok else "DIFFERENT")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
