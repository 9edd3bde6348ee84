"""``breakwater evaluate``: replay a contract file through the engine and score it.

The file is read in order; ``truth`` is split off each line (:func:`truth_of`) before
the event reaches any detector (:func:`parse_event` never copies it). Decisions come
from ``detectors.decider.Decider`` — ``detectors.engine.Engine`` behind the suspension
circuit breaker, with the worker's default breaker multiple and scope — exactly what the
worker runs (``--breaker-multiple`` / ``--breaker-scope`` change them like
``BREAKWATER_BREAKER_MULTIPLE`` / ``BREAKWATER_BREAKER_SCOPE`` do).
Each decision is written as one line of the ``actions`` contract; ``decided_at`` is
the event time of the triggering event by default (``--decided-at event``: replays are byte-for-byte
reproducible), or the wall clock (``--decided-at wall``).

Two baselines run on the same events in the same pass: a per-/24 signup-velocity rule
and river's HalfSpaceTrees on per-account features. All three are scored the same
way:

* precision, recall and false-positive rate of (live) suspensions, per account;
* per-wave recall, and how many accounts had joined a wave when its first member was
  suspended (median, p90; a wave never caught counts with its full size);
* the share of spam accounts' activity that happened while they were not suspended
  (before suspension, or never suspended);
* challenges and releases.

Invalid lines are reported with their line numbers, counted and skipped.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter, defaultdict
from typing import Any, Optional

from detectors.breaker import BREAKER_SCOPES
from streams.contract import Activity, Decision, Label, Signup, decision_to_dict, iter_jsonl, truth_of

__all__ = ["evaluate", "register", "run", "Scoreboard"]

ENGINE = "breakwater"
VELOCITY = "velocity_24"
HST = "halfspacetrees"


def _quantile(xs: list, q: float) -> Optional[float]:
    if not xs:
        return None
    s = sorted(xs)
    pos = (len(s) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(s[lo] + (s[hi] - s[lo]) * (pos - lo))


class Truth:
    """What the file says each account is (from ``truth``; never shown to detectors)."""

    def __init__(self) -> None:
        self.label: dict[str, str] = {}
        self.wave: dict[str, Optional[str]] = {}
        self.wave_size: Counter = Counter()
        self.wave_joined: Counter = Counter()  # members signed up so far, in file order
        self.cohort: dict[str, str] = {}  # benign look-alike groups (hard negatives), if the file names them

    def signup(self, account: str, truth: Optional[dict], cohort: Optional[str] = None) -> None:
        if truth is None:
            return
        if isinstance(cohort, str) and truth["label"] == "benign":
            self.cohort[account] = cohort
        self.label[account] = truth["label"]
        w = truth.get("wave")
        self.wave[account] = w
        if w is not None:
            self.wave_size[w] += 1
            self.wave_joined[w] += 1

    def other(self, account: str, truth: Optional[dict]) -> None:
        if truth is not None and account not in self.label:
            self.label[account] = truth["label"]
            self.wave.setdefault(account, truth.get("wave"))


class Scoreboard:
    """Scores one system's decisions against the truth."""

    def __init__(self, name: str):
        self.name = name
        self.first_suspend: dict[str, float] = {}
        self.suspended_now: set = set()
        self.challenged: set = set()
        self.released: set = set()
        self.max_score: dict[str, float] = {}
        self.caught_at: dict[str, int] = {}
        self.caught_ts: dict[str, float] = {}
        self.spam_act_before = 0
        self.spam_act_after = 0
        self.decisions: Counter = Counter()

    def decision(self, account: str, action: str, ts: float, score: float, mode: str, truth: Truth) -> None:
        self.decisions[f"{action}:{mode}"] += 1
        if mode != "live":
            return
        if action in ("suspend", "challenge"):
            if score > self.max_score.get(account, -1.0):
                self.max_score[account] = score
        if action == "suspend":
            self.suspended_now.add(account)
            if account not in self.first_suspend:
                self.first_suspend[account] = ts
                w = truth.wave.get(account)
                if w is not None and w not in self.caught_at:
                    self.caught_at[w] = truth.wave_joined[w]
                    self.caught_ts[w] = ts
        elif action == "challenge":
            self.challenged.add(account)
        elif action == "release":
            self.suspended_now.discard(account)
            self.released.add(account)

    def activity(self, account: str, label: Optional[str]) -> None:
        if label == "spam":
            if account in self.suspended_now:
                self.spam_act_after += 1
            else:
                self.spam_act_before += 1

    def report(self, truth: Truth) -> dict:
        spam = {a for a, l in truth.label.items() if l == "spam"}
        benign = {a for a, l in truth.label.items() if l == "benign"}
        sus = set(self.first_suspend)
        tp, fp = len(sus & spam), len(sus & benign)
        fn = len(spam - sus)
        waves = {}
        members: dict = defaultdict(list)
        for a, w in truth.wave.items():
            if w is not None:
                members[w].append(a)
        delays_all, delays_caught = [], []
        for w, accts in sorted(members.items()):
            n_sus = sum(1 for a in accts if a in sus)
            caught = self.caught_at.get(w)
            waves[w] = {"size": len(accts), "suspended": n_sus, "recall": n_sus / len(accts),
                        "accounts_before_first_suspension": caught}
            delays_all.append(caught if caught is not None else len(accts))
            if caught is not None:
                delays_caught.append(caught)
        chal = self.challenged
        acts = self.spam_act_before + self.spam_act_after
        return {
            "suspended": len(sus), "true_positives": tp, "false_positives": fp, "false_negatives": fn,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / len(spam) if spam else None,
            "false_positive_rate": fp / len(benign) if benign else None,
            "waves_total": len(members), "waves_caught": len(delays_caught),
            "per_wave_recall_mean": (sum(v["recall"] for v in waves.values()) / len(waves)) if waves else None,
            "per_wave_recall_min": min((v["recall"] for v in waves.values()), default=None),
            "accounts_before_first_suspension_median": _quantile(delays_all, 0.5),
            "accounts_before_first_suspension_p90": _quantile(delays_all, 0.9),
            "accounts_before_first_suspension_median_caught_only": _quantile(delays_caught, 0.5),
            "spam_activity_before_suspension_share": self.spam_act_before / acts if acts else None,
            "spam_activity_events": acts,
            "challenges": {"total": len(chal), "spam": len(chal & spam), "benign": len(chal & benign),
                           "spam_not_suspended": len((chal & spam) - sus)},
            "releases": {"total": len(self.released), "spam": len(self.released & spam),
                         "benign": len(self.released & benign)},
            "decisions": dict(self.decisions),
            "per_wave": waves,
            "hard_negatives": self._cohorts(truth, sus),
        }

    def _cohorts(self, truth: Truth, sus: set) -> dict:
        groups: dict = defaultdict(list)
        for a, c in truth.cohort.items():
            groups[c].append(a)
        return {c: {"size": len(m), "suspended": sum(1 for a in m if a in sus),
                    "challenged": sum(1 for a in m if a in self.challenged)}
                for c, m in sorted(groups.items())}

    def curve(self, truth: Truth, scores: Optional[dict] = None, points: int = 41) -> list[dict]:
        """Precision and recall if the system suspended at each score threshold."""
        scores = self.max_score if scores is None else scores
        spam = sum(1 for l in truth.label.values() if l == "spam")
        out = []
        for i in range(points):
            th = i / (points - 1)
            sel = [a for a, s in scores.items() if s >= th]
            tp = sum(1 for a in sel if truth.label.get(a) == "spam")
            out.append({"threshold": th, "precision": tp / len(sel) if sel else None,
                        "recall": tp / spam if spam else None, "selected": len(sel)})
        return out


