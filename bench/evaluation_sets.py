"""The evaluation sets behind README "Detection": write them, run a checkout on them, compare two runs.

    python bench/evaluation_sets.py write --dir /tmp/sets                 # 201 mix-unseen seeds + 6 scenarios
    python bench/evaluation_sets.py run --dir /tmp/sets --out /tmp/runs/new [--root CHECKOUT] [--jobs 2]
    python bench/evaluation_sets.py compare /tmp/runs/old /tmp/runs/new  # per set, then the files that moved
    python bench/evaluation_sets.py misses --dir /tmp/sets /tmp/runs/new  # the farm accounts missed, by kind

``run`` evaluates each file with ``breakwater evaluate FILE --decisions D --report R
--no-baselines`` from the checkout ``--root`` (its ``detectors`` and ``streams`` come first on
the path), so two checkouts can be compared on the same files side by side. A checkout without
its own ``.venv`` runs with this interpreter.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SCENARIOS = ("default", "hard-negatives", "burst", "rotating", "lockstep", "slow-trickle")
# seed sets of six (1-3 and 41-46 are one set of nine), as the README reports them
SETS: list[tuple[str, list[int]]] = [("1–3, 41–46", [1, 2, 3, *range(41, 47)]), ("31–36", list(range(31, 37)))]
SETS += [(f"{b + 1}–{b + 6}", list(range(b + 1, b + 7)))
         for b in (50, 60, 70, 80, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220,
                   230, 240, 250, 260, 270, 280, 290, 300, 310, 320, 330, 340, 350, 360)]


def _files(d: Path) -> list[Path]:
    names = [f"s-{s}.jsonl" for s in SCENARIOS] + [f"m{n}.jsonl" for _, seeds in SETS for n in seeds]
    return [d / n for n in names]


def _progress(i: int, total: int, t0: float, what: str) -> None:
    print(f"\r{what}: {i}/{total} files, {time.perf_counter() - t0:.0f} s", end="", file=sys.stderr, flush=True)


def write(args) -> int:
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    jobs = []
    for f in _files(d):
        if f.exists():
            continue
        name = f.stem
        scen, seed = (name[2:], 1) if name.startswith("s-") else ("mix-unseen", int(name[1:]))
        jobs.append([sys.executable, "-m", "streams.cli", "simulate", "--out", str(f), "--seed", str(seed),
                     "--scenario", scen])
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as ex:
        for i, rc in enumerate(ex.map(lambda c: subprocess.run(c, capture_output=True).returncode, jobs), 1):
            if rc:
                print(f"\nsimulate failed (exit {rc})", file=sys.stderr)
                return 1
            _progress(i, len(jobs), t0, "write")
    print(f"\n{len(_files(d))} files in {d}", file=sys.stderr)
    return 0


def run(args) -> int:
    d, out = Path(args.dir), Path(args.out)
    root = Path(args.root).resolve()
    out.mkdir(parents=True, exist_ok=True)
    venv = root / ".venv" / "bin" / "python"
    py = str(venv) if venv.exists() else sys.executable
    files = [f for f in _files(d) if f.exists()]
    if not files:
        print(f"no evaluation files in {d}: run `write` first", file=sys.stderr)
        return 2

    def one(f: Path) -> int:
        cmd = [py, "-m", "streams.cli", "evaluate", str(f), "--decisions", str(out / f"{f.stem}.dec"),
               "--report", str(out / f"{f.stem}.rep"), "--no-baselines", "--quiet"]
        return subprocess.run(cmd, cwd=root, capture_output=True).returncode

    t0 = time.perf_counter()
    failed = 0
    with ThreadPoolExecutor(args.jobs) as ex:
        for i, rc in enumerate(ex.map(one, files), 1):
            failed += rc != 0
            _progress(i, len(files), t0, "run")
    print(f"\n{len(files) - failed} reports in {out}" + (f", {failed} failed" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


def _load(d: Path) -> dict:
    got = {}
    for f in d.glob("*.rep"):
        r = json.loads(f.read_text())
        s = r["systems"]["breakwater"]
        got[f.stem] = {"tp": s["true_positives"], "fp": s["false_positives"], "spam": r["accounts"]["spam"],
                       "benign": r["accounts"]["benign"], "precision": s["precision"]}
    return got


def compare(args) -> int:
    a, b = _load(Path(args.a)), _load(Path(args.b))
    common = sorted(set(a) & set(b))
    if not common:
        print("no report in both runs", file=sys.stderr)
        return 2
    print(f"{'set':12} {'recall A':>9} {'recall B':>9} {'benign A':>9} {'benign B':>9}  worst FPR (B)")
    for name, seeds in [("scenarios", None)] + SETS:
        ks = [k for k in common if k.startswith("s-")] if seeds is None else [f"m{n}" for n in seeds if f"m{n}" in b]
        ks = [k for k in ks if k in a]
        if not ks:
            continue
        spam = sum(b[k]["spam"] for k in ks)
        worst = max(ks, key=lambda k: b[k]["fp"] / max(b[k]["benign"], 1))
        print(f"{name:12} {sum(a[k]['tp'] for k in ks) / spam:9.3f} {sum(b[k]['tp'] for k in ks) / spam:9.3f} "
              f"{sum(a[k]['fp'] for k in ks):9d} {sum(b[k]['fp'] for k in ks):9d}  "
              f"{100 * b[worst]['fp'] / max(b[worst]['benign'], 1):.3f} % ({worst})")
    spam = sum(b[k]["spam"] for k in common)
    ta, tb = sum(a[k]["tp"] for k in common), sum(b[k]["tp"] for k in common)
    print(f"\n{len(common)} files: farm {ta:,} -> {tb:,} ({tb - ta:+,}; recall {ta / spam:.4f} -> {tb / spam:.4f}), "
          f"benign {sum(a[k]['fp'] for k in common)} -> {sum(b[k]['fp'] for k in common)}")
    moved = [(k, b[k]["tp"] - a[k]["tp"], b[k]["fp"] - a[k]["fp"]) for k in common
             if (a[k]["tp"], a[k]["fp"]) != (b[k]["tp"], b[k]["fp"])]
    moved.sort(key=lambda m: (m[2] == 0, -abs(m[1])))
    for k, dt, df in moved[:args.top]:
        print(f"  {k:10} farm {dt:+6d}  benign {df:+4d}")
    over = [k for k in common if b[k]["fp"] / max(b[k]["benign"], 1) > 0.0005]
    low = [k for k in common if b[k]["precision"] < 0.99]
    print(f"over the 0.05 % FPR target (B): {', '.join(over) or 'none'}; precision below 0.99 (B): {', '.join(low) or 'none'}")
    return 0


MISS_KINDS = ("before", "after", "challenged", "never")


def misses_of(events: Path, decisions: Path) -> dict:
    """The farm accounts of one file that no suspension (left standing) caught, by kind:
    ``before`` its wave's first suspension, ``after`` it with no decision, ``after`` it and
    only ``challenged``, or in a wave ``never`` suspended. Returns ``{kind: count, "spam": n,
    "waves": {wave: {kind: count, "spam": n}}}``. Reads the ``truth`` of the signups."""
    from streams.contract import Signup, iter_jsonl, parse_time, truth_of

    signed: dict = {}  # account -> (wave, signup time)
    for _, obj, ev, err in iter_jsonl(str(events)):
        if err is None and isinstance(ev, Signup):
            tr = truth_of(obj)
            if tr is not None and tr["label"] == "spam":
                signed[ev.account_id] = (tr["wave"], ev.ts)
    last: dict = {}
    first_suspend: dict = {}  # wave -> time of its first suspension (left standing or not)
    with open(decisions, "rb") as fh:
        for line in fh:
            d = json.loads(line)
            a = d["account_id"]
            last[a] = d["action"]
            if d["action"] == "suspend" and a in signed:
                w, t = signed[a][0], parse_time(d["ts"])
                if t < first_suspend.get(w, float("inf")):
                    first_suspend[w] = t
    out: dict = {k: 0 for k in MISS_KINDS}
    out["spam"] = len(signed)
    waves: dict = {}
    for a, (w, t) in signed.items():
        per = waves.setdefault(w, {"spam": 0, **{k: 0 for k in MISS_KINDS}})
        per["spam"] += 1
        if last.get(a) == "suspend":
            continue
        first = first_suspend.get(w)
        kind = "never" if first is None else "before" if t < first else \
            "challenged" if last.get(a) == "challenge" else "after"
        per[kind] += 1
        out[kind] += 1
    out["waves"] = waves
    return out


def misses(args) -> int:
    run_dir, total = Path(args.run), {k: 0 for k in ("spam", *MISS_KINDS)}
    rows = []
    for f in _files(Path(args.dir)):
        dec = run_dir / f"{f.stem}.dec"
        if not (f.exists() and dec.exists()):
            continue
        got = misses_of(f, dec)
        for k in total:
            total[k] += got[k]
        rows.append((sum(got[k] for k in MISS_KINDS), f.stem, got))
    missed = sum(total[k] for k in MISS_KINDS)
    print(f"{len(rows)} files: {total['spam']:,} farm accounts, {missed:,} missed: " + ", ".join(
        f"{total[k]:,} {k}" for k in MISS_KINDS))
    print("  (before: signed up before their wave's first suspension; after: after it, no decision;"
          " challenged: after it, only challenged; never: in a wave never suspended)")
    for n, name, got in sorted(rows, key=lambda r: -r[0])[:args.top]:
        worst = sorted(got["waves"].items(), key=lambda kv: -sum(kv[1][k] for k in MISS_KINDS))[:3]
        print(f"  {name:10} {n:6,} missed of {got['spam']:,}: " + "; ".join(
            f"{w} " + " ".join(f"{k} {v[k]}" for k in MISS_KINDS if v[k]) + f" of {v['spam']}"
            for w, v in worst if any(v[k] for k in MISS_KINDS)))
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                epilog="see the module docstring and README 'Detection' for the workflow")
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write the evaluation files (skips those already there)")
    w.add_argument("--dir", required=True, help="directory of the evaluation files")
    w.add_argument("--jobs", type=int, default=2, help="files written at once (default 2)")
    r = sub.add_parser("run", help="evaluate every file with one checkout")
    r.add_argument("--dir", required=True, help="directory of the evaluation files")
    r.add_argument("--out", required=True, help="directory for decisions (.dec) and reports (.rep)")
    r.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                   help="the checkout whose code runs (default: this one)")
    r.add_argument("--jobs", type=int, default=2, help="files evaluated at once (default 2)")
    c = sub.add_parser("compare", help="compare two runs per set and per file")
    c.add_argument("a", help="the reports of run A (the reference)")
    c.add_argument("b", help="the reports of run B")
    c.add_argument("--top", type=int, default=25, help="files listed that moved most (default 25)")
    m = sub.add_parser("misses", help="the farm accounts a run missed, by kind, and the files that missed most")
    m.add_argument("--dir", required=True, help="directory of the evaluation files (their truth)")
    m.add_argument("run", help="the decisions (.dec) of a run")
    m.add_argument("--top", type=int, default=10, help="files listed that missed most (default 10)")
    args = p.parse_args(argv)
    return {"write": write, "run": run, "compare": compare, "misses": misses}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
