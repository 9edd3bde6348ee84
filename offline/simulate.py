"""``breakwater simulate``: synthetic but realistic sign-up traffic with spam-account waves.

:func:`generate` yields contract events (``../shared/EVENTS.md``) with an evaluation-only
``truth`` object, in non-decreasing ``ts`` order, deterministically for a seed.

What is simulated
-----------------
* **Organic users** arriving with a daily rhythm per region; names from many cultures
  and scripts, handles in the styles people really use (``john_smith1987`` included),
  free-form or empty bios, skewed mail providers with a long tail, home broadband
  /24s, mobile carrier NAT pools that many unrelated people share, IPv6, skewed user
  agents (a few builds dominate), households sharing a device, referrers mostly absent.
  Early activity: onboarding follows of suggested (popular) accounts, likes, posts,
  replies; late, sparse and sometimes wrong labels.
* **Waves** (spam campaigns), each a different combination of what is shared and
  what is rotated: handle template, display-name and bio templates (spintax, near
  duplicates), mail, IP (/24 of a hosting provider, residential proxies, mobile
  proxies in carrier NAT, one IPv6 /64), user agent, device pool, flow, avatar,
  arrival (burst, trickle, pulses), lockstep activity (fast or dormant).
* **Hard negatives** (benign): flash crowd, campus behind one NAT, corporate onboarding,
  app-store feature spike.

Nothing but ``truth`` says what an account is; ids, handles and every other field are
drawn the same way for everyone.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time as _time
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np
import orjson

from offline import names as N
from offline import sim_world as W
from offline.sim_population import People, World, format_time_offset, lognormal_s, rand_uuid
from offline.sim_waves import SCENARIOS, CohortState, WaveSpec, WaveState
from streams.contract import format_time, parse_time

DEFAULT_START = "2019-08-19T00:00:00Z"
DEFAULT_HOURS = 6.0
DEFAULT_RATE = 20.0  # organic sign-ups per minute (daily mean)
BLOCK_HOURS = 6.0  # a scenario's campaigns span this long; longer runs get new campaigns per block

# --------------------------------------------------------------------------- simulation


@dataclass
class Account:
    t_ms: int
    code: str
    label: str
    wave: Optional[str] = None
    cohort: Optional[str] = None
    spec: object = None
    idx: int = 0


class Simulator:
    def __init__(self, seed: int = 0, hours: float = DEFAULT_HOURS, rate: float = DEFAULT_RATE,
                 scenario: str = "default", start: str = DEFAULT_START):
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
        if hours <= 0 or rate < 0:
            raise ValueError("hours must be > 0 and rate >= 0")
        self.seed, self.hours, self.rate, self.scenario = seed, hours, rate, scenario
        try:
            self.start_ms = int(round(parse_time(start) * 1000))
        except ValueError:
            raise ValueError(f"start {start!r} is not an RFC 3339 time with a zone "
                             "(e.g. 2019-08-19T00:00:00Z)") from None
        self.end_ms = self.start_ms + int(hours * 3600_000)
        # separate streams: organic traffic, scenario/waves, and the world's fixed pools
        base = hashlib.sha256(f"breakwater-sim:{seed}:{scenario}".encode()).digest()
        organic_seed = int.from_bytes(hashlib.sha256(f"breakwater-sim:{seed}".encode()).digest()[:8], "big")
        self.r = random.Random(organic_seed)
        self.rs = random.Random(int.from_bytes(base[:8], "big"))   # scenario / waves
        self.np = np.random.default_rng(organic_seed)
        self.world = World(random.Random(organic_seed ^ 0x5EED), self.start_ms)
        self.world.r = self.r
        self.people = People(self.world, self.r)
        self.out: list = []          # (ts_ms, seq, offset_min, fmt, event)
        self.seq = 0
        self.recent: list = []       # recent organic account ids (friends, dm targets)
        self.households: dict = {}   # code -> list of (ip, device, flow, ua)
        self.stats = {"accounts": 0, "spam": 0, "benign": 0}

    # ---------------------------------------------------------------- emit
    def emit(self, ts_ms: int, offset_min: int, ev: dict):
        if ts_ms >= self.end_ms:
            return
        self.seq += 1
        self.out.append((ts_ms, self.seq, offset_min, ev))

    def event_id(self) -> Optional[str]:
        return rand_uuid(self.r) if self.r.random() < 0.93 else None

    # ---------------------------------------------------------------- arrivals
    def organic_arrivals(self) -> list:
        """(t_ms, country code) of organic sign-ups: per minute, per country, Poisson."""
        minutes = int(math.ceil(self.hours * 60))
        if self.rate <= 0:
            return []
        codes = [c.code for c in W.COUNTRIES]
        wsum = sum(c.weight for c in W.COUNTRIES)
        mins = np.arange(minutes)
        lam = np.zeros((minutes, len(codes)))
        start_h = (self.start_ms / 3600_000) % 24
        for j, c in enumerate(W.COUNTRIES):
            local_h = (start_h + mins / 60 + c.utc_offset / 60) % 24
            lam[:, j] = self.rate * c.weight / wsum * _diurnal(local_h)
        counts = self.np.poisson(lam)
        out = []
        r = self.r
        for m, j in zip(*np.nonzero(counts)):
            base = self.start_ms + int(m) * 60_000
            for _ in range(int(counts[m, j])):
                out.append((base + r.randrange(60_000), codes[j]))
        return out

    def spec_arrivals(self, n: int, at: float, arrival: str, rate: float, minutes_hint: float = 0,
                      utc_offset: int = 0) -> list:
        r = self.rs
        t0 = self.start_ms + int(at * self.hours * 3600_000)
        out = []
        if arrival == "burst":
            t = t0
            for _ in range(n):
                t += int(r.expovariate(rate / 60_000))
                out.append(t)
        elif arrival == "trickle":
            t = t0
            for _ in range(n):  # gamma gaps: more regular than Poisson (scheduler-driven)
                t += int(r.gammavariate(4.0, 60_000 / rate / 4.0))
                out.append(t)
        elif arrival == "pulses":
            t = t0
            left = n
            while left > 0:
                k = min(left, r.randint(15, 60))
                tt = t
                for _ in range(k):
                    tt += int(r.expovariate(rate / 60_000))
                    out.append(tt)
                left -= k
                t = tt + int(r.uniform(8, 40) * 60_000)
        elif arrival == "ramp":  # starts slow, speeds up as the operator scales out
            t = t0
            for i in range(n):
                t += int(r.expovariate(rate * (0.15 + 1.7 * i / max(1, n)) / 60_000))
                out.append(t)
        elif arrival == "diurnal":  # spread over the rest of the run, following local daytime
            span = max(1, self.end_ms - t0)
            while len(out) < n:
                t = t0 + int(span * r.random())
                local_h = ((t / 3600_000) + utc_offset / 60) % 24
                if r.random() * 1.8 < float(_diurnal(local_h)):
                    out.append(t)
            out.sort()
        else:  # cohort: front-loaded within `minutes_hint`
            span = minutes_hint * 60_000
            for _ in range(n):
                out.append(t0 + int(span * min(1.0, r.expovariate(2.5) / 2.5 * 1.3 if r.random() < 0.7 else r.random())))
            out.sort()
        return out

    # ---------------------------------------------------------------- run
    def scenario_specs(self) -> tuple[list, list]:
        """The scenario's waves and cohorts; runs longer than a block repeat it with new campaigns."""
        blocks = max(1, math.ceil(self.hours / BLOCK_HOURS - 1e-9))
        waves, cohorts = [], []
        for k in range(blocks):
            ws, cs = SCENARIOS[self.scenario][0](self.rs, self.hours / blocks)
            for spec in ws + cs:
                spec.at = (k + spec.at) / blocks
                if k:
                    if isinstance(spec, WaveSpec):
                        spec.wave = f"{spec.wave}-b{k + 1}"
                    else:
                        spec.name = f"{spec.name}-b{k + 1}"
            waves += ws
            cohorts += cs
        return waves, cohorts

    def run(self) -> list:
        accounts: list = []
        for t, code in self.organic_arrivals():
            accounts.append(Account(t, code, "benign"))
        waves, cohorts = self.scenario_specs()
        # groups shrink in runs shorter than a block (a 30-minute window does not hold six
        # full campaigns), never below ~30 accounts; look-alike crowds follow the organic rate
        short = min(1.0, self.hours / BLOCK_HOURS)
        scale = (max(0.25, self.rate / DEFAULT_RATE) ** 0.5 if self.rate > 0 else 0.5) * short
        for spec in waves:
            st = WaveState(self, spec)
            offset = self.world.by_code[st.home].utc_offset
            n = max(min(spec.size, 30), round(spec.size * short))
            for i, t in enumerate(self.spec_arrivals(n, spec.at, spec.arrival, spec.rate, 0, offset)):
                accounts.append(Account(t, st.code(), "spam", spec.wave, None, st, i))
        for c in cohorts:
            st = CohortState(self, c)
            n = max(20, int(c.size * scale))
            for i, t in enumerate(self.spec_arrivals(n, c.at, "cohort", 0, c.minutes)):
                accounts.append(Account(t, st.code(), "benign", None, c.name, st, i))
        accounts = [a for a in accounts if a.t_ms < self.end_ms]
        accounts.sort(key=lambda a: a.t_ms)
        for a in accounts:
            self.stats["accounts"] += 1
            self.stats[a.label] += 1
            if a.spec is None:
                self.organic(a)
            else:
                a.spec.account(a)
        self.out.sort(key=lambda e: (e[0], e[1]))
        return self.out

    # ---------------------------------------------------------------- organic
    def truth(self, a: Account) -> dict:
        t = {"label": a.label, "wave": a.wave}
        if a.cohort:
            t["cohort"] = a.cohort
        return t

    def profile(self, a: Account, flow: Optional[str] = None, culture: Optional[str] = None) -> dict:
        """An organic-looking sign-up profile (no ids, times or network yet)."""
        r, p, w = self.r, self.people, self.world
        code = a.code
        cul, first, last, year = p.person(code, culture)
        handle = p.claim(p.handle(first[0], last[0], year))
        if flow is None:
            x = r.random()
            mobile_heavy = code in ("IN", "ID", "BR", "NG", "PH", "VN", "EG", "PK", "MX", "CO")
            flow = ("web" if x < (0.30 if mobile_heavy else 0.44) else
                    "android" if x < (0.83 if mobile_heavy else 0.70) else
                    "ios" if x < 0.992 else "api")
        lang = w.lang(r, code)
        ev = {"type": "signup", "username": handle}
        dn = p.display(first, last, code)
        if dn is not None:
            ev["display_name"] = dn
        bio = p.bio(code, first[0])
        if bio is not None:
            ev["bio"] = bio
        mail = p.email(code, first[0], last[0], year, handle)
        if mail is not None:
            ev["email"] = mail
        ev["signup_flow"] = flow
        ev["lang"] = lang
        ev["avatar"] = p.avatar()
        ref = p.referrer(code)
        if ref is not None:
            ev["referrer"] = ref
        return ev

    def network(self, code: str, flow: str) -> tuple:
        """(ip, user_agent, device_id) of an organic client, with households."""
        r, w = self.r, self.world
        hh = self.households.setdefault(code, [])
        x = r.random()
        if hh and x < 0.035:  # same household, same shared device (family tablet)
            ip, dev, f, ua = hh[-1 - int(r.random() * min(len(hh), 50))]
            if f == flow:
                return ip, ua, dev
        ua = w.ua(flow)
        dev = w.device(flow) if r.random() < 0.97 else None
        mobile = flow in ("ios", "android") or "Mobile" in ua
        if hh and x < 0.08:
            ip = hh[-1 - int(r.random() * min(len(hh), 50))][0]  # roommates, family
        elif mobile and r.random() < 0.6:
            ip = w.carrier_ip(code)
        elif r.random() < 0.015:
            ip = w.dc_ip()  # VPN users
        else:
            ip = w.home_ip(code)
        if not ip.count(":") and not mobile:
            hh.append((ip, dev, flow, ua))
            if len(hh) > 400:
                del hh[:200]
        return ip, ua, dev

    def finish_signup(self, a: Account, ev: dict, ip, ua, dev, country: Optional[str] = None) -> str:
        aid = self.world.snowflake(a.t_ms)
        ev["account_id"] = aid
        eid = self.event_id()
        if eid:
            ev["event_id"] = eid
        if ip:
            ev["ip"] = ip
        if ua:
            ev["user_agent"] = ua
        if dev:
            ev["device_id"] = dev
        ev["country"] = country or a.code
        ev["truth"] = self.truth(a)
        self.emit(a.t_ms, self.world.by_code[a.code].utc_offset, ev)
        return aid

    def organic(self, a: Account):
        ev = self.profile(a)
        ip, ua, dev = self.network(a.code, ev["signup_flow"])
        country = a.code if self.r.random() < 0.97 else self.world.country_w.pick(self.r).code
        aid = self.finish_signup(a, ev, ip, ua, dev, country)
        self.recent.append(aid)
        if len(self.recent) > 3000:
            del self.recent[:1500]
        self.organic_activity(a, aid, ip, ev["signup_flow"])
        self.maybe_label(a, aid)
        if self.r.random() < 0.012:
            self.alt_account(a, ev, ip, ua, dev)

    def alt_account(self, a: Account, main: dict, ip, ua, dev):
        """A second account of the same person, minutes later, same device and network."""
        r, p = self.r, self.people
        b = Account(a.t_ms + int(lognormal_s(r, 600, 1.2) * 1000), a.code, "benign")
        if b.t_ms >= self.end_ms:
            return
        self.stats["accounts"] += 1
        self.stats["benign"] += 1
        base = main["username"]
        handle = p.claim(base[:16] + r.choice(("_", "2", "_alt", "x", "__", "_priv", "bkp", "_2", "3", "_")))
        ev = {"type": "signup", "username": handle}
        if main.get("display_name") and r.random() < 0.7:
            ev["display_name"] = main["display_name"]
        if r.random() < 0.3 and "bio" in main:
            ev["bio"] = main["bio"]
        mail = main.get("email")
        if mail and r.random() < 0.4 and mail.endswith("@gmail.com"):
            local, dom = mail.split("@")
            ev["email"] = f"{local}+{r.choice(('2', 'alt', 'x', 'priv', 'a'))}@{dom}"
        else:
            m = p.email(a.code, r.choice(N.FIRST["en"])[0], r.choice(N.LAST["en"])[0], 1995, handle)
            if m:
                ev["email"] = m
        ev["signup_flow"] = main["signup_flow"]
        ev["lang"] = main["lang"]
        ev["avatar"] = main["avatar"] if r.random() < 0.4 else "default"
        aid = self.finish_signup(b, ev, ip, ua, dev, main.get("country"))
        self.organic_activity(b, aid, ip, ev["signup_flow"], onboarding=0.1)
        self.maybe_label(b, aid)

    def act(self, a: Account, aid: str, t_ms: int, action: str, target=None, text=None, ip=None):
        ev = {"type": "activity", "account_id": aid, "action": action}
        eid = self.event_id()
        if eid:
            ev["event_id"] = eid
        if target is not None:
            ev["target"] = target
        if text is not None:
            ev["text"] = text
        if ip is not None and self.r.random() < 0.95:  # some services do not forward the client IP
            ev["ip"] = ip
        ev["truth"] = self.truth(a)
        self.emit(t_ms, self.world.by_code[a.code].utc_offset, ev)

    def organic_text(self) -> str:
        r = self.r
        core = r.choice(W.POST_TEMPLATES if r.random() < 0.55 else W.MORE_POSTS)
        text = (r.choice(W.POST_OPENERS) + core + r.choice(W.POST_CLOSERS)).format(
            show=r.choice(W.SHOWS), interest=r.choice(N.INTERESTS), interest2=r.choice(N.INTERESTS),
            emoji=r.choice(W.EMOJI), food=r.choice(W.FOODS), thing=r.choice(W.THINGS),
            team=r.choice(W.TEAMS), pet=r.choice(W.PETS), artist=r.choice(W.ARTISTS),
            n=r.randint(2, 12), place=r.choice(W.BIO_PLACES), relation=r.choice(W.BIO_RELATIONS),
            handle=r.choice(N.NOUNS) + r.choice(("", "_", "")) + r.choice(N.NOUNS))
        x = r.random()
        if x < 0.12:
            text = text.capitalize()
        elif x < 0.15:
            text = text.upper()
        return text

    def organic_activity(self, a: Account, aid: str, ip: str, flow: str, extra: int = 0,
                         onboarding: Optional[float] = None):
        r, w = self.r, self.world
        t = a.t_ms
        # onboarding: the app suggests popular accounts right after sign-up
        p_onb = (0.45 if flow in ("ios", "android") else 0.25) if onboarding is None else onboarding
        if r.random() < p_onb:
            t += int(r.uniform(20, 150) * 1000)
            sugg = w.suggested[a.code]
            for target in r.sample(sugg, r.randint(2, min(10, len(sugg)))):
                t += int(r.uniform(1.5, 12) * 1000)
                self.act(a, aid, t, "follow", target, ip=ip)
        n = extra + (0 if r.random() < 0.22 else min(40, int(r.expovariate(1 / 4.0)) + 1))
        t = a.t_ms + int(lognormal_s(r, 600, 1.4) * 1000)
        for _ in range(n):
            x = r.random()
            if x < 0.33:
                self.act(a, aid, t, "like", w.posts_w.pick(r), ip=ip)
            elif x < 0.55:
                target = w.popular_w.pick(r) if (r.random() < 0.7 or not self.recent) else r.choice(self.recent)
                self.act(a, aid, t, "follow", target, ip=ip)
            elif x < 0.67:
                self.act(a, aid, t, "post", None, self.organic_text(), ip=ip)
            elif x < 0.75:
                self.act(a, aid, t, "repost", w.posts_w.pick(r), ip=ip)
            elif x < 0.84:
                self.act(a, aid, t, "reply", w.posts_w.pick(r), r.choice(W.REPLY_TEMPLATES).format(
                    emoji=r.choice(W.EMOJI)), ip=ip)
            elif x < 0.91:
                self.act(a, aid, t, "login", ip=ip if r.random() < 0.7 else w.home_ip(a.code))
            elif x < 0.97:
                self.act(a, aid, t, "profile_update", ip=ip)
            else:
                target = r.choice(self.recent) if self.recent else w.popular_w.pick(r)
                self.act(a, aid, t, "dm", target, r.choice(W.REPLY_TEMPLATES).format(emoji=""), ip=ip)
            t += int(lognormal_s(r, 420, 1.5) * 1000)

    def maybe_label(self, a: Account, aid: str, p: Optional[float] = None):
        r = self.r
        p = (0.06 if a.label == "spam" else 0.025) if p is None else p
        if r.random() >= p:
            return
        correct = r.random() >= 0.05
        label = a.label if correct else ("benign" if a.label == "spam" else "spam")
        if label == "spam":
            src = "report" if r.random() < 0.45 else "moderator"
        else:
            src = "appeal" if r.random() < 0.3 else "moderator"
        delay = min(30 * 3600, max(900, lognormal_s(r, 4 * 3600, 0.9)))
        ev = {"type": "label", "account_id": aid, "label": label, "source": src}
        if r.random() < 0.8:
            ev["event_id"] = rand_uuid(r)
        ev["truth"] = self.truth(a)
        self.emit(a.t_ms + int(delay * 1000), 0, ev)


