"""Keyed hashing: how personal data (``email``, ``ip``) and every signature key are kept.

BLAKE2b in keyed mode is a pseudo-random function and a MAC (RFC 7693 §2.9), used
here exactly where HMAC would be: without the per-instance key, a stored hash cannot
be tested against a guessed e-mail address or IP. Raw values never enter state,
reasons or logs; only 64-bit key ids and short hex tags derived from them.

References
----------
Aumasson, Neves, Wilcox-O'Hearn, Winnerlein. *BLAKE2: simpler, smaller, fast as MD5*.
ACNS 2013. RFC 7693.
"""
from __future__ import annotations

import hashlib
import random

__all__ = ["KeyedHasher"]


class KeyedHasher:
    """Stable, keyed 64-bit hashes of strings.

    Parameters
    ----------
    key
        Secret key (up to 64 bytes). When None it is derived from ``seed``, which
        keeps runs reproducible and lets several workers agree on key ids.
    seed
        Used only when ``key`` is None.

    Examples
    --------
    >>> h = KeyedHasher(seed=1)
    >>> h.key_id("ua", "Mozilla/5.0") == KeyedHasher(seed=1).key_id("ua", "Mozilla/5.0")
    True
    >>> h.key_id("ua", "x") == KeyedHasher(seed=2).key_id("ua", "x")
    False
    >>> len(h.tag("ip", "10.0.0.1"))
    6
    """

    def __init__(self, key: bytes | None = None, seed: int = 0):
        if key is None:
            rng = random.Random(f"breakwater-keyed-hash-{seed}")
            key = rng.getrandbits(256).to_bytes(32, "big")
        if not isinstance(key, (bytes, bytearray)) or not 1 <= len(key) <= 64:
            raise ValueError("key must be 1 to 64 bytes")
        self._key = bytes(key)
        self._keyed = hashlib.blake2b(digest_size=8, key=self._key)  # copied per hash: keyed once

    def __getstate__(self):
        return {"_key": self._key}  # hash objects do not pickle

    def __setstate__(self, state):
        self._key = state["_key"]
        self._keyed = hashlib.blake2b(digest_size=8, key=self._key)

    def _digest(self, data: bytes) -> int:
        h = self._keyed.copy()
        h.update(data)
        return int.from_bytes(h.digest(), "little")

    def key_id(self, kind: str, value: str) -> int:
        """64-bit id of ``value`` in the namespace ``kind``.

        >>> KeyedHasher(b"k").key_id("ua", "x") == int.from_bytes(hashlib.blake2b(
        ...     "ua\x1fx".encode(), digest_size=8, key=b"k").digest(), "little")
        True
        """
        h = self._keyed.copy()  # :meth:`_digest`, inlined (one call per new signup value)
        h.update(f"{kind}\x1f{value}".encode("utf-8", "surrogatepass"))
        return int.from_bytes(h.digest(), "little")

    def bytes_id(self, kind: str, data: bytes) -> int:
        """64-bit id of raw bytes in the namespace ``kind``."""
        return self._digest(kind.encode() + b"\x1f" + data)

    def tag(self, kind: str, value: str) -> str:
        """A short hex tag safe to show to a person (a keyed hash, not the value)."""
        return self.tag_of(self.key_id(kind, value))

    @staticmethod
    def tag_of(key_id: int) -> str:
        """The tag of an already computed key id (its top 24 bits)."""
        return f"{key_id >> 40:06x}"
