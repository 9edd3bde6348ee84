"""Reasons a moderator can act on, built from a wave's evidence — no raw personal data.

Trait labels come from :mod:`detectors.signatures`, where e-mail addresses and IPs
are already keyed-hash tags; free text shown as a template (bios, names) is scrubbed
of anything that looks like an e-mail address, an IP address or a phone number.

References
----------
Ribeiro, Singh, Guestrin. *"Why should I trust you?"* KDD 2016 — on explanations
that name the features a decision rested on.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

__all__ = ["scrub", "hhmm", "wave_reasons", "wave_context", "score_reason"]

_EMAIL = re.compile(r"[^\s@“”]+@[^\s@“”]+")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b", re.I)
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")


def scrub(text: str) -> str:
    """Mask e-mail addresses, IPs and phone numbers in display text.

    >>> scrub("dm me: bot@mail.example or 203.0.113.9, +1 555 010 9999")
    'dm me: <email> or <ip>, <phone>'
    """
    text = _EMAIL.sub("<email>", text)
    text = _IPV4.sub("<ip>", text)
    text = _IPV6.sub("<ip>", text)
    return _PHONE.sub("<phone>", text)


# the traits of a wave are scrubbed again for each member it decides on: memoised (a pure
# function of the text, bounded)
_scrub = functools.lru_cache(maxsize=1 << 12)(scrub)


def hhmm(ts: float) -> str:
    """``HH:MM`` UTC of an event time.

    >>> hhmm(1566208920.0)
    '10:02'
    """
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%H:%M")


_hhmm = functools.lru_cache(maxsize=1 << 10)(hhmm)  # a wave's start, again for each member


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def wave_reasons(size: int, first_seen: float, traits: list[str], top_z: float, lockstep: int,
                 spam_labels: int, score: float, threshold_name: str, threshold: float,
                 match: float, coact: int = 0) -> list[str]:
    """The reasons attached to a decision about a wave member: :func:`wave_context`
    then :func:`score_reason`.

    >>> wave_reasons(312, 1566208920.0, ["username shape Aaaa9999", "bio template “win 0 btc”", "3 devices"],
    ...              9.5, 0, 0, 0.97, "suspend", 0.9, 1.0)[0]
    '312 accounts since 10:02 UTC share username shape Aaaa9999, bio template “win 0 btc” and 3 devices'
    """
    return wave_context(size, first_seen, traits, top_z, lockstep, spam_labels, coact) + \
        [score_reason(score, threshold_name, threshold, match)]


def wave_context(size: int, first_seen: float, traits: list[str], top_z: float, lockstep: int,
                 spam_labels: int, coact: int = 0) -> list[str]:
    """The reasons that describe the wave (the same for each of its members)."""
    shared = [_scrub(t) for t in traits]
    if shared:
        head = f"{size} accounts since {_hhmm(first_seen)} UTC share {_join(shared)}"
    elif coact:
        head = f"{size} accounts since {_hhmm(first_seen)} UTC acted in lockstep on the same unusual targets"
    else:
        head = f"{size} accounts since {_hhmm(first_seen)} UTC share several weak traits"
    out = [head]
    if coact >= 2:
        out.append(f"{coact} members followed, liked, reposted or replied to the same unusual targets "
                   f"within minutes of each other, with no shared network, mail domain or referrer to explain it")
    if top_z > 0 and shared:
        out.append(f"strongest shared trait is {top_z:.0f} standard deviations above its usual rate")
    if lockstep >= 3:
        out.append(f"{lockstep} members acted on the same target or posted near-identical text within minutes")
    if spam_labels:
        out.append(f"{spam_labels} member{'s' if spam_labels > 1 else ''} labelled spam by moderators")
    return out


def score_reason(score: float, threshold_name: str, threshold: float, match: float) -> str:
    """The last reason: the wave's score against the threshold, and the account's match.

    >>> score_reason(0.97, "suspend", 0.9, 0.5)
    "wave score 0.97 ≥ suspend threshold 0.90; this account carries 50% of the wave's signature"
    """
    return (f"wave score {score:.2f} ≥ {threshold_name} threshold {threshold:.2f}; "
            f"this account carries {match:.0%} of the wave's signature")
