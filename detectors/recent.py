"""Recent signups and, for each key, the chain of recent signups that carried it.

A fixed ring of the last ``capacity`` signups (within ``window`` seconds of event
time). A fixed-size head table maps a key's hash to the newest slot that carried it,
and every slot stores, per key, the slot of that key's previous occurrence: walking
the chain lists a key's recent carriers newest first. This is the hash-chain index
of LZ77 compressors (zlib's ``head``/``prev``), used here to find the accounts a new
signup looks like in O(keys x walk) without a per-key dictionary that would grow with
traffic. A head overwritten by a colliding key only shortens one chain.

References
----------
Ziv, Lempel. *A universal algorithm for sequential data compression*. IEEE Trans.
Inf. Theory 1977; Deutsch, Gailly. RFC 1950/1951 (zlib hash chains).
"""
from __future__ import annotations

from array import array
from typing import Iterable, Optional

import numpy as np

__all__ = ["RecentIndex", "Slot"]


class Slot:
    """One remembered signup."""

    __slots__ = ("seq", "ts", "account_id", "keys", "kinds", "prevs", "wave", "flagged", "learned")

    def __init__(self, seq: int, ts: float, account_id: str, keys: array, kinds: bytes, prevs: array):
        self.seq = seq
        self.ts = ts
        self.account_id = account_id
        self.keys = keys
        self.kinds = kinds
        self.prevs = prevs
        self.wave: Optional[str] = None
        self.flagged = False
        self.learned: object = False  # or the time the baseline counted it