def _diurnal(local_h):
    """Relative sign-up rate by local hour (mean 1 over the day): trough ~04:00, peak ~21:00."""
    x = 2 * np.pi * (local_h - 21) / 24
    y = 1 + 0.62 * np.cos(x) + 0.18 * np.cos(2 * x + 1.2)
    return y / 1.0


# --------------------------------------------------------------------------- public API


def _render(sim: Simulator, item) -> dict:
    ts_ms, _, offset, ev = item
    r = sim.r
    x = r.random()
    if x < 0.6:
        ev["ts"] = format_time(ts_ms / 1000)
    elif x < 0.86:
        ev["ts"] = format_time_offset(ts_ms, offset)
    elif x < 0.97:
        ev["ts"] = ts_ms / 1000
    else:
        ev["ts"] = ts_ms // 1000 if ts_ms % 1000 == 0 else ts_ms / 1000
    return ev


def _order(ev: dict) -> dict:
    """Put type, ids and ts first (readable files), truth last."""
    out = {"type": ev["type"]}
    for k in ("event_id", "account_id", "ts"):
        if k in ev:
            out[k] = ev[k]
    for k, v in ev.items():
        if k not in out and k != "truth":
            out[k] = v
    out["truth"] = ev["truth"]
    return out


def generate(seed: int = 0, hours: float = DEFAULT_HOURS, rate: float = DEFAULT_RATE,
             scenario: str = "default", start: str = DEFAULT_START,
             stats: Optional[dict] = None) -> Iterator[dict]:
    """Yield contract events with ``truth``, in non-decreasing ``ts`` order.

    ``truth`` is ``{"label": "spam"|"benign", "wave": id or None}`` on every signup,
    activity and label event; members of a benign look-alike group (flash crowd,
    campus ...) also carry ``"cohort": name`` so that false positives can be broken
    down. Deterministic for ``(seed, hours, rate, scenario, start)``. ``stats``, if given, is
    filled with account counts once the simulation has run.
    """
    sim = Simulator(seed, hours, rate, scenario, start)
    items = sim.run()
    if stats is not None:
        stats.update(sim.stats)
        stats["events"] = len(items)
    for item in items:
        yield _order(_render(sim, item))