def _count_lines(path: str) -> int:
    n = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return n


def evaluate(path: str, decisions_path: Optional[str] = None, *, config: Optional[dict] = None,
             seed: int = 0, baselines: bool = True, decided_at: str = "event", progress: bool = False,
             velocity_threshold: int = 5, velocity_window: float = 600.0, hst_threshold: float = 0.8,
             max_invalid_listed: int = 1000, breaker_multiple: Optional[float] = None,
             breaker_scope: Optional[str] = None) -> dict:
    """Run a contract file through the engine (and baselines); return the report dict."""
    from detectors.baselines import HalfSpaceTreesBaseline, NetworkVelocityRule
    from detectors.breaker import CircuitBreaker
    from detectors.decider import Decider
    from detectors.engine import Engine
    from detectors.runtime import configure_gc
    from streams.settings import Settings

    configure_gc()  # the collector settings every process running the engine uses
    if breaker_multiple is None:
        breaker_multiple = Settings.breaker_multiple  # the worker's default
    decider = Decider(Engine(config=config, seed=seed), CircuitBreaker(multiple=breaker_multiple),
                      scope=breaker_scope or Settings.breaker_scope)
    engine = decider.engine
    boards = {ENGINE: Scoreboard(ENGINE)}
    velocity = hst = None
    hst_scores: dict = {}
    if baselines:
        velocity = NetworkVelocityRule(window=velocity_window, threshold=velocity_threshold, seed=seed)
        hst = HalfSpaceTreesBaseline(threshold=hst_threshold, seed=seed)
        boards[VELOCITY] = Scoreboard(VELOCITY)
        boards[HST] = Scoreboard(HST)
    truth = Truth()
    invalid: list = []
    n_invalid = 0
    invalid_codes: Counter = Counter()
    counts: Counter = Counter()
    out_of_order = 0
    last_ts = -math.inf
    out = open(decisions_path, "wb") if decisions_path else None
    total_lines = _count_lines(path) if progress else 0
    bar = None
    t0 = time.perf_counter()
    engine_s = 0.0
    try:
        if progress:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            from rich.console import Console
            bar = Progress(TextColumn("evaluate"), BarColumn(), MofNCompleteColumn(), TextColumn("lines"),
                           TimeRemainingColumn(), console=Console(stderr=True), transient=False)
            bar.start()
            task = bar.add_task("evaluate", total=total_lines)
        for n, obj, ev, err in iter_jsonl(path):
            if bar is not None and n % 2000 == 0:
                bar.update(task, completed=n)
            if err is not None:
                n_invalid += 1
                invalid_codes[err.code] += 1
                if len(invalid) < max_invalid_listed:
                    invalid.append({"line": n, "code": err.code, "reason": err.reason})
                continue
            tr = truth_of(obj)
            counts[ev.type] += 1
            if ev.ts < last_ts:
                out_of_order += 1
            else:
                last_ts = ev.ts
            if isinstance(ev, Signup):
                raw_truth = obj.get("truth")
                truth.signup(ev.account_id, tr, raw_truth.get("cohort") if isinstance(raw_truth, dict) else None)
            else:
                truth.other(ev.account_id, tr)
            label = truth.label.get(ev.account_id)
            if isinstance(ev, Activity):
                for b in boards.values():
                    b.activity(ev.account_id, label)
            t1 = time.process_time()
            decisions = decider.process(ev)
            engine_s += time.process_time() - t1
            for d in decisions:
                boards[ENGINE].decision(d.account_id, d.action, d.ts, d.score, d.mode, truth)
                if out is not None:
                    when = d.ts if decided_at == "event" else time.time()
                    out.write(json.dumps(decision_to_dict(d, when), ensure_ascii=False).encode() + b"\n")
            if baselines and isinstance(ev, Signup):
                v = velocity.learn_one(ev)
                if velocity.fires(v):
                    boards[VELOCITY].decision(ev.account_id, "suspend", ev.ts, 1.0, "live", truth)
                h = hst.learn_one(ev)
                hst_scores[ev.account_id] = h
                if hst.fires(h):
                    boards[HST].decision(ev.account_id, "suspend", ev.ts, h, "live", truth)
    finally:
        if bar is not None:
            bar.update(task, completed=total_lines)
            bar.stop()
        if out is not None:
            out.close()
    wall = time.perf_counter() - t0
    n_events = sum(counts.values())
    labels = Counter(truth.label.values())
    report: dict[str, Any] = {
        "file": os.path.abspath(path),
        "lines": n_events + n_invalid,
        "events": dict(counts, total=n_events),
        "invalid": {"count": n_invalid, "by_code": dict(invalid_codes), "lines": invalid},
        "out_of_order_events": out_of_order,
        "accounts": {"total": len(truth.label), "spam": labels.get("spam", 0), "benign": labels.get("benign", 0),
                     "waves": len(truth.wave_size)},
        "decided_at": "event time of the triggering event" if decided_at == "event" else "wall clock",
        "config": dict(engine.config), "config_version": engine.config_version, "seed": seed,
        "engine_stats": engine.stats(),
        "circuit_breaker": {k: v for k, v in decider.breaker_status().items()
                            if k in ("multiple", "trips", "degraded", "tripped", "scope", "loosened")},
        "seconds": round(wall, 3),
        "engine_seconds": round(engine_s, 3),
        "engine_events_per_second": round(n_events / engine_s) if engine_s > 0 else None,
        "systems": {name: b.report(truth) for name, b in boards.items()},
        "baselines": {VELOCITY: {"rule": f"suspend when a /24 (IPv6 /48) has >= {velocity_threshold} signups "
                                         f"within {velocity_window:.0f} s"},
                      HST: {"rule": f"suspend when HalfSpaceTrees score >= {hst_threshold} (per-account features)"}}
        if baselines else {},
        "curves": {ENGINE: boards[ENGINE].curve(truth)},
    }
    if baselines:
        report["curves"][HST] = boards[HST].curve(truth, hst_scores)
    return report


