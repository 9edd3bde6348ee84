"""The whole decision path around the engine: circuit breaker and shadow settings.

:class:`Decider` is what both the stream worker (``streams/detect.py``) and the
offline ``breakwater evaluate`` run per event, so that they make the same decisions:

- the live :class:`~detectors.engine.Engine`;
- a :class:`~detectors.breaker.CircuitBreaker` that, during an unconfirmed surge of
  live suspensions, degrades new suspends to challenges (remembered, and suspended
  once an operator confirms the surge) — by default only while the live settings are
  *looser* than the shipped defaults (``scope="loosened"``, see below);
- while candidate settings are being tried, a shadow engine — a copy of the live
  state with the candidate settings — whose decisions carry ``mode="shadow"``;
- a bounded record of recent decisions and labels for the live-vs-shadow report.

What the breaker guards (``scope``)
------------------------------------
``"loosened"`` (the default): the breaker degrades suspensions only while some live
setting is looser than its shipped default (:func:`detectors.config.loosened`: a lower
threshold, a higher weight, ...). That is the failure it exists for: an operator's
change — a typo, a threshold tried on live traffic — that suddenly suspends far more
than the tested configuration would. At the defaults, a surge of suspensions is what
a wave attack looks like, and the product's job is to suspend it within seconds: with
the breaker on every surge, every large wave was challenged instead until a person
confirmed it (measured: burst recall 0.955 → 0.709, lockstep 0.365 → 0.051 in a
replay nobody confirms). The breaker still watches every surge (its status shows
``in_surge``), so loosening the settings during one guards the rest of it at once.

``"all"``: degrade during every unconfirmed surge, whatever the settings (for a
deployment that wants a person to confirm every large wave).

Pure: event time only, no I/O; pickles (without the shadow engine, which the
control log re-creates after a restart).
"""
from __future__ import annotations

import pickle
from collections import deque
from typing import Optional

from detectors.bounded import LRUDict
from detectors.breaker import BREAKER_SCOPES, CircuitBreaker
from detectors.config import loosened
from detectors.engine import Engine
from streams.contract import Decision, Event, format_time


