"""Property tests (hypothesis) for the signature functions."""
from __future__ import annotations

import ipaddress
import re

from hypothesis import example, given, settings, strategies as st

from streams.contract import Signup

from detectors.keyed import KeyedHasher
from detectors.minhash import MinHashLSH, normalize_text
from detectors.signatures import (KIND_INDEX, SignatureExtractor, bio_links, coarse_shape, digit_tail, full_name,
                                  ip_prefixes, referrer_key, username_shape)

names = st.text(min_size=1, max_size=64)
ascii_names = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=64)


@given(names)
def test_shape_has_one_class_per_character(name):
    s = username_shape(name)
    assert len(s) == min(len(name), 32)
    assert set(s) <= set("Aa9x._-?")


@given(ascii_names)
def test_shape_is_a_fixed_point_class_map(name):
    s = username_shape(name)
    for ch, c in zip(name, s):
        if ch.isdigit():
            assert c == "9"
        elif ch.isupper():
            assert c == "A"
        elif ch.islower():
            assert c == "a"


@given(ascii_names)
def test_digit_tail_matches_regex(name):
    assert digit_tail(name) == len(re.search(r"[0-9]*$", name).group(0))


@given(st.lists(names, max_size=5))
def test_full_name_counts_words_of_two_letters_or_more(words):
    name = " ".join(words)
    expected = sum(1 for w in name.split() if sum(ch.isalpha() for ch in w) >= 2) >= 2
    assert full_name(name) == expected
    assert full_name(name + " 🎶 K.") == expected  # an emoji or an initial is not a word
    assert full_name("\t".join(name.split())) == expected  # whitespace of any kind separates


@given(names)
def test_coarse_shape_collapses_runs(name):
    c = coarse_shape(name)
    body, _, tail = c.rpartition("#")
    assert tail == str(digit_tail(name))
    assert "99" not in body and "aa" not in body and "AA" not in body


_LEET_MAP = str.maketrans("aeilost", "4311057")


@given(st.lists(st.text(alphabet="abdeilmnorstuwy", min_size=3, max_size=8), min_size=2, max_size=3))
def test_leetspeak_handles_share_one_template_wherever_the_digits_fall(words):
    # a farm writing its handles in leetspeak: every handle with letters and digits
    # alternating four times or more is the template "l"; the plain words are not
    handle = "".join(words)
    leet = handle.translate(_LEET_MAP)
    runs = len(re.findall(r"[a-z]+|[0-9]+", leet))  # letters and digits alternate runs - 1 times
    body = coarse_shape(leet).rpartition("#")[0]
    assert (body == "l") == (runs >= 5)
    assert runs >= 5 or "l" not in body
    assert coarse_shape(handle) == "a#0"


@given(st.text(alphabet="abcXYZ_.", min_size=1, max_size=20), st.integers(0, 99999))
def test_shape_ignores_which_digits(word, n):
    assert username_shape(f"{word}{n:05d}") == username_shape(f"{word}{(n + 1) % 100000:05d}")


@given(st.ip_addresses(v=4))
def test_ipv4_prefixes_contain_the_address(addr):
    p = dict(ip_prefixes(str(addr)))
    assert addr in ipaddress.ip_network(p["ip24"]) and addr in ipaddress.ip_network(p["ip16"])


@given(st.ip_addresses(v=6))
def test_ipv6_prefix_contains_the_address(addr):
    p = dict(ip_prefixes(str(addr)))
    if addr.ipv4_mapped is None:
        assert addr in ipaddress.ip_network(p["ip48"])


@given(st.text(max_size=200))
def test_ip_prefixes_never_raise(s):
    assert isinstance(ip_prefixes(s), list)


@given(st.text(max_size=100), st.text(max_size=20))
@example("://0", "")  # a path may hold "://" itself (a redirect link): only the scheme goes
def test_referrer_key_drops_fragment_and_scheme(path, frag):
    k = referrer_key(f"https://example.com/{path}#{frag}")
    assert k.startswith("example.com") and len(k) <= 256
    assert k == referrer_key(f"http://example.com/{path}#zz")  # neither the scheme nor the fragment matters