# --------------------------------------------------------------------------- output

def _fmt(v: Any, pct: bool = False, digits: int = 3) -> str:
    if v is None:
        return "–"
    if pct:
        return f"{100 * v:.{digits}f}%"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def summary_rows(report: dict) -> list[tuple]:
    rows = []
    for name, m in report["systems"].items():
        rows.append((name, _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["false_positive_rate"], True, 3),
                     f"{m['waves_caught']}/{m['waves_total']}", _fmt(m["per_wave_recall_min"], digits=2),
                     _fmt(m["accounts_before_first_suspension_median"], digits=1),
                     _fmt(m["accounts_before_first_suspension_p90"], digits=1),
                     _fmt(m["spam_activity_before_suspension_share"], True, 1),
                     str(m["challenges"]["total"])))
    return rows


HEADERS = ("system", "precision", "recall", "FPR", "waves", "min wave recall", "acc. before (med)",
           "(p90)", "spam act. before", "challenges")


def print_summary(report: dict, file=None) -> None:
    from rich.console import Console
    from rich.table import Table
    out = file or sys.stdout
    con = Console(file=out, width=None if out.isatty() else 140)
    t = Table(title=f"{os.path.basename(report['file'])}: {report['accounts']['total']} accounts, "
                    f"{report['accounts']['spam']} spam in {report['accounts']['waves']} waves, "
                    f"{report['events']['total']} events ({report['invalid']['count']} invalid lines)")
    for h in HEADERS:
        t.add_column(h, justify="left" if h == "system" else "right")
    for r in summary_rows(report):
        t.add_row(*r)
    con.print(t)
    eps = report.get("engine_events_per_second")
    if eps:
        con.print(f"engine: {eps:,} events per CPU second (detector path only); "
                  f"decided_at = {report['decided_at']}")