def scenario_names() -> list[str]:
    return list(SCENARIOS)


# --------------------------------------------------------------------------- CLI


def register(subparsers) -> None:
    lines = "\n".join(f"  {name:<15} {desc}" for name, (_, desc) in SCENARIOS.items())
    p = subparsers.add_parser(
        "simulate", help="write synthetic sign-up traffic with labelled spam waves (JSON Lines)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write a JSON Lines file of contract events (signup, activity, label) with a\n"
            "'truth' object on every event, in non-decreasing ts order. Organic users follow a\n"
            "daily rhythm; spam waves differ in what they share and rotate; benign look-alike\n"
            "groups (flash crowds, campuses, ...) are hard negatives. Same arguments, same bytes."),
        epilog="scenarios:\n" + lines + "\n\nexample:\n  breakwater simulate --out /tmp/sim.jsonl --seed 1 --scenario rotating")
    p.add_argument("--out", required=True, metavar="FILE.jsonl", help="output file ('-' for stdout)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--hours", type=float, default=DEFAULT_HOURS, help=f"simulated duration (default {DEFAULT_HOURS:g})")
    p.add_argument("--rate", type=float, default=DEFAULT_RATE,
                   help=f"mean organic sign-ups per minute over a day (default {DEFAULT_RATE:g})")
    p.add_argument("--scenario", default="default", choices=list(SCENARIOS), metavar="NAME",
                   help="one of: " + ", ".join(SCENARIOS) + " (default: default)")
    p.add_argument("--start", default=DEFAULT_START, help=f"simulation start, RFC 3339 (default {DEFAULT_START})")
    p.set_defaults(func=run)