class RecentIndex:
    """Ring of recent signups with per-key occurrence chains.

    Parameters
    ----------
    capacity
        Signups remembered (ring size).
    table_bits
        log2 of the head table size.
    window
        Seconds of event time a neighbour stays findable.
    max_walk
        Longest chain walk per key.
    light
        Remember read-only records instead of :class:`Slot` objects: :meth:`get` returns
        a plain tuple ``(ts, keys, prevs, account_id)`` (the co-activity index, one per
        activity). The garbage collector stops tracking a tuple of atoms, while it walks
        every live :class:`Slot` in each full collection.

    Examples
    --------
    >>> ri = RecentIndex(capacity=8, table_bits=8, window=60)
    >>> s1 = ri.add("a", 0.0, [11, 22], b"\\x00\\x01")
    >>> s2 = ri.add("b", 1.0, [11, 33], b"\\x00\\x02")
    >>> [ri.get(s).account_id for s in ri.carriers(11, 2.0)]
    ['b', 'a']
    >>> list(ri.carriers(11, 100.0))   # outside the window
    []
    >>> lr = RecentIndex(capacity=8, table_bits=8, window=60, light=True)
    >>> lr.get(lr.add("a", 0.0, [11], b""))
    (0.0, (11,), (-1,), 'a')
    """

    def __init__(self, capacity: int = 1 << 15, table_bits: int = 20, window: float = 7200.0,
                 max_walk: int = 24, light: bool = False):
        if capacity < 1 or not 4 <= table_bits <= 28:
            raise ValueError("capacity >= 1 and 4 <= table_bits <= 28")
        self.capacity = capacity
        self.window = window
        self.max_walk = max_walk
        self.light = light
        self._mask = (1 << table_bits) - 1
        self._nmask = np.uint64(self._mask)
        self._head = np.full(1 << table_bits, -1, dtype=np.int64)
        self._ring: list = [None] * capacity
        self._next = 0  # next sequence number

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("light", False)  # pickled before light records existed

    def __len__(self) -> int:
        return min(self._next, self.capacity)

    def get(self, seq: int) -> Optional[Slot]:
        """The slot (a tuple if ``light``) with sequence number ``seq`` if still remembered."""
        if seq < 0 or seq >= self._next or seq < self._next - self.capacity:
            return None
        return self._ring[seq % self.capacity]

    def account(self, seq: int) -> str:
        """The account of a remembered entry (one :meth:`walk` returned)."""
        e = self._ring[seq % self.capacity]
        return e[3] if self.light else e.account_id

    def carriers(self, key: int, t: float, limit: Optional[int] = None) -> list[int]:
        """Sequence numbers of recent slots carrying ``key``, newest first."""
        return self.walk(key, int(self._head[key & self._mask]), t, limit)

    def live(self, keys: Iterable[int]) -> list:
        """For each key, whether its chain may hold a remembered signup (vectorised
        pre-check, so fresh keys cost no walk)."""
        ka = np.fromiter(keys, dtype=np.uint64)
        return (self._head[(ka & self._nmask).astype(np.intp)] >= self._next - self.capacity).tolist()

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Head-table positions of ``keys`` (uint64) and the newest slot that carried
        each (``-1`` if none; below :meth:`oldest_seq`, forgotten): the chain starts
        for :meth:`walk`, and ``at`` for :meth:`add` while nothing was added since."""
        idx = (keys & self._nmask).astype(np.intp)
        return idx, self._head[idx]

    def walk(self, key: int, s: int, t: float, limit: Optional[int] = None, hint: int = -1) -> list[int]:
        """:meth:`carriers` from a chain start ``s`` given by :meth:`lookup`. ``hint`` is
        where ``key`` probably sits in a carrier's keys (signups of one layout list
        their traits in the same order); a key found twice in one signup has one
        chain, so any of its positions leads on the same way."""
        lo = self._next - self.capacity
        if lo < 0:
            lo = 0
        tmin = t - self.window
        n = self.max_walk if limit is None else limit
        ring, cap = self._ring, self.capacity
        out = []
        if self.light:  # (co-activity: carriers() gives no hint)
            while s >= lo and n > 0:
                ts, keys, prevs, _ = ring[s % cap]
                if ts < tmin or key not in keys:  # not in keys: head or chain overwritten by a colliding key
                    break
                out.append(s)
                s = prevs[keys.index(key)]
                n -= 1
            return out
        while s >= lo and n > 0:
            e = ring[s % cap]
            if e.ts < tmin:
                break
            keys = e.keys
            try:
                # (a negative hint counts from the end: where it finds ``key``, that
                # position's chain is the key's chain all the same)
                pos = hint if keys[hint] == key else keys.index(key)
            except IndexError:  # a hint beyond this slot's keys
                if key not in keys:
                    break
                pos = keys.index(key)
            except ValueError:
                break  # head or chain overwritten by a colliding key
            out.append(s)
            s = e.prevs[pos]
            n -= 1
        return out

    def add(self, account_id: str, ts: float, keys: Iterable[int], kinds: bytes,
            at: Optional[tuple] = None) -> int:
        """Remember a signup; returns its sequence number. ``at`` is what
        :meth:`lookup` returned for these keys, if nothing was added since."""
        head = self._head
        seq = self._next
        if self.light and at is None and len(keys) <= 4:
            # few keys (activities), kept as a tuple: no arrays to build and convert back
            mask = self._mask
            kt = tuple(keys)
            prevs = tuple([head.item(k & mask) for k in kt])
            for k in kt:
                head[k & mask] = seq
            self._ring[seq % self.capacity] = (ts, kt, prevs, account_id)
            self._next = seq + 1
            return seq
        if at is not None:
            ka = array("Q", (keys if type(keys) is np.ndarray and keys.dtype == np.uint64
                             else np.asarray(keys, dtype=np.uint64)).tobytes())
            idx, prev = at
            prevs = array("q", prev.tobytes())
            head[idx] = seq
        else:
            ka = array("Q", keys)
            if len(ka) <= 4:  # few keys (activities): plain indexing beats NumPy's call overhead
                mask = self._mask
                prevs = array("q", [head.item(k & mask) for k in ka])
                for k in ka:
                    head[k & mask] = seq
            else:
                idx, prev = self.lookup(np.frombuffer(ka, dtype=np.uint64))
                prevs = array("q", prev.tobytes())
                head[idx] = seq
        if self.light:
            self._ring[seq % self.capacity] = (ts, tuple(ka), tuple(prevs), account_id)
        else:
            self._ring[seq % self.capacity] = Slot(seq, ts, account_id, ka, kinds, prevs)
        self._next = seq + 1
        return seq

    def oldest_seq(self) -> int:
        return max(0, self._next - self.capacity)

    def next_seq(self) -> int:
        return self._next

    def nbytes(self) -> int:
        """Approximate memory of the index (bytes)."""
        n = len(self)
        per = 0
        if n:
            e = self._ring[(self._next - 1) % self.capacity]
            per = 200 + 16 * len(e[1] if self.light else e.keys)
        return self._head.nbytes + n * per