def plot(report: dict, outdir: str) -> list[str]:
    """PNG charts: precision/recall against threshold; detection delay per wave."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(outdir, exist_ok=True)
    paths = []
    fig, axes = plt.subplots(1, len(report["curves"]), figsize=(5.5 * len(report["curves"]), 4), squeeze=False)
    for ax, (name, pts) in zip(axes[0], report["curves"].items()):
        th = [p["threshold"] for p in pts]
        ax.plot(th, [p["precision"] if p["precision"] is not None else float("nan") for p in pts], label="precision")
        ax.plot(th, [p["recall"] if p["recall"] is not None else float("nan") for p in pts], label="recall")
        ax.set_title(f"{name}: suspension at score ≥ threshold")
        ax.set_xlabel("threshold")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    p1 = os.path.join(outdir, "precision_recall_threshold.png")
    fig.savefig(p1, dpi=110)
    plt.close(fig)
    paths.append(p1)

    systems = list(report["systems"])
    waves = sorted(report["systems"][systems[0]]["per_wave"])
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(waves) + 2), 4))
    width = 0.8 / max(1, len(systems))
    for i, name in enumerate(systems):
        pw = report["systems"][name]["per_wave"]
        ys = [pw[w]["accounts_before_first_suspension"] or pw[w]["size"] for w in waves]
        missed = [pw[w]["accounts_before_first_suspension"] is None for w in waves]
        xs = [j + i * width for j in range(len(waves))]
        bars = ax.bar(xs, ys, width=width, label=name)
        for b, m in zip(bars, missed):
            if m:
                b.set_hatch("//")
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(waves))])
    ax.set_xticklabels(waves, rotation=30, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("accounts in the wave at its first suspension")
    ax.set_title("detection delay per wave (hatched: never caught, full size)")
    ax.legend()
    fig.tight_layout()
    p2 = os.path.join(outdir, "detection_delay.png")
    fig.savefig(p2, dpi=110)
    plt.close(fig)
    paths.append(p2)
    return paths


# --------------------------------------------------------------------------- CLI

def _parse_settings(items: list[str]) -> dict:
    out = {}
    for it in items or []:
        if "=" not in it:
            raise SystemExit(f"--set expects NAME=VALUE, got {it!r}")
        k, v = it.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate", help="replay a contract file through the detectors and score the decisions",
        description="Run EVENTS.jsonl, in order, through the same detector and decision code the worker "
                    "uses (truth removed first); write every decision as an actions-contract line and a "
                    "JSON report with precision/recall/FPR of suspensions, per-wave recall, accounts into a "
                    "wave before its first suspension, spam activity before suspension, challenges, and two "
                    "baselines (per-/24 signup velocity, river HalfSpaceTrees).")
    p.add_argument("events", metavar="EVENTS.jsonl")
    p.add_argument("--decisions", metavar="OUT.jsonl", required=True, help="where to write the decisions")
    p.add_argument("--report", metavar="REPORT.json", required=True, help="where to write the JSON report")
    p.add_argument("--plot", metavar="DIR", help="write PNG charts into DIR")
    p.add_argument("--seed", type=int, default=0, help="engine seed (default 0)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="a live-tunable setting for this run (repeatable)")
    p.add_argument("--decided-at", choices=("event", "wall"), default="event",
                   help="decided_at of each decision: event time (default, reproducible) or wall clock")
    p.add_argument("--breaker-multiple", type=float, default=None, metavar="X",
                   help="circuit-breaker multiple, as the worker's BREAKWATER_BREAKER_MULTIPLE "
                        "(default: the worker's default)")
    p.add_argument("--breaker-scope", choices=BREAKER_SCOPES, default=None,
                   help="which surges the breaker degrades, as the worker's BREAKWATER_BREAKER_SCOPE: "
                        "'loosened' (default: only while a --set is looser than its default) or 'all'")
    p.add_argument("--no-baselines", action="store_true", help="skip the two baselines")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        config = _parse_settings(args.set)
        from detectors.config import validate_all
        validate_all(config)
    except ValueError as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    if not os.path.exists(args.events):
        print(f"evaluate: no such file: {args.events}", file=sys.stderr)
        return 2
    report = evaluate(args.events, args.decisions, config=config, seed=args.seed,
                      baselines=not args.no_baselines, decided_at=args.decided_at,
                      breaker_multiple=args.breaker_multiple, breaker_scope=args.breaker_scope,
                      progress=not args.quiet and sys.stderr.isatty() or not args.quiet)
    if args.plot:
        report["plots"] = plot(report, args.plot)
    with open(args.report, "w") as fh:
        json.dump(report, fh, indent=1, ensure_ascii=False)
    inv = report["invalid"]
    if inv["count"]:
        shown = ", ".join(f"line {x['line']}: {x['reason']}" for x in inv["lines"][:5])
        more = f" (+{inv['count'] - 5} more in the report)" if inv["count"] > 5 else ""
        print(f"evaluate: {inv['count']} invalid lines skipped — {shown}{more}", file=sys.stderr)
    print_summary(report)
    return 0
