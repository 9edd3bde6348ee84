"""Conformance suite run over every detector class.

Each detector is driven through a small adapter (``Driver``) that feeds it contract
events and reads one score per event. For every detector:

* inputs are not mutated;
* a pickle round trip mid-stream gives identical scores afterwards;
* two instances with the same seed give identical scores;
* the order of fields in the input JSON is irrelevant;
* events with only the required fields are tolerated;
* scores are finite;
* memory is bounded: with small caps, state stops growing as traffic keeps coming.

``make_events`` is a tiny deterministic traffic generator (organic accounts with
diverse profiles plus one templated wave acting in lockstep), shared with the
engine tests.
"""
from __future__ import annotations

import copy
import dataclasses
import math
import pickle
import random
from typing import Callable

import pytest

from streams.contract import Activity, Label, Signup, parse_event

from detectors.baselines import HalfSpaceTreesBaseline, NetworkVelocityRule
from detectors.burst import BurstDetector
from detectors.cohort import CoActivityLinker
from detectors.engine import Engine
from detectors.keyed import KeyedHasher
from detectors.lockstep import LockstepTracker
from detectors.scoring import WaveScorer
from detectors.signatures import SignatureExtractor

T0 = 1566208800.0
_SYL = "ka lo mi ne ru sa ti vo ze an el or ba de fi gu ha jo ku li ma no pe ri su ta ve wi ya zu".split()
_WORDS = ("music travel coffee books cats football art code hiking films chess sushi dogs tea yoga jazz "
          "design physics poetry running anime gardening photos history baking cycling theatre dance "
          "science politics fashion gaming rap surf climbing maths startups birds wine beer opera").split()


def _name(r: random.Random) -> str:
    return "".join(r.choice(_SYL) for _ in range(r.randint(2, 4)))


