"""Decision policy: per-account state that makes decisions idempotent.

Each tracked account (wave members and decided accounts only — organic singletons
are never stored) has a *live* and a *shadow* status. A ``suspend`` is emitted only
when the account is not already suspended in that mode, a ``challenge`` only for an
account that has had no decision yet, a ``release`` only for a suspended or
challenged account. So the enforcement service gets at most one live suspend per
account unless a release came between, and the kill switch (shadow mode) never
uses up the live transitions.

Accounts a moderator labelled benign are *exempt*: the detectors do not act on them
again unless a later spam label says otherwise.

References
----------
Helland. *Idempotence is not a medical condition*. ACM Queue 2012.
"""
from __future__ import annotations

from typing import Optional

from streams.contract import Decision

from detectors.bounded import LRUDict, restore_slots

__all__ = ["Account", "Policy"]

NONE, CHALLENGED, SUSPENDED, RELEASED = 0, 1, 2, 3


class Account:
    """What the engine remembers about one wave member or decided account."""

    __slots__ = ("wave", "live", "shadow", "exempt", "feats", "ts", "match", "ever_suspended", "coact", "lock_key",
                 "rejudge", "ties", "late")

    def __init__(self, wave: Optional[str], ts: float):
        self.wave = wave
        self.live = NONE
        self.shadow = NONE
        self.exempt = False
        self.feats: Optional[dict] = None
        self.ts = ts
        self.match = 0.0
        self.ever_suspended = False
        self.coact = False  # linked to another member by lockstep activity
        self.lock_key: Optional[int] = None  # first target it hit in lockstep with its wave
        self.rejudge = False  # judged at the suspend level, too unlike its wave to be suspended (Engine._rejudge)
        self.ties: tuple = ()  # (account, seq) of the wave members it is strongly linked to (Engine._tie)
        self.late = False  # in its lockstep wave as one of a late crowd only (Engine._late_crowd), not by a pair

    def __setstate__(self, state):
        restore_slots(self, state, lock_key=None, rejudge=False, ties=(), late=False)  # snapshots from before these


class Policy:
    """Status per account, bounded, and the idempotent transitions.

    Parameters
    ----------
    max_accounts
        Hard cap on remembered accounts (least recently touched are forgotten).

    Examples
    --------
    >>> p = Policy(10)
    >>> d = p.suspend("a1", 5.0, 0.97, ["r"], "w1", 3, live=True)
    >>> d.action, p.suspend("a1", 6.0, 0.99, ["r"], "w1", 3, live=True)
    ('suspend', None)
    >>> p.release("a1", 7.0, ["labelled benign"], 3, live=True).action
    'release'
    """

    def __init__(self, max_accounts: int = 500_000):
        self.accounts = LRUDict(max_accounts)
        self.counts = {"suspend": 0, "challenge": 0, "release": 0, "shadow": 0}

    def get(self, account_id: str) -> Optional[Account]:
        return self.accounts.get(account_id)

    def peek(self, account_id: str) -> Optional[Account]:
        return self.accounts.peek(account_id)

    def track(self, account_id: str, wave: Optional[str], ts: float) -> Account:
        a = self.accounts.get(account_id)
        if a is None:
            a = Account(wave, ts)
            self.accounts[account_id] = a
        elif wave is not None:
            a.wave = wave
        return a

    def _emit(self, acc: Account, account_id: str, action: str, ts: float, score: float, reasons: list,
              wave_id: Optional[str], version: int, live: bool) -> Decision:
        if live:
            acc.live = {"suspend": SUSPENDED, "challenge": CHALLENGED, "release": RELEASED}[action]
            self.counts[action] += 1
            if action == "suspend":
                acc.ever_suspended = True
        else:
            acc.shadow = {"suspend": SUSPENDED, "challenge": CHALLENGED, "release": RELEASED}[action]
            self.counts["shadow"] += 1
        score = 0.0 if score != score else min(1.0, max(0.0, score))
        return Decision(account_id, action, ts, score, list(reasons), wave_id, version,
                        "live" if live else "shadow")

    def suspend(self, account_id: str, ts: float, score: float, reasons: list, wave_id: Optional[str],
                version: int, live: bool) -> Optional[Decision]:
        acc = self.track(account_id, wave_id, ts)
        st = acc.live if live else acc.shadow
        if st == SUSPENDED:
            return None
        return self._emit(acc, account_id, "suspend", ts, score, reasons, wave_id, version, live)

    def challenge(self, account_id: str, ts: float, score: float, reasons: list, wave_id: Optional[str],
                  version: int, live: bool) -> Optional[Decision]:
        acc = self.track(account_id, wave_id, ts)
        st = acc.live if live else acc.shadow
        if st != NONE:
            return None
        return self._emit(acc, account_id, "challenge", ts, score, reasons, wave_id, version, live)

    def release(self, account_id: str, ts: float, reasons: list, version: int, live: bool,
                wave_id: Optional[str] = None) -> Optional[Decision]:
        acc = self.accounts.get(account_id)
        if acc is None:
            return None
        st = acc.live if live else acc.shadow
        if st not in (SUSPENDED, CHALLENGED):
            return None
        return self._emit(acc, account_id, "release", ts, 0.0, reasons, wave_id or acc.wave, version, live)

    def __len__(self) -> int:
        return len(self.accounts)
