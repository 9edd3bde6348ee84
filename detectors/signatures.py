"""Lookalike signatures: the keys a signup shares with the rest of its wave.

Each signup becomes a list of 64-bit keys, one per *kind* of trait (username shape,
near-duplicate bio, device, /24 network, ...), each with a short human label. Waves
of fake accounts share several of these keys while organic users who share one (a
campus network, a popular phone) differ in the rest.

Kinds come in two groups. *Identity* traits describe the account itself and differ
between organic users (names, bios, devices, avatars, client). *Environment* traits
describe where it came from and are legitimately shared by crowds (network, mail
domain, referrer, locale); they count less.

``email`` and ``ip`` are only ever turned into keyed hashes: their labels show a
hex tag, never the value.

References
----------
Xiao, Freeman, Hwa. *Detecting clusters of fake accounts in online social networks*.
AISec 2015 (pattern features of names, e-mails and registration data of fake
account clusters). Thomas et al. *Trafficking fraudulent accounts*. USENIX Security
2013 (templated usernames, mail domains and IP reuse of account merchants).
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Optional

from streams.contract import Signup

from detectors.bounded import Memo
from detectors.keyed import KeyedHasher
from detectors.minhash import MinHashLSH, normalize_text

__all__ = ["Kind", "KINDS", "KIND_INDEX", "PART_OF", "Signature", "SignatureExtractor", "bio_links",
           "username_shape", "coarse_shape", "collapse_shape", "digit_tail", "full_name", "ip_prefixes", "referrer_host"]


@dataclass(frozen=True)
class Kind:
    """A kind of trait: how it links accounts and how much it says about a wave.

    ``link`` weighs a shared key when linking two accounts, ``wave`` weighs it in the
    wave score, ``prior_p`` is the share of signups expected to carry any one value
    before the baseline has seen traffic (a cold-start prior), ``member`` caps what
    sharing one value says about a single account: low-entropy traits (a username
    shape, a first name) are shared by organic users by coincidence, so an account
    that shares only those with a wave is not judged part of it.
    """

    name: str
    group: str  # "id" | "env"
    link: float
    wave: float
    prior_p: float
    noun: str
    member: float = 1.0


KINDS: tuple[Kind, ...] = (
    Kind("uname_shape", "id", 0.6, 1.0, 1 / 500, "username shape", 0.5),
    Kind("uname_tmpl", "id", 0.3, 0.4, 1 / 20, "username pattern", 0.3),
    Kind("uname_sim", "id", 0.8, 0.8, 1e-4, "near-identical usernames", 0.6),
    Kind("dname_sim", "id", 0.8, 0.8, 1e-3, "display-name template", 0.7),
    Kind("bio_sim", "id", 1.0, 1.2, 1e-3, "bio template"),
    Kind("email_shape", "id", 0.6, 0.8, 1 / 300, "e-mail pattern", 0.8),
    Kind("device", "id", 2.0, 1.5, 1e-5, "device"),
    Kind("avatar", "id", 1.5, 1.5, 1e-5, "avatar"),
    Kind("ua", "id", 0.5, 0.7, 1 / 30, "user agent", 0.7),
    Kind("ua_locale", "id", 0.3, 0.3, 1 / 300, "user agent and locale", 0.6),
    Kind("ip24", "env", 0.6, 0.5, 1 / 3000, "network /24"),
    Kind("ip16", "env", 0.2, 0.2, 1 / 300, "network /16", 0.7),
    Kind("ip48", "env", 0.6, 0.5, 1 / 3000, "network /48"),
    Kind("email_domain", "env", 0.3, 0.4, 1 / 10, "mail domain", 0.7),
    Kind("referrer", "env", 0.3, 0.4, 1 / 10, "referrer", 0.7),
    Kind("locale", "env", 0.0, 0.1, 1 / 10, "country and language", 0.3),
    Kind("flow", "env", 0.0, 0.05, 1 / 3, "signup flow", 0.2),
    # the site a bio links to (:func:`bio_links`); the bio's text and its link are one trait (PART_OF)
    Kind("bio_link", "id", 0.8, 1.0, 1e-3, "bio link", 0.8),
    # the recipe a sign-up was made by: username and display-name patterns, flow, device id or not
    Kind("uname_recipe", "id", 1.0, 0.8, 1 / 20, "sign-up recipe", 0.5),
)
KIND_INDEX = {k.name: i for i, k in enumerate(KINDS)}
# kinds that are part of another kind's trait: two accounts sharing both share one trait
# (a farm's bio template carries its link), counted once, the stronger
PART_OF = {"bio_link": "bio_sim"}
_K = KIND_INDEX
_TAGGED = {k.name: k.noun + " #{tag}" for k in KINDS}  # the label of a trait shown only as a tag

_SEPARATORS = frozenset("._-")
_MASK48 = ((1 << 48) - 1) << 80
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_IPV4_ASCII = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\Z")
_IPV6_FULL = re.compile(r"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}\Z")
# a host name in free text: labels of letters, digits and hyphens, a top-level domain of
# letters, not part of an e-mail address or a longer word, with or without a scheme
_LINK = re.compile(r"(?<![@\w.-])(?:https?://)?(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,12})"
                   r"(?=[/\s?#:]|$)", re.IGNORECASE)
_MAX_LINKS = 3  # hosts kept per bio
_REF_HOST = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/?#]*@)?([^/?#:]+)")


def _shape_table() -> dict:
    t = {}
    for i in range(128):
        ch = chr(i)
        if ch.isdigit():
            t[i] = "9"
        elif ch.isalpha():
            t[i] = "A" if ch.isupper() else "a"
        elif ch not in _SEPARATORS:
            t[i] = "?"
    return t


_SHAPE = _shape_table()


def _shape_char(ch: str) -> str:
    if ch.isdigit():
        return "9"
    if ch.isalpha():
        return "x"
    return "?"


def username_shape(name: str, limit: int = 32) -> str:
    """Character-class shape: ``A`` upper, ``a`` lower, ``9`` digit, ``x`` other letter,
    separators kept, anything else ``?``.

    >>> username_shape("Emma_Jones4821"), username_shape("Жанна.7")
    ('Aaaa_Aaaaa9999', 'xxxxx.9')
    """
    s = name[:limit]
    if s.isascii():
        return s.translate(_SHAPE)
    return "".join(c.translate(_SHAPE) if c.isascii() else _shape_char(c) for c in s)


def digit_tail(name: str) -> int:
    """Length of the run of digits that ends ``name``.

    >>> digit_tail("bot_000123"), digit_tail("alice")
    (6, 0)
    """
    n = 0
    for ch in reversed(name):
        if not ch.isdigit():
            break
        n += 1
    return n


def coarse_shape(name: str) -> str:
    """Runs of one class collapsed, with the digit-tail length: a looser template.

    >>> coarse_shape("Emma_Jones4821"), coarse_shape("emmajones")
    ('Aa_Aa9#4', 'a#0')
    """
    return collapse_shape(username_shape(name)) + f"#{digit_tail(name)}"


def collapse_shape(shape: str) -> str:
    """A :func:`username_shape` with runs of one class collapsed (the part of
    :func:`coarse_shape` before the ``#``). Letters and digits that alternate four
    times or more in a row (leetspeak, random alphanumerics) collapse into one ``l``,
    wherever the digits fall: a farm that writes its handles in leetspeak ("p41n73rw177y",
    "m3ll0w74c0v", "0wlm3ll0w") shares one template, as one that writes words does.

    >>> collapse_shape("Aaaa_Aaaaa9999"), collapse_shape("AAaa..x9")
    ('Aa_Aa9', 'Aa..x9')
    >>> [coarse_shape(n) for n in ("p41n73rw177y", "0wlm3ll0w", "mike2jones3", "j0hn", "Emma_Jones4821")]
    ['l#0', 'l#0', 'a9a9#1', 'a9a#0', 'Aa_Aa9#4']
    """
    out = []
    prev = ""
    for c in shape:
        if c in "Aax9":
            if c == "a" and prev == "A":  # "Aaaa" -> "Aa": capitalised word
                prev = "Aa"
                out.append("a")
                continue
            if c == prev or (c == "a" and prev == "Aa"):
                continue
        out.append(c)
        prev = c
    got = "".join(out)
    return _LEET.sub("l", got) if len(got) >= 5 and "9" in got else got  # (the test first: most are short)


# letters and digits alternating four times or more in one run of a collapsed shape:
# leetspeak ("p41n73r", "m3ll0w": a9a9a) or random alphanumerics, one template "l"
_LEET = re.compile(r"(?:[Aa]+9){2,}[Aa]+9?|9(?:[Aa]+9){2,}[Aa]*")


def full_name(name: Optional[str]) -> bool:
    """Whether a display name has two words or more of two letters or more each: a first
    and a last name, not a first name alone, an initial or an emoji.

    The same full name on account after account is a template; the same first name is
    what a crowd of one language shares by chance.

    >>> full_name("Osman Guler"), full_name("Дмитрий Николаев"), full_name("Roman"), full_name("Roman K.")
    (True, True, False, False)
    >>> full_name("Ann 🎶"), full_name(None)
    (False, False)
    """
    if not name:
        return False
    words = 0
    for w in name.split():
        if sum(ch.isalpha() for ch in w) >= 2:
            words += 1
            if words == 2:
                return True
    return False


def ip_prefixes(ip: str) -> list[tuple[str, str]]:
    """The network prefixes kept for an address: ``[(kind, prefix text)]``.

    >>> ip_prefixes("203.0.113.7")
    [('ip24', '203.0.113.0/24'), ('ip16', '203.0.0.0/16')]
    >>> ip_prefixes("2001:db8:1:2::5")
    [('ip48', '2001:db8:1::/48')]
    >>> ip_prefixes("not an ip")
    []
    """
    m = _IPV4_ASCII.match(ip)
    if m is not None:  # fastest path: IPv4 in ASCII digits
        a, b, c, d = (int(x) for x in m.groups())
        if a <= 255 and b <= 255 and c <= 255 and d <= 255:
            return [("ip24", f"{a}.{b}.{c}.0/24"), ("ip16", f"{a}.{b}.0.0/16")]
        return []
    parts = ip.split(".")
    if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts):  # fast path, IPv4
        if all(int(p) <= 255 for p in parts):
            a, b, c = (str(int(p)) for p in parts[:3])
            return [("ip24", f"{a}.{b}.{c}.0/24"), ("ip16", f"{a}.{b}.0.0/16")]
        return []
    if ":" in ip:  # fast path, IPv6 (``ip_address`` tries IPv4 first, and a network parses text)
        if _IPV6_FULL.match(ip):  # eight hextets: valid, without scope, the first three are the /48
            hx = ip.split(":", 6)
            if hx[5].lower() != "ffff" or any(int(h, 16) for h in hx[:5]):  # not IPv4-mapped
                return [("ip48", _net48(int(hx[0], 16), int(hx[1], 16), int(hx[2], 16)))]
        try:
            addr = ipaddress.IPv6Address(ip)
        except ValueError:
            return []
        if addr.ipv4_mapped is None and addr.scope_id is None:
            a = int(addr)
            return [("ip48", _net48(a >> 112, a >> 96 & 0xFFFF, a >> 80 & 0xFFFF))]
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return []
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.version == 4:
        return [("ip24", str(ipaddress.ip_network(f"{addr}/24", strict=False))),
                ("ip16", str(ipaddress.ip_network(f"{addr}/16", strict=False)))]
    return [("ip48", str(ipaddress.ip_network(f"{addr}/48", strict=False)))]


def _net48(*hextets: int) -> str:
    """The text of the /48 network whose first three hextets are given (as
    ``ipaddress.IPv6Network`` writes it: the zero run that ends the address is the
    longest, and becomes "::")."""
    hx = [f"{h:x}" for h in hextets]
    while hx and hx[-1] == "0":
        hx.pop()
    return ":".join(hx) + "::/48"


def referrer_host(ref: str) -> str:
    """The host part of a referrer (query strings may carry personal data).

    >>> referrer_host("https://news.example.com/a?utm=x"), referrer_host("campaign-7")
    ('news.example.com', 'campaign-7')
    """
    m = _REF_HOST.match(ref.strip())
    return (m.group(1) if m else ref).lower()[:64]


def bio_links(bio: str) -> list[str]:
    """The sites a bio links to: the host of each link, lower case, without ``www.``,
    at most three, in order. An e-mail address is not a link.

    A farm that writes each bio differently (copied from real profiles) may still
    append its own site to every one; people link to their own pages on a few big
    services (a video channel, a link-in-bio page), each of which many carry.

    >>> bio_links("lurker → https://Marterme.info/?ref=5 | ig: www.instagram.com/ann")
    ['marterme.info', 'instagram.com']
    >>> bio_links("bookings: ann@gmail.com"), bio_links("Shop: bearcrafts.com ✨"), bio_links("no link")
    ([], ['bearcrafts.com'], [])
    """
    out: list = []
    if "." not in bio:
        return out
    for m in _LINK.finditer(bio):
        host = m.group(1).lower()[:64]
        if host not in out:
            out.append(host)
            if len(out) == _MAX_LINKS:
                break
    return out


def referrer_key(ref: str) -> str:
    """A referrer without its scheme and fragment (kept only as a keyed hash): a link
    shared by a TV show (``youtube.com/watch?v=...``) is one referrer, all of
    ``youtube.com`` is not.

    >>> referrer_key("https://t.co/0a9c8413fa#x"), referrer_key("https://www.google.com/")
    ('t.co/0a9c8413fa', 'www.google.com')
    """
    r = _SCHEME.sub("", ref.strip()).split("#", 1)[0].rstrip("/")
    host = referrer_host(ref)
    slash = r.find("/")
    return (host + (r[slash:] if slash >= 0 else ""))[:256]


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass(slots=True)
class Signature:
    """The keys of one signup: parallel lists of key id, kind index and label."""

    keys: list
    kinds: list
    labels: list

    def by_kind(self) -> dict:
        """``{kind index: [key, ...]}``."""
        out: dict = {}
        for k, c in zip(self.keys, self.kinds):
            out.setdefault(c, []).append(k)
        return out


class SignatureExtractor:
    """Signup -> :class:`Signature` (pure; keyed hashes only for personal data).

    Parameters
    ----------
    hasher
        The :class:`KeyedHasher` whose key makes every key id secret-dependent.
    bands, rows
        LSH banding of the MinHash over usernames, display names and bios.
    seed
        Seed of the MinHash permutations.

    Examples
    --------
    >>> from streams.contract import Signup
    >>> ex = SignatureExtractor(KeyedHasher(seed=0))
    >>> s = Signup("a1", 0.0, "Emma_Jones4821", email="emma.jones4821@example.org", ip="198.51.100.4",
    ...            bio="Crypto signals daily! DM for VIP 💰")
    >>> sig = ex.extract(s)
    >>> [l for l in sig.labels if l.startswith("username shape")]
    ['username shape Aaaa_Aaaaa9999']
    >>> [l.split(" #")[0] for l in sig.labels if l.startswith("network")]
    ['network /24', 'network /16']
    >>> any("198.51" in l or "emma" in l for l in sig.labels)
    False
    >>> kept = ex.extract(s, keep=True)   # the signup check, then the stream: extracted once
    >>> ex.extract(s) is kept, ex.extract(s) is kept, ex.extract(s).keys == kept.keys
    (True, False, True)
    """

    def __init__(self, hasher: KeyedHasher, bands: int = 4, rows: int = 4, seed: int = 0):
        self.hasher = hasher
        self.lsh = MinHashLSH(bands=bands, rows=rows, ngram=3, seed=seed)
        self._salt = [hasher.key_id("lsh-salt", k.name) for k in KINDS]
        self._cache = Memo(self.CACHE)  # what a field's traits depend on -> :meth:`_traits`
        self._lsh_cache: dict = {}  # (kind, text) -> band keys (a tuple)
        self._kept = Memo(self.KEPT)  # account -> (signup, signature) kept by extract(keep=True)

    #: entries per cache; a full cache is emptied (bounded, and values recur within minutes)
    CACHE = 1 << 14
    #: signatures kept for the next extraction of the same signup (checked, then processed)
    KEPT = 1 << 12

    def __getstate__(self):
        return {"hasher": self.hasher, "lsh": self.lsh, "_salt": self._salt}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._cache = Memo(self.CACHE)
        self._lsh_cache = {}
        self._kept = Memo(self.KEPT)

    def _traits(self, *traits: tuple) -> tuple:
        """``(keys, kind indices, labels)`` of ``(kind, value, label)`` traits; a
        ``{tag}`` in a label becomes the key's short hex tag."""
        keys, kinds, labels = [], [], []
        for trait in traits:
            (key,), (c,), (lab,) = self._trait(*trait)
            keys.append(key)
            kinds.append(c)
            labels.append(lab)
        return tuple(keys), tuple(kinds), tuple(labels)

    def _trait(self, kind: str, value: str, label: str) -> tuple:
        """:meth:`_traits` of one trait (most fields: no lists to build)."""
        key = self.hasher.key_id(kind, value)
        return (key,), (_K[kind],), (label.replace("{tag}", KeyedHasher.tag_of(key)) if "{tag}" in label else label,)

    def _lsh_traits(self, items: list) -> list:
        """:meth:`_traits` of the band keys of several ``(kind, text, label)`` at once."""
        if not items:
            return []
        cache = self._lsh_cache
        todo = [it for it in items if (it[0], it[1]) not in cache]
        if todo:
            if len(cache) + len(todo) > self.CACHE:
                cache.clear()
                todo = items
            keys = self.lsh.text_band_keys([text for _, text, _ in todo], [self._salt[_K[kind]] for kind, _, _ in todo])
            for (kind, text, _), ks in zip(todo, keys):
                cache[(kind, text)] = tuple(ks)  # tuples of ints leave the garbage collector's lists
        out = []
        for kind, text, label in items:
            ks = cache[(kind, text)]
            out.append((ks, (_K[kind],) * len(ks), (label,) * len(ks)))
        return out

    def extract(self, s: Signup, keep: bool = False) -> Signature:
        """The signature of a signup (do not modify it: it may be shared).

        ``keep`` remembers it for the next extraction of an equal signup: the signup
        check (:meth:`~detectors.engine.Engine.assess`) extracts a signup that the stream
        then processes; the second extraction is a look-up.
        """
        kept = self._kept
        hit = kept.pop(s.account_id, None) if kept else None
        sig = hit[1] if hit is not None and hit[0] == s else self._extract(s)
        if keep:
            kept.put(s.account_id, (s, sig))
        return sig

    def _extract(self, s: Signup) -> Signature:
        # the traits of each field are memoised by what they depend on: most values recur
        # (user agents, domains, name shapes); each cached entry is :meth:`_traits`
        cache = self._cache
        traits, trait = self._traits, self._trait
        parts = []
        name = s.username
        shape = username_shape(name)
        tail = digit_tail(name)
        ck = ("name", shape, tail)
        got = cache.get(ck)
        if got is None:
            tmpl = collapse_shape(shape) + f"#{tail}"  # coarse_shape(name)
            got = cache.put(ck, traits(("uname_shape", shape, f"username shape {shape}"),
                                       ("uname_tmpl", tmpl, f"username pattern {tmpl}")))
        parts.append(got)
        lsh = []
        if len(name) >= 5:
            lsh.append(("uname_sim", normalize_text(name), f"usernames like “{_clip(name, 24)}”"))
        if s.display_name and len(s.display_name) >= 4:
            lsh.append(("dname_sim", normalize_text(s.display_name),
                        f"display names like “{_clip(s.display_name, 32)}”"))
        if s.bio and len(s.bio.strip()) >= 12:
            nb = normalize_text(s.bio)
            lsh.append(("bio_sim", nb, f"bio template “{_clip(nb, 40)}”"))
        parts += self._lsh_traits(lsh)
        if s.bio:
            for host in bio_links(s.bio):
                parts.append(cache.lookup(("bio_link", host), trait, "bio_link", host, f"bio link {host}"))
        if s.email:
            local, _, domain = s.email.rpartition("@")
            domain = domain.lower()
            got = cache.lookup(("email_domain", domain), trait, "email_domain", domain, "mail domain #{tag}")
            parts.append(got)
            if local:
                local = local.split("+", 1)[0]
                lshape, ltail = username_shape(local), digit_tail(local)
                ck = ("email_shape", domain, lshape, ltail)
                dom = got
                got = cache.get(ck)
                if got is None:
                    eshape = collapse_shape(lshape) + f"#{ltail}"  # coarse_shape(local)
                    got = cache.put(ck, trait("email_shape", f"{eshape}@{domain}",
                                              f"e-mail pattern {eshape}@#{KeyedHasher.tag_of(dom[0][0])}"))
                parts.append(got)
        if s.ip:
            for kind, prefix in ip_prefixes(s.ip):
                parts.append(cache.lookup((kind, prefix), trait, kind, prefix, _TAGGED[kind]))
        if s.device_id:
            parts.append(cache.lookup(("device", s.device_id), trait, "device", s.device_id, "device #{tag}"))
        if s.avatar and s.avatar.lower() not in ("default", "none", ""):
            parts.append(cache.lookup(("avatar", s.avatar), trait, "avatar", s.avatar, "avatar #{tag}"))
        locale = f"{(s.country or '?').upper()}/{(s.lang or '?').lower()}"
        if s.user_agent:
            ck = ("ua", s.user_agent, locale)
            got = cache.get(ck)
            if got is None:
                got = cache.put(ck, traits(("ua", s.user_agent, f"user agent “{_clip(s.user_agent, 48)}”"),
                                           ("ua_locale", f"{s.user_agent}|{locale}", f"user agent and locale {locale}")))
            parts.append(got)
        if s.referrer:
            ck = ("referrer", s.referrer)
            got = cache.get(ck)
            if got is None:
                ref = referrer_key(s.referrer)
                host = referrer_host(s.referrer)
                got = cache.put(ck, trait("referrer", ref, f"referrer {_clip(host, 40)}{'/…' if len(ref) > len(host) else ''}"))
            parts.append(got)
        if s.country or s.lang:
            parts.append(cache.lookup(("locale", locale), trait, "locale", locale, f"locale {locale}"))
        if s.signup_flow:
            ck = ("flow", s.signup_flow)
            got = cache.get(ck)
            if got is None:
                got = cache.put(ck, trait("flow", s.signup_flow.lower(), f"signup flow {_clip(s.signup_flow, 16)}"))
            parts.append(got)
        # the recipe: username and display-name patterns, flow, device id or not
        dname = s.display_name
        flow = (s.signup_flow or "?").lower()
        dev = "device" if s.device_id else "no device id"
        ck = ("recipe", shape, tail, (username_shape(dname), digit_tail(dname)) if dname else None, flow, dev)
        got = cache.get(ck)
        if got is None:
            ut = collapse_shape(shape) + f"#{tail}"  # coarse_shape(name), as uname_tmpl
            dt = coarse_shape(dname) if dname else "-"
            got = cache.put(ck, trait("uname_recipe", f"{ut}|{dt}|{flow}|{dev}", f"sign-ups made alike: "
                                      f"username {ut}, display name {dt}, {_clip(flow, 16)}, {dev}"))
        parts.append(got)
        sig = Signature([], [], [])
        keys, kinds, labels = sig.keys, sig.kinds, sig.labels
        for k, c, lab in parts:
            keys += k
            kinds += c
            labels += lab
        return sig
