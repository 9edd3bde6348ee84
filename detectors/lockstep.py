"""Lockstep activity: members of one candidate wave acting on the same thing at once.

For accounts already grouped into a candidate wave, each activity is reduced to
*targets*: the followed / liked / replied-to object, and near-duplicate text keys
(MinHash bands of the normalised text). For each (wave, target) the tracker keeps the
distinct members that hit it within ``window`` seconds of the first hit; the wave's
lockstep count is the largest such set. Organic accounts act on scattered targets at
scattered times; a wave run from one script follows, likes and posts together.

State is bounded: an LRU of (wave, target) entries with a hard cap, and at most
``max_members`` accounts remembered per entry.

References
----------
Beutel, Xu, Guruswami, Palow, Faloutsos. *CopyCatch: stopping group attacks by
spotting lockstep behavior in social networks*. WWW 2013.
Cao, Yang, Yu, Palow. *Uncovering large groups of active malicious accounts in online
social networks* (SynchroTrap). CCS 2014.
"""
from __future__ import annotations

from typing import Optional

from detectors.bounded import LRUDict, Memo
from detectors.keyed import KeyedHasher
from detectors.minhash import MinHashLSH, post_words

__all__ = ["LockstepTracker"]


class LockstepTracker:
    """Distinct wave members per shared target within a short window.

    Parameters
    ----------
    window
        Seconds after a target's first hit by the wave during which hits count together.
    max_entries
        Hard cap on tracked (wave, target) pairs.
    max_members
        Members remembered per pair.
    min_text
        Texts shorter than this are not compared (``"hi"`` is not lockstep).
    seed
        Seed of the text MinHash.

    Examples
    --------
    >>> lt = LockstepTracker(window=600)
    >>> for i in range(5):
    ...     _ = lt.learn_one("w1", f"acct{i}", t=100.0 + i, target="post/42")
    >>> lt.score_one("w1"), lt.score_one("w2")
    (5, 0)
    >>> _ = lt.learn_one("w1", "acct9", t=5000.0, target="post/42")   # much later: new window
    >>> lt.score_one("w1")
    5
    """

    def __init__(self, window: float = 900.0, max_entries: int = 200_000, max_members: int = 64,
                 min_text: int = 20, seed: int = 0):
        self.window = window
        self.max_members = max_members
        self.min_text = min_text
        self._hasher = KeyedHasher(seed=seed + 7_919)
        self._lsh = MinHashLSH(bands=2, rows=3, ngram=4, seed=seed + 17)
        self._entries = LRUDict(max_entries)
        self._best = LRUDict(max_entries // 4 or 1)
        self._memo = Memo(1 << 14)  # (target, text) -> keys: targets and templates recur

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_memo", Memo(1 << 14))  # pickled before the memo existed

    def _target_keys(self, target: Optional[str], text: Optional[str]) -> tuple:
        """The target keys of one activity (looked up through ``_memo``)."""
        out = []
        if target:
            out.append(self._hasher.key_id("target", target))
        # posts alike in their words, not their links (without its links a text is shorter still)
        words = post_words(text, self.min_text) if text and len(text) >= self.min_text else ""
        if words:
            sig = self._lsh.signature(words)
            out.extend(self._hasher.bytes_id("text", b) for b in self._lsh.bands_of(sig))
        return tuple(out)  # memoised: the garbage collector stops tracking a tuple of ints

    def learn_one(self, group: str, account_id: str, t: float, target: Optional[str] = None,
                  text: Optional[str] = None) -> int:
        """Record an activity of a member of ``group``; returns the group's lockstep count."""
        return self.learn_hit(group, account_id, t, target, text)[0]

    def learn_hit(self, group: str, account_id: str, t: float, target: Optional[str] = None,
                  text: Optional[str] = None) -> tuple[int, Optional[int], int]:
        """:meth:`learn_one`, also saying what this activity joined: ``(lockstep count,
        key, members)`` of the largest (group, target) set it is part of (``None, 0``
        when it has no target)."""
        best = self._best.get(group, 0)
        hit_key, hit_n = None, 0
        for key in self._memo.lookup((target, text), self._target_keys, target, text):
            ek = (group, key)
            e = self._entries.get(ek)
            if e is None or t - e[0] > self.window:
                e = [t, {account_id}]
                self._entries[ek] = e
            elif len(e[1]) < self.max_members:
                e[1].add(account_id)
            n = len(e[1])
            if n > best:
                best = n
            if n > hit_n and account_id in e[1]:
                hit_key, hit_n = key, n
        if best:
            self._best[group] = best
        return best, hit_key, hit_n

    def keys(self, target: Optional[str] = None, text: Optional[str] = None) -> tuple:
        """The target keys of one activity, as :meth:`learn_hit` counts them.

        >>> lt = LockstepTracker()
        >>> len(lt.keys("post/42")), lt.keys("post/42") == lt.keys("post/42"), lt.keys()
        (1, True, ())
        """
        return self._memo.lookup((target, text), self._target_keys, target, text)

    def members(self, group: str, key: int) -> frozenset:
        """The members seen acting on target ``key`` of ``group`` in its current window."""
        e = self._entries.peek((group, key))
        return frozenset(e[1]) if e is not None else frozenset()

    def score_one(self, group: str) -> int:
        """Largest number of distinct members seen acting on one target together."""
        return self._best.peek(group, 0)

    def forget(self, group: str) -> None:
        self._best.pop(group)

    def __len__(self) -> int:
        return len(self._entries)