def run(args) -> int:
    t0 = _time.monotonic()
    stats: dict = {}
    try:
        Simulator(args.seed, args.hours, args.rate, args.scenario, args.start)  # check the arguments
    except ValueError as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    print(f"simulate: scenario {args.scenario}, seed {args.seed}, {args.hours:g} h, "
          f"{args.rate:g} organic sign-ups/min ...", file=sys.stderr)
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    n = 0
    waves: dict = {}
    try:
        for ev in generate(args.seed, args.hours, args.rate, args.scenario, args.start, stats):
            out.write(orjson.dumps(ev) + b"\n")
            n += 1
            if ev["type"] == "signup":
                key = ev["truth"]["wave"] or ev["truth"].get("cohort")
                if key:
                    waves[key] = waves.get(key, 0) + 1
            if n % 20000 == 0:
                print(f"  {n:,} / {stats['events']:,} events written", file=sys.stderr)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    spam = stats.get("spam", 0)
    acc = stats.get("accounts", 0) or 1
    print(f"simulate: {n:,} events, {stats.get('accounts', 0):,} accounts, {spam:,} spam "
          f"({100 * spam / acc:.1f}%) in {_time.monotonic() - t0:.1f}s -> {args.out}", file=sys.stderr)
    for k in sorted(waves):
        print(f"  {k:<24} {waves[k]:>6} accounts", file=sys.stderr)
    return 0
