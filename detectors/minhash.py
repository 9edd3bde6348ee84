"""MinHash signatures of character n-grams, cut into LSH bands.

Two strings whose n-gram sets have Jaccard similarity ``J`` agree on one band of
``r`` rows with probability ``J**r``; they share at least one of ``b`` bands with
probability ``1 - (1 - J**r)**b``. A band is therefore a key that near-duplicate
usernames, display names or bios (templates with a random slot) share while
unrelated strings almost never do.

Hashing is vectorised with NumPy: n-grams are folded into 64-bit integers from
their code points and permuted with multiply-shift hashing (Dietzfelbinger et al.),
so a 200-character bio costs a few tens of microseconds.

References
----------
Broder. *On the resemblance and containment of documents*. SEQUENCES 1997.
Leskovec, Rajaraman, Ullman. *Mining of Massive Datasets*, ch. 3 (LSH banding).
Dietzfelbinger, Hagerup, Katajainen, Penttonen. *A reliable randomized algorithm
for the closest-pair problem*. J. Algorithms 1997 (multiply-shift hashing).
"""
from __future__ import annotations

import random
import re

import numpy as np
from numpy._core.multiarray import correlate2 as _correlate_valid  # ``np.correlate`` without its wrapper (mode 0: "valid")

__all__ = ["MinHashLSH", "normalize_text", "post_words", "strip_links"]

_DIGITS = re.compile(r"\d+")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_SHIFT32 = np.array(32, dtype=np.uint64)
_FNV = np.array(0x100000001B3, dtype=np.uint64)  # 0-d: the cheapest operand of an in-place product
_U32 = np.dtype(np.uint32)  # ``np.frombuffer(b, _U32)``: a positional dtype parses faster than ``dtype=``


_DERIVED = ("_coef", "_acol", "_bcol", "_unorder", "_bsalt")  # rebuilt by ``MinHashLSH._derive``, not pickled


def normalize_text(s: str) -> str:
    """Lower-case, digits runs to ``0``, whitespace collapsed (templates with random
    numbers then look alike).

    >>> normalize_text("Win  BIG 4821 today!")
    'win big 0 today!'
    """
    # ``str.split()`` splits where the regex ``\s`` matches (both ``Py_UNICODE_ISSPACE``): as
    # ``re.sub(r"\s+", " ", ...).strip()``, a third cheaper
    return " ".join(_DIGITS.sub("0", s.lower()).split())


def strip_links(s: str) -> str:
    """``s`` without its links (``http://``, ``https://`` or ``www.`` up to the next space).

    Near-duplicate *posts* are compared on their words: a long link that many posts end
    with (a crowd sharing one page) would otherwise make different sentences look alike.

    >>> strip_links("what a goal!! https://news.example.com/live?id=7 wow")
    'what a goal!!   wow'
    """
    return _LINK.sub(" ", s)


def post_words(text: str, min_len: int) -> str:
    """The normalised words of a post (:func:`strip_links`, :func:`normalize_text`), or
    ``""`` if fewer than ``min_len`` characters of it are left without its links (a post
    that is little more than a link): what near-duplicate posts are compared on.

    >>> post_words("Secure VPN 70% off 🔒 https://promo.example/?ref=1", 10)
    'secure vpn 0% off 🔒'
    >>> post_words("🔥 https://promo.example/?ref=1 🔥", 10)
    ''
    """
    words = strip_links(text)
    return normalize_text(words) if len(words.strip()) >= min_len else ""


