"""Bounded containers: every map the detectors keep has a hard cap.

Memory must not grow with the number of accounts that pass, so per-account and
per-wave state lives in these instead of plain ``dict``/``set``.

References
----------
Standard least-recently-used eviction; see e.g. Python's ``functools.lru_cache``.
"""
from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any, Hashable, Iterable, Iterator, Optional

__all__ = ["LRUDict", "FifoSet", "Memo"]

_ABSENT = object()  # ``LRUDict.get``: no entry (a stored None is a value)


class LRUDict:
    """A mapping with a hard size cap that evicts the least recently used entry.

    Parameters
    ----------
    capacity
        Maximum number of entries; inserting beyond it evicts the oldest.

    Examples
    --------
    >>> d = LRUDict(2)
    >>> d["a"] = 1; d["b"] = 2; _ = d.get("a"); d["c"] = 3
    >>> sorted(d.keys()), d.evicted
    (['a', 'c'], 1)
    """

    __slots__ = ("capacity", "_d", "evicted")

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = int(capacity)
        self._d: OrderedDict = OrderedDict()
        self.evicted = 0

    def get(self, key: Hashable, default: Any = None, touch: bool = True) -> Any:
        d = self._d
        v = d.get(key, _ABSENT)  # one look-up where ``key in d`` then ``d[key]`` were two
        if v is _ABSENT:
            return default
        if touch:
            d.move_to_end(key)
        return v

    def peek(self, key: Hashable, default: Any = None) -> Any:
        """Read without refreshing recency (used by read-only paths)."""
        return self._d.get(key, default)

    def peek_all(self, keys: Iterable) -> list:
        """:meth:`peek` of each key (None where absent)."""
        get = self._d.get
        return [get(k) for k in keys]

    def has_any(self, keys: Iterable) -> bool:
        """Whether any of ``keys`` has an entry (one pass in C; does not refresh recency)."""
        return not self._d.keys().isdisjoint(keys)

    def __setitem__(self, key: Hashable, value: Any) -> None:
        d = self._d
        if key in d:
            d.move_to_end(key)
        d[key] = value
        if len(d) > self.capacity:
            d.popitem(last=False)
            self.evicted += 1

    def __getitem__(self, key: Hashable) -> Any:
        return self._d[key]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._d

    def __len__(self) -> int:
        return len(self._d)

    def pop(self, key: Hashable, default: Any = None) -> Any:
        return self._d.pop(key, default)

    def keys(self):
        return self._d.keys()

    def values(self):
        return self._d.values()

    def items(self):
        return self._d.items()

    def oldest(self) -> Optional[tuple]:
        """The least recently used ``(key, value)`` pair, or None."""
        for kv in self._d.items():
            return kv
        return None

    def __iter__(self) -> Iterator:
        return iter(self._d)


class FifoSet:
    """A set that forgets its oldest members beyond ``capacity`` (for de-duplication).

    Examples
    --------
    >>> s = FifoSet(2)
    >>> [s.add(x) for x in ("e1", "e2", "e1", "e3", "e1")]
    [True, True, False, True, True]
    """

    __slots__ = ("capacity", "_set", "_order")

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = int(capacity)
        self._set: set = set()
        self._order: deque = deque()

    def add(self, item: Hashable) -> bool:
        """Add ``item``; return False if it was already present."""
        if item in self._set:
            return False
        self._set.add(item)
        self._order.append(item)
        if len(self._order) > self.capacity:
            self._set.discard(self._order.popleft())
        return True

    def __contains__(self, item: Hashable) -> bool:
        return item in self._set

    def __len__(self) -> int:
        return len(self._set)


class Memo(dict):
    """A cache of values that recur within minutes: emptied when it reaches ``capacity``
    (bounded, without LRU bookkeeping) and pickled empty (a cache is not state).

    Examples
    --------
    >>> import pickle
    >>> m = Memo(2)
    >>> m.lookup("a", len, "a"), m.lookup("bb", len, "bb"), m.lookup("ccc", len, "ccc")
    (1, 2, 3)
    >>> sorted(m), len(pickle.loads(pickle.dumps(m))), pickle.loads(pickle.dumps(m)).capacity
    (['ccc'], 0, 2)
    """

    __slots__ = ("capacity",)

    def __init__(self, capacity: int):
        super().__init__()
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = int(capacity)

    def put(self, key: Hashable, value: Any) -> Any:
        """Remember ``value`` (emptying a full memo first); returns it."""
        if len(self) >= self.capacity:
            self.clear()
        self[key] = value
        return value

    def lookup(self, key: Hashable, make, *args) -> Any:
        """The value remembered for ``key``, else ``make(*args)`` (remembered)."""
        hit = self.get(key)
        return self.put(key, make(*args)) if hit is None else hit

    def __reduce__(self):
        return (Memo, (self.capacity,))


def restore_slots(obj, state, **defaults) -> None:
    """``__setstate__`` of a ``__slots__`` class whose snapshots may predate some of its
    slots: those get ``defaults``."""
    d, slots = state if isinstance(state, tuple) else (state, None)
    for k, v in {**defaults, **(d or {}), **(slots or {})}.items():
        setattr(obj, k, v)