@given(st.text(max_size=300))
def test_normalize_text_is_idempotent(s):
    assert normalize_text(normalize_text(s)) == normalize_text(s)


@given(st.text(min_size=0, max_size=300), st.integers(0, 2 ** 32))
def test_minhash_is_deterministic_and_bounded(text, seed):
    m = MinHashLSH(bands=4, rows=4, seed=seed % 1000)
    a = m.signature(text)
    assert (a == MinHashLSH(bands=4, rows=4, seed=seed % 1000).signature(text)).all()
    assert len(a) == 16 and int(a.max()) < 2 ** 32
    assert len(m.band_keys(a, salt=1)) == 4


@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=4))
def test_batched_signatures_equal_single(texts):
    m = MinHashLSH(seed=4)
    for a, t in zip(m.signatures(texts), texts):
        assert (a == m.signature(t)).all()


emails = st.emails()
ips = st.ip_addresses().map(str)


@settings(max_examples=60)
@given(emails, ips, st.text(max_size=64).filter(lambda s: s.strip()))
def test_signature_never_holds_raw_email_or_ip(email, ip, username):
    ex = SignatureExtractor(KeyedHasher(seed=3), seed=3)
    sig = ex.extract(Signup("a", 0.0, username, email=email, ip=ip, bio="hello there friends"))
    local, _, domain = email.rpartition("@")
    for label in sig.labels:
        assert ip not in label
        assert email not in label
        if len(domain) > 4:
            assert domain.lower() not in label.lower()
    assert all(0 <= k < 2 ** 64 for k in sig.keys)
    assert len(sig.keys) == len(sig.kinds) == len(sig.labels)


@settings(max_examples=40)
@given(st.text(min_size=1, max_size=40), emails)
def test_keys_depend_on_the_secret(username, email):
    a = SignatureExtractor(KeyedHasher(seed=1), seed=1).extract(Signup("a", 0.0, username, email=email))
    b = SignatureExtractor(KeyedHasher(seed=2), seed=1).extract(Signup("a", 0.0, username, email=email))
    assert set(a.keys).isdisjoint(b.keys)


@given(st.text(alphabet=st.characters(blacklist_characters="."), max_size=60),
       st.lists(st.from_regex(r"[a-z0-9]{1,8}\.(com|info|ee|io)", fullmatch=True), max_size=5))
def test_bio_links_are_the_first_three_hosts_in_lower_case(text, hosts):
    bio = " ".join([text] + [f"https://{h.upper()}/x?ref=1" for h in hosts])
    assert bio_links(bio) == list(dict.fromkeys(hosts))[:3]
    if hosts:  # an e-mail address is not a link
        assert bio_links(f"{text} mail me: {hosts[0]}@gmail.com") == []


@given(st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True), st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True),
       st.from_regex(r"[A-Z][a-z]{2,6} [A-Z][a-z]{2,8}", fullmatch=True),
       st.from_regex(r"[A-Z][a-z]{2,6} [A-Z][a-z]{2,8}", fullmatch=True))
def test_signups_made_by_one_recipe_share_its_key_whatever_their_names(u1, u2, d1, d2):
    # the "uname_recipe" kind: username pattern, display-name pattern, flow and whether a
    # device id came: a capitalised word as handle, a two-word display name, the iOS
    # flow with no device id are one recipe; a device id, another flow, a digit tail or
    # no display name make another
    ex = SignatureExtractor(KeyedHasher(seed=3), seed=3)
    k = KIND_INDEX["uname_recipe"]

    def recipe(s):
        keys = ex.extract(s).by_kind()[k]
        assert len(keys) == 1
        return keys[0]

    a = recipe(Signup("a", 0.0, u1, display_name=d1, signup_flow="ios"))
    assert recipe(Signup("b", 0.0, u2, display_name=d2, signup_flow="iOS")) == a
    assert recipe(Signup("c", 0.0, u2, display_name=d2, signup_flow="ios", device_id="D1")) != a
    assert recipe(Signup("d", 0.0, u2, display_name=d2, signup_flow="web")) != a
    assert recipe(Signup("e", 0.0, u2 + "7", display_name=d2, signup_flow="ios")) != a
    assert recipe(Signup("f", 0.0, u2, signup_flow="ios")) != a