class MinHashLSH:
    """MinHash of character n-grams with LSH banding.

    Parameters
    ----------
    bands
        Number of bands ``b``.
    rows
        Rows per band ``r`` (``bands * rows`` hash functions in all).
    ngram
        Length of the character n-grams.
    seed
        Seed of the hash functions (per instance).

    Examples
    --------
    >>> m = MinHashLSH(bands=4, rows=4, seed=7)
    >>> a = m.signature("crypto signals daily, dm me 0 for vip")
    >>> b = m.signature("crypto signals daily, dm me 0 for vip!")
    >>> c = m.signature("grandma of three, loves gardening")
    >>> float((a == b).mean()) > 0.6, float((a == c).mean()) < 0.3
    (True, True)
    >>> len(m.bands_of(a))
    4
    """

    def __init__(self, bands: int = 4, rows: int = 4, ngram: int = 3, seed: int = 0):
        if bands < 1 or rows < 1 or ngram < 1:
            raise ValueError("bands, rows and ngram must be positive")
        self.bands = bands
        self.rows = rows
        self.ngram = ngram
        self.seed = seed
        rng = random.Random(seed)
        k = bands * rows
        self._a = np.array([rng.getrandbits(64) | 1 for _ in range(k)], dtype=np.uint64)
        self._b = np.array([rng.getrandbits(64) for _ in range(k)], dtype=np.uint64)
        self._derive()

    def _derive(self) -> None:
        # not pickled: the n-gram fold of :meth:`shingles` as coefficients (mod 2**64,
        # windows @ coef == shingles); the hash parameters as columns, ordered row-major
        # by the row within a band (hash function ``band * rows + row`` at
        # ``row * bands + band``: :meth:`text_band_keys` reads each row of all bands at
        # once), and the permutation back; the band salts (see :meth:`band_keys`)
        n, b, r = self.ngram, self.bands, self.rows
        p1, p2, m64 = int(_P1), int(_P2), (1 << 64) - 1
        self._coef = np.array([pow(p1, n - 1 - i, 1 << 64) * (p2 if i else 1) & m64 for i in range(n)],
                              dtype=np.uint64)
        order = [i * r + j for j in range(r) for i in range(b)]
        self._acol = self._a[order][:, None]
        self._bcol = self._b[order][:, None]
        self._unorder = np.argsort(order)
        self._bsalt = np.array([[i * 0x9E3779B97F4A7C15 & m64] for i in range(b)], dtype=np.uint64)

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in _DERIVED}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._derive()

    def shingles(self, text: str) -> np.ndarray:
        """64-bit hashes of the character n-grams of ``text`` (short texts: one shingle)."""
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        n = self.ngram
        if cps.size < n:
            cps = np.concatenate([cps, np.zeros(n - cps.size, dtype=np.uint64)])
        h = cps[: cps.size - n + 1].copy()
        for i in range(1, n):
            h = h * _P1 + cps[i: cps.size - n + 1 + i] * _P2
        return h

    def signature(self, text: str) -> np.ndarray:
        """The MinHash signature (``bands * rows`` 32-bit values as uint64): per hash
        function, the least ``(shingle * a + b) >> 32`` over the :meth:`shingles`.

        >>> m = MinHashLSH(seed=3)
        >>> h = m.shingles("first text")
        >>> bool((m.signature("first text") == ((h[:, None] * m._a + m._b) >> np.uint64(32)).min(axis=0)).all())
        True
        """
        return self._signature_rows([text])[0]

    def band_keys(self, sig: np.ndarray, salt: int) -> list[int]:
        """One 64-bit key per band, folded from the band's MinHash values (already
        random under this instance's seeded permutations) and XORed with ``salt``.

        >>> m = MinHashLSH(bands=2, rows=2, seed=1)
        >>> k = m.band_keys(m.signature("hello world"), salt=5)
        >>> len(k), k == m.band_keys(m.signature("hello world"), salt=5)
        (2, True)
        """
        return self._fold(sig.astype(np.uint64).tolist(), salt)

    def _fold(self, v: list, salt: int) -> list[int]:
        """:meth:`band_keys` of a signature given as a list of ints (FNV-1a style fold;
        plain ints beat NumPy's per-call overhead on 16 values)."""
        r = self.rows
        out = []
        for i in range(self.bands):
            h = salt ^ (i * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
            for x in v[r * i: r * (i + 1)]:
                h = ((h ^ x) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
            out.append(h)
        return out

    def signatures(self, texts: list) -> list:
        """Signatures of several texts in one vectorised pass (same as :meth:`signature`).

        >>> m = MinHashLSH(seed=3)
        >>> a, b = m.signatures(["first text", "another one"])
        >>> bool((a == m.signature("first text")).all() and (b == m.signature("another one")).all())
        True
        >>> [len(s) for s in m.signatures(["", "ab", "a longer text"])]
        [16, 16, 16]
        """
        return list(self._signature_rows(texts))

    def _signature_rows(self, texts: list) -> np.ndarray:
        """``(len(texts), bands * rows)`` signatures (:meth:`_minima` in signature order)."""
        return self._minima(texts).take(self._unorder, axis=0).T

    def _minima(self, texts: list) -> np.ndarray:
        """``(bands * rows, len(texts))`` signatures, one text per column, the hash
        functions ordered as ``_acol`` (row-major by the row within a band): the n-grams
        of all texts are hashed in one pass over their concatenation, and the minima taken
        per text (n-grams that straddle two texts are skipped)."""
        n = self.ngram
        parts, bounds, pos = [], [], 0
        for text in texts:
            b = text.encode("utf-32-le", "surrogatepass")
            size = len(b) >> 2
            if size < n:  # short texts: one shingle, zero-padded (as :meth:`shingles`)
                b += bytes(4 * (n - size))
                size = n
            parts.append(b)
            bounds += (pos, pos + size - n + 1)  # this text's shingles, then the straddling ones
            pos += size
        cps = np.frombuffer(b"".join(parts), _U32)
        # every n-gram window folded into its shingle hash (a sliding dot product, uint64
        # wraps like mod 2**64; the code points are cast to the coefficients' uint64 by
        # the product), then one row per hash function: ``a * shingle + b``
        allv = self._acol * _correlate_valid(cps, self._coef, 0)
        allv += self._bcol
        # x >> 32 is monotone: the minimum of the shifted values is the shifted minimum
        out = np.minimum.reduceat(allv, bounds[:-1], axis=1)[:, ::2]
        return out >> _SHIFT32

    def text_band_keys(self, texts: list, salts: list) -> list[list[int]]:
        """:meth:`band_keys` of the signatures of several texts (one salt per text),
        hashed in one vectorised pass.

        >>> m = MinHashLSH(seed=3)
        >>> m.text_band_keys(["first text", "hi"], [5, 9]) == [m.band_keys(m.signature("first text"), 5),
        ...                                                    m.band_keys(m.signature("hi"), 9)]
        True
        """
        v = self._minima(texts)  # row j of band i at j * bands + i
        h = self._bsalt ^ np.array(salts, dtype=np.uint64)  # [band, text]
        b = self.bands
        for j in range(0, b * self.rows, b):
            h ^= v[j: j + b]
            h *= _FNV  # uint64 arithmetic wraps like ``& 0xFF..FF``
        return h.T.tolist()

    def bands_of(self, sig: np.ndarray) -> list[bytes]:
        """The band contents as bytes (hash them into keys with a namespace)."""
        r = self.rows
        raw = sig.astype("<u4").tobytes()
        return [bytes([i]) + raw[4 * r * i: 4 * r * (i + 1)] for i in range(self.bands)]
