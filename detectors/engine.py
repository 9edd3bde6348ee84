"""The decision engine: the one pure function every adapter calls.

``Engine.process(event) -> list[Decision]`` is what the Faust worker, the offline
``breakwater evaluate`` and the signup-check endpoint share, so that the same input
gives the same decisions everywhere.
"""
from __future__ import annotations

import re
from typing import Optional

from streams.contract import Activity, Decision, Event, Label, Signup

__all__ = ["Engine"]

_DIGIT_TAIL = re.compile(r"\d{6,}$")


class Engine:
    """Contract events in, decisions out; event time only, no I/O.

    PLACEHOLDER RULE (foundation only, replaced by the wave detectors of issue 3):
    a signup whose username ends in six or more digits gets a ``challenge``; a
    ``spam`` label suspends the account; a ``benign`` label releases it.

    Examples
    --------
    >>> from streams.contract import Signup
    >>> e = Engine()
    >>> [d.action for d in e.process(Signup("a1", 1.0, "bot12345678"))]
    ['challenge']
    >>> e.process(Signup("a2", 2.0, "alice"))
    []
    """

    def __init__(self, config: dict | None = None, config_version: int = 0, seed: int = 0):
        self.config_version = config_version

    def process(self, ev: Event) -> list[Decision]:
        if isinstance(ev, Signup):
            return self._placeholder_signup(ev)
        if isinstance(ev, Label):
            action = "suspend" if ev.label == "spam" else "release"
            return [Decision(ev.account_id, action, ev.ts, 1.0 if action == "suspend" else 0.0,
                             [f"placeholder rule: labelled {ev.label}"], None, self.config_version)]
        if isinstance(ev, Activity):
            return []
        raise TypeError(f"not a contract event: {type(ev).__name__}")

    def _placeholder_signup(self, ev: Signup) -> list[Decision]:
        if _DIGIT_TAIL.search(ev.username):
            return [Decision(ev.account_id, "challenge", ev.ts, 0.5,
                             ["placeholder rule: username ends in 6+ digits"], None,
                             self.config_version)]
        return []