def _bio(r: random.Random) -> str:
    words = r.sample(_WORDS, r.randint(1, 5))
    return r.choice(("{} | {}", "{} and {}", "{}, {}!", "{} · {}", "love {} & {}")).format(
        " ".join(words[: len(words) // 2 + 1]), " ".join(words[len(words) // 2 + 1:]) or r.choice(_WORDS))


def make_events(n_organic: int = 300, wave: int = 30, seed: int = 0, start: float = T0,
                minimal: bool = False) -> list[dict]:
    """Contract events (dicts, ``ts`` ordered): organic signups and activity, one wave
    of templated accounts sharing a device pool, a bio template and lockstep follows,
    and a few labels. ``minimal`` drops every optional field."""
    r = random.Random(seed)
    evs: list[dict] = []
    t = start
    for i in range(n_organic):
        t += r.expovariate(1 / 20.0)
        first, last = _name(r), _name(r)
        ev = {"type": "signup", "event_id": f"s{seed}-{i}", "account_id": f"o{seed}-{i}", "ts": t,
              "username": f"{first}{r.choice(['', '_', '.'])}{r.choice([last, str(r.randrange(10 ** 4))])}",
              "display_name": f"{first.title()} {last.title()}", "bio": _bio(r),
              "email": f"{first}{r.randrange(999)}@{r.choice(['gmail.com', 'yahoo.com', 'mail.example'])}",
              "ip": f"{r.randint(11, 200)}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
              "user_agent": f"Chirp/8.{r.randrange(5)} (Android {r.randint(7, 10)})",
              "device_id": f"{r.getrandbits(64):016x}", "country": r.choice(["US", "DE", "BR", "IN"]),
              "lang": "en", "signup_flow": r.choice(["web", "ios", "android"]), "avatar": "default"}
        evs.append(ev)
        for _ in range(r.randint(0, 3)):
            evs.append({"type": "activity", "account_id": ev["account_id"], "ts": t + r.uniform(5, 600),
                        "action": "follow", "target": f"pop{r.randrange(40)}"})
        if i == n_organic // 2:
            wt = t
            for j in range(wave):
                wt += r.uniform(5, 25)
                acct = f"w{seed}-{j}"
                evs.append({"type": "signup", "event_id": f"ws{seed}-{j}", "account_id": acct, "ts": wt,
                            "username": f"Crypto_King{r.randrange(10000):04d}",
                            "bio": f"Crypto signals daily! DM for VIP access, {r.randint(10, 99)}x guaranteed",
                            "email": f"ck{r.randrange(10 ** 6):06d}@mailbox.example", "ip": f"203.0.113.{j % 200 + 1}",
                            "user_agent": "BotUA/1.0", "device_id": f"dev-{j % 3}", "avatar": "img9f3a",
                            "signup_flow": "api"})
                for k in range(3):
                    evs.append({"type": "activity", "event_id": f"wa{seed}-{j}-{k}", "account_id": acct,
                                "ts": wt + 5 + k, "action": "follow", "target": f"customer{k}"})
            evs.append({"type": "label", "account_id": f"w{seed}-0", "ts": wt + 3600, "label": "spam",
                        "source": "moderator"})
    evs.append({"type": "label", "account_id": f"o{seed}-1", "ts": t + 7200, "label": "benign"})
    evs.sort(key=lambda e: e["ts"])
    if minimal:
        req = {"signup": ("type", "account_id", "ts", "username"), "activity": ("type", "account_id", "ts", "action"),
               "label": ("type", "account_id", "ts", "label")}
        evs = [{k: e[k] for k in req[e["type"]]} for e in evs]
    return evs


def parsed(evs: list[dict], shuffle_fields: bool = False, seed: int = 0) -> list:
    r = random.Random(seed)
    out = []
    for e in evs:
        items = list(e.items())
        if shuffle_fields:
            r.shuffle(items)
        out.append(parse_event(dict(items)))
    return out


# --------------------------------------------------------------------------- drivers


class Driver:
    """Feeds one detector contract events; ``step`` returns a score (or None)."""

    def __init__(self, make: Callable[[int], object], step: Callable[[object, object], float | None]):
        self.make = make
        self.step = step


def _sig_keys(seed: int) -> SignatureExtractor:
    return SignatureExtractor(KeyedHasher(seed=seed), seed=seed)


_EXTRACTORS: dict = {}


def _keys_of(ev, seed: int = 0) -> list[int]:
    ex = _EXTRACTORS.setdefault(seed, _sig_keys(seed))
    return ex.extract(ev).keys


def _burst_step(det: BurstDetector, ev) -> float | None:
    if not isinstance(ev, Signup):
        return None
    keys = _keys_of(ev)
    det.learn_one(keys, ev.ts)
    det.learn_baseline(keys[:3], ev.ts)
    return det.score_one(keys[0], ev.ts)


def _extract_step(det: SignatureExtractor, ev) -> float | None:
    if not isinstance(ev, Signup):
        return None
    sig = det.extract(ev)
    return float(sum(k % 1000 for k in sig.keys))  # a deterministic function of the keys


def _lockstep_step(det: LockstepTracker, ev) -> float | None:
    if not isinstance(ev, Activity):
        return None
    return float(det.learn_one(ev.account_id[:2], ev.account_id, ev.ts, ev.target, ev.text))


def _linker_step(det: CoActivityLinker, ev) -> float | None:
    if not isinstance(ev, Activity):
        return None
    return float(len(det.learn_one(ev.account_id, ev.ts, ev.target, ev.text)))


_FEATS = ("identity", "environment", "n_identity", "log_size", "lockstep", "match", "rate")


def _scorer_step(det: WaveScorer, ev) -> float | None:
    if isinstance(ev, Activity):
        return None
    h = sum(map(ord, ev.account_id))
    f = {"identity": (h % 50) / 10, "environment": (h % 7) / 5, "n_identity": h % 4,
         "log_size": math.log(2 + h % 30), "lockstep": h % 9, "match": (h % 10) / 10, "rate": (h % 5) / 5,
         "coact": h % 11, "coact_share": (h % 3) / 3, "explained": (h % 4) / 4}
    if isinstance(ev, Label):
        det.learn_one(f, ev.label == "spam")
        return None
    return det.score_one(f)


def _velocity_step(det: NetworkVelocityRule, ev) -> float | None:
    return det.learn_one(ev) if isinstance(ev, Signup) else None


def _hst_step(det: HalfSpaceTreesBaseline, ev) -> float | None:
    return det.learn_one(ev) if isinstance(ev, Signup) else None


def _engine_step(det: Engine, ev) -> float | None:
    score = det.assess(ev).score if isinstance(ev, Signup) else 0.0
    out = det.process(ev)
    return float(score + sum(d.score + len(d.reasons) for d in out))


SMALL = dict(recent_capacity=256, max_live_waves=16, max_closed_waves=32, max_accounts=300,
             dedupe_capacity=300, sketch_width=1 << 10)

DRIVERS = {
    "BurstDetector": Driver(lambda s: BurstDetector(width=1 << 10, seed=s), _burst_step),
    "SignatureExtractor": Driver(_sig_keys, _extract_step),
    "LockstepTracker": Driver(lambda s: LockstepTracker(max_entries=200, seed=s), _lockstep_step),
    "CoActivityLinker": Driver(lambda s: CoActivityLinker(capacity=256, warmup=0, seed=s), _linker_step),
    "WaveScorer": Driver(lambda s: WaveScorer(), _scorer_step),
    "NetworkVelocityRule": Driver(lambda s: NetworkVelocityRule(max_networks=200, seed=s), _velocity_step),
    "HalfSpaceTreesBaseline": Driver(lambda s: HalfSpaceTreesBaseline(seed=s), _hst_step),
    "Engine": Driver(lambda s: Engine(seed=s, **SMALL), _engine_step),
}

ids = list(DRIVERS)


def run(driver: Driver, det, events) -> list:
    return [driver.step(det, ev) for ev in events]


@pytest.fixture(scope="module")
def events():
    return parsed(make_events(n_organic=200, wave=25, seed=1))


@pytest.mark.parametrize("name", ids)
def test_inputs_not_mutated(name, events):
    d = DRIVERS[name]
    before = [dataclasses.asdict(e) for e in events]
    run(d, d.make(0), events)
    assert [dataclasses.asdict(e) for e in events] == before


@pytest.mark.parametrize("name", ids)
def test_pickle_round_trip_gives_identical_scores(name, events):
    d = DRIVERS[name]
    half = len(events) // 2
    a = d.make(0)
    run(d, a, events[:half])
    b = pickle.loads(pickle.dumps(a))
    assert run(d, a, events[half:]) == run(d, b, events[half:])


@pytest.mark.parametrize("name", ids)
def test_seeded_runs_identical(name, events):
    d = DRIVERS[name]
    assert run(d, d.make(7), events) == run(d, d.make(7), events)


@pytest.mark.parametrize("name", ids)
def test_field_order_irrelevant(name):
    d = DRIVERS[name]
    raw = make_events(n_organic=120, wave=15, seed=2)
    assert run(d, d.make(0), parsed(raw)) == run(d, d.make(0), parsed(raw, shuffle_fields=True, seed=5))


@pytest.mark.parametrize("name", ids)
def test_missing_optional_fields_tolerated_and_scores_finite(name):
    d = DRIVERS[name]
    scores = run(d, d.make(0), parsed(make_events(n_organic=120, wave=15, seed=3, minimal=True)))
    assert all(s is None or math.isfinite(s) for s in scores)


@pytest.mark.parametrize("name", ids)
def test_scores_finite(name, events):
    d = DRIVERS[name]
    scores = run(d, d.make(0), events)
    assert all(s is None or math.isfinite(s) for s in scores)


@pytest.mark.parametrize("name", ids)
def test_memory_bounded(name):
    """With small caps, state after 2x the traffic is not much larger than after 1x."""
    d = DRIVERS[name]
    det = d.make(0)
    sizes = []
    day = 86400.0
    for rnd in range(4):
        run(d, det, parsed(make_events(n_organic=250, wave=10, seed=10 + rnd, start=T0 + rnd * day)))
        sizes.append(len(pickle.dumps(det)))
    # after the caps fill, more traffic must not keep growing the state
    assert sizes[3] <= sizes[1] * 1.25 + 4096, sizes


def test_every_detector_class_is_covered():
    """A new detector class must be added to DRIVERS."""
    import detectors
    import importlib
    import pkgutil

    classes = set()
    for mod in pkgutil.iter_modules(detectors.__path__):
        m = importlib.import_module(f"detectors.{mod.name}")
        for obj in vars(m).values():
            if isinstance(obj, type) and obj.__module__ == m.__name__ and \
                    callable(getattr(obj, "learn_one", None)) and callable(getattr(obj, "score_one", None)):
                classes.add(obj.__name__)
    assert classes - set(DRIVERS) == set(), classes - set(DRIVERS)


def test_copy_is_independent(events):
    e = Engine(seed=0, **SMALL)
    run(DRIVERS["Engine"], e, events[:50])
    c = copy.deepcopy(e)
    run(DRIVERS["Engine"], c, events[50:])
    assert e.stats()["events"] == 50
