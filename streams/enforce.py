"""The enforcement simulator: applies ``actions`` and accounts for what got through.

A stand-in for the platform's enforcement service in demos and tests: it applies
live decisions (a suspended account stops acting; a release lets it act again),
ignores shadow ones, and — because it knows the simulator's truth — reports how
much spam activity happened before suspension and how precise the suspensions were.

Pure: feed it with :meth:`Enforcement.apply` (decisions) and
:meth:`Enforcement.activity` (attempted activity); no Kafka, no clock.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional


class Enforcement:
    """Account states from decisions, and spam accounting from truth.

    Examples
    --------
    >>> e = Enforcement()
    >>> e.signup("s1", "spam", "w1"); e.signup("o1", "benign", None)
    >>> e.activity("s1")          # before any decision: it happens
    True
    >>> e.apply({"account_id": "s1", "action": "suspend", "mode": "live"})
    >>> e.activity("s1")          # suspended: stopped
    False
    >>> r = e.report()
    >>> (r["spam_activity_attempted"], r["spam_activity_done"], r["suspend_precision"])
    (2, 1, 1.0)
    """

    def __init__(self):
        self.truth: dict[str, tuple[str, Optional[str]]] = {}
        self.state: dict[str, str] = {}
        self.counts: Counter = Counter()
        self.waves: dict[str, Counter] = {}
        self.ever_suspended: set = set()

    def signup(self, account_id: str, label: str, wave: Optional[str]) -> None:
        self.truth[account_id] = (label, wave)
        self.counts[f"{label}_accounts"] += 1
        if wave:
            self.waves.setdefault(wave, Counter())["accounts"] += 1

    def apply(self, action: dict) -> None:
        """One decision from ``actions`` (idempotent: repeats change nothing)."""
        if action.get("mode") != "live":
            self.counts["shadow_decisions"] += 1
            return
        acc, act = action["account_id"], action["action"]
        prev = self.state.get(acc)
        if act == "release":
            self.state.pop(acc, None)
        elif act == "suspend" or (act == "challenge" and prev != "suspended"):
            self.state[acc] = "suspended" if act == "suspend" else "challenged"
        if prev == self.state.get(acc):
            self.counts["repeated_decisions"] += 1
            return
        self.counts[f"{act}s"] += 1
        label, wave = self.truth.get(acc, ("unknown", None))
        if act == "suspend" and acc not in self.ever_suspended:
            self.ever_suspended.add(acc)
            self.counts[f"suspended_{label}"] += 1
            if wave:
                self.waves.setdefault(wave, Counter())["suspended"] += 1

    def allows(self, account_id: str) -> bool:
        return self.state.get(account_id) != "suspended"

    def activity(self, account_id: str) -> bool:
        """An account tries to act; True if it may (counted by truth)."""
        label, wave = self.truth.get(account_id, ("unknown", None))
        ok = self.allows(account_id)
        self.counts[f"{label}_activity_attempted"] += 1
        self.counts[f"{label}_activity_{'done' if ok else 'prevented'}"] += 1
        if wave:
            self.waves.setdefault(wave, Counter())["activity_done" if ok else "activity_prevented"] += 1
        return ok

    def report(self) -> dict:
        c = self.counts
        sus = c["suspended_spam"] + c["suspended_benign"]
        attempted = c["spam_activity_attempted"]
        return {
            "spam_accounts": c["spam_accounts"], "benign_accounts": c["benign_accounts"],
            "suspended": sus, "suspended_spam": c["suspended_spam"],
            "suspended_benign": c["suspended_benign"], "challenges": c["challenges"],
            "releases": c["releases"], "shadow_decisions": c["shadow_decisions"],
            "suspend_precision": round(c["suspended_spam"] / sus, 4) if sus else None,
            "suspend_recall": (round(c["suspended_spam"] / c["spam_accounts"], 4)
                               if c["spam_accounts"] else None),
            "spam_activity_attempted": attempted, "spam_activity_done": c["spam_activity_done"],
            "spam_activity_prevented": c["spam_activity_prevented"],
            "spam_activity_before_suspension": (round(c["spam_activity_done"] / attempted, 4)
                                                if attempted else None),
            "benign_activity_prevented": c["benign_activity_prevented"],
        }