class Decider:
    """Engine + circuit breaker + optional shadow engine.

    Examples
    --------
    >>> from streams.contract import Signup
    >>> d = Decider(Engine(seed=0), CircuitBreaker())
    >>> d.process(Signup("a1", 1000.0, "alice"))
    []
    >>> d.on_shadow({"suspend_threshold": 0.8}, version=2)
    >>> d.shadow_report(3600)["active"]
    True
    >>> d.guarding, d.loosened
    (False, [])
    >>> d.on_live({"suspend_threshold": 0.8}, version=3)
    >>> d.guarding, d.loosened
    (True, ['suspend_threshold'])
    """

    SCOPES = BREAKER_SCOPES

    def __init__(self, engine: Engine, breaker: CircuitBreaker, recent: int = 200_000,
                 degraded: int = 100_000, scope: str = "loosened"):
        if scope not in self.SCOPES:
            raise ValueError(f"breaker scope must be one of {', '.join(self.SCOPES)}, got {scope!r}")
        self.engine = engine
        self.breaker = breaker
        self.scope = scope
        self.loosened: list[str] = loosened(engine.config)
        self.shadow: Optional[Engine] = None
        self.shadow_since: Optional[float] = None
        self.degraded = LRUDict(degraded)      # account -> suspend degraded to a challenge
        self.recent: deque = deque(maxlen=recent)  # (ts, account, action, mode)
        self.label_of = LRUDict(recent)        # account -> latest label (diff precision)
        self.max_ts = float("-inf")

    def __getstate__(self):
        state = dict(self.__dict__)
        state["shadow"] = state["shadow_since"] = None  # re-created from the control log
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "scope" not in state:  # a snapshot from before the breaker had a scope
            self.scope = "all"
            self.loosened = loosened(self.engine.config)

    @property
    def guarding(self) -> bool:
        """True when a tripped breaker degrades suspensions (see ``scope``)."""
        return self.scope == "all" or bool(self.loosened)

    @property
    def breaker_open(self) -> bool:
        """Suspensions are being degraded now: tripped, unconfirmed and guarding."""
        return self.breaker.tripped and self.guarding

    def breaker_status(self) -> dict:
        """:meth:`CircuitBreaker.status` plus what the breaker guards now."""
        st = self.breaker.status()
        st.update(scope=self.scope, guarding=self.guarding, loosened=list(self.loosened),
                  open=self.breaker_open)
        return st

    # ------------------------------------------------------------------ per event
    def process(self, ev: Event) -> list[Decision]:
        if ev.ts > self.max_ts:
            self.max_ts = ev.ts
        if ev.type == "label":
            self.label_of[ev.account_id] = ev.label
        decisions = self.engine.process(ev)
        if decisions:
            self._guard(ev.ts, decisions)
        else:  # most events: time moves on (``degrade`` only matters with suspensions)
            self.breaker.observe(ev.ts)
        if self.shadow is not None:
            shadow = self.shadow.process(ev)
            for d in shadow:
                d.mode = "shadow"
            decisions = decisions + shadow
        for d in decisions:
            self.recent.append((d.ts, d.account_id, d.action, d.mode))
        return decisions

    def _guard(self, ts: float, decisions: list) -> None:
        """Count the live suspensions among ``decisions`` (at least one decision) and
        degrade them while the breaker is open."""
        wanted = [d for d in decisions if d.action == "suspend" and d.mode == "live"]
        guarding = self.guarding
        if not (self.breaker.observe(ts, len(wanted), degrade=guarding) and guarding):
            return
        for d in wanted:
            d.action = "challenge"
            d.reasons = list(d.reasons) + [
                f"circuit breaker open: live suspensions above {self.breaker.multiple:g}x their "
                "baseline; degraded to a challenge until `breakwater config confirm-surge`"]
            self.degraded[d.account_id] = d

    # ------------------------------------------------------------------ live settings
    def on_live(self, values: dict, version: int) -> None:
        self.engine.apply_config(values, version)
        self.loosened = loosened(self.engine.config)

    def on_shadow(self, values: Optional[dict], version: int) -> None:
        if values is None:
            self.shadow = self.shadow_since = None
            return
        # the candidate starts from the live state, so it differs only by its settings
        self.shadow = pickle.loads(pickle.dumps(self.engine, protocol=pickle.HIGHEST_PROTOCOL))
        self.shadow.apply_config(values, version)
        self.shadow_since = self.max_ts

    def on_confirm(self, confirmed_at: float, version: int) -> list[Decision]:
        """Ops confirmed the surge: let it through; returns the suspends of the
        accounts that were degraded up to ``confirmed_at``."""
        self.breaker.confirm(confirmed_at)
        redo = []
        for acc in list(self.degraded.keys()):
            d = self.degraded.peek(acc)
            if d.ts <= confirmed_at:
                redo.append(Decision(acc, "suspend", d.ts, d.score,
                                     list(d.reasons[:-1]) + [f"suspension surge confirmed by ops "
                                                             f"(config v{version})"],
                                     d.wave_id, version, "live"))
                self.degraded.pop(acc)
        return redo

    # ------------------------------------------------------------------ report
    def shadow_report(self, window: float) -> dict:
        """Live vs shadow decisions over the last ``window`` seconds of event time."""
        if self.shadow is None:
            return {"active": False}
        t0 = max(self.max_ts - window, self.shadow_since if self.shadow_since is not None else -1e18)
        sets = {m: {"suspend": set(), "challenge": set()} for m in ("live", "shadow")}
        for ts, acc, action, mode in self.recent:
            if ts >= t0 and action in ("suspend", "challenge"):
                sets[mode][action].add(acc)
        out = {"active": True, "from_ts": format_time(t0) if t0 > 0 else None,
               "to_ts": format_time(self.max_ts) if self.max_ts > 0 else None}
        for mode, by in sets.items():
            labelled = [self.label_of.get(a) for a in by["suspend"] if self.label_of.get(a)]
            out[mode] = {"suspend": len(by["suspend"]), "challenge": len(by["challenge"]),
                         "labelled_suspended": len(labelled),
                         "label_precision": (round(labelled.count("spam") / len(labelled), 4)
                                             if labelled else None)}
        ls, ss = sets["live"]["suspend"], sets["shadow"]["suspend"]
        out["suspended_overlap"] = {"both": len(ls & ss), "live_only": len(ls - ss),
                                    "shadow_only": len(ss - ls),
                                    "more_suspensions_with_shadow": len(ss) - len(ls)}
        return out
