"""Spam-label templates (detectors/labelled.py): pure, bounded."""
from __future__ import annotations

import pickle

from detectors.labelled import LabelTemplates

# positions: 0 handle, 1 mail, 2 network, 3 flow (weak)
GROUPS = (0, 1, 2, 3)


def share(p: float):
    return lambda keys, slots: [p] * len(keys)


def templates(**kw) -> LabelTemplates:
    kw.setdefault("max_share", 1e-4)
    kw.setdefault("min_groups", 2)
    kw.setdefault("min_seeds", 2)
    return LabelTemplates(GROUPS, weak=(3,), **kw)


def test_two_spam_seeds_sharing_rare_values_make_a_template_that_later_signups_match():
    lt = templates()
    lt.remember("a", 0.0, (1, 2, 3, 9))
    lt.remember("b", 10.0, (1, 2, 4, 9))
    assert lt.spam("a", 100.0, share(0.01)) == []  # one seed: nothing to compare with
    [tp] = lt.spam("b", 200.0, share(0.01))
    assert sorted(tp.keys) == [1, 2, 9] and tp.seeds == 2 and abs(tp.share - 1e-6) < 1e-18  # the flow is a factor too
    assert lt.carriers(tp) == ["a", "b"]
    assert lt.match((1, 2, 7, 9)) is tp
    assert lt.match((1, 5, 7, 9)) is None  # one value missing
    lt.remember("c", 300.0, (1, 2, 8, 9))
    assert lt.spam("c", 400.0, share(0.01)) == []  # the same values again: no new template
    assert tp.seeds == 3


def test_values_common_together_or_only_context_make_no_template():
    lt = templates()
    lt.remember("a", 0.0, (1, 2, 3, 9))
    lt.remember("b", 0.0, (1, 2, 4, 9))
    lt.spam("a", 1.0, share(0.05))
    assert lt.spam("b", 2.0, share(0.05)) == []  # 0.05 ** 3 > 1e-4
    lt = templates(max_share=1.0)
    lt.remember("a", 0.0, (1, 5, 3, 9))
    lt.remember("b", 0.0, (1, 6, 4, 9))
    lt.spam("a", 1.0, share(1e-6))
    assert lt.spam("b", 2.0, share(1e-6)) == []  # a handle and a flow: one group that is not context


def test_a_benign_label_retires_a_template_and_a_benign_carrier_blocks_one():
    lt = templates()
    for i, acc in enumerate("abc"):
        lt.remember(acc, float(i), (1, 2, 10 + i, 9))
    lt.spam("a", 10.0, share(0.01))
    [tp] = lt.spam("b", 11.0, share(0.01))
    assert lt.benign("c", 12.0) == 1 and tp.dead and lt.match((1, 2, 0, 9)) is None
    lt = templates()
    for i, acc in enumerate("abc"):
        lt.remember(acc, float(i), (1, 2, 10 + i, 9))
    assert lt.benign("c", 5.0) == 0  # no template yet, but the account is remembered as benign
    lt.spam("a", 10.0, share(0.01))
    assert lt.spam("b", 11.0, share(0.01)) == [] and lt.match((1, 2, 0, 9)) is None


def test_memory_is_bounded_and_old_signups_are_forgotten():
    lt = templates(max_accounts=100, max_templates=4, max_seeds=8)
    for i in range(1000):
        lt.remember(f"x{i}", float(i), (i + 1, 2, 3, 9))
    assert lt.keys_of("x0") is None and lt.keys_of("x999") == (1000, 2, 3, 9)
    assert len(lt._row) == 100
    for i in range(900, 1000):
        lt.spam(f"x{i}", 2000.0 + i, share(0.001))  # all share mail and network
    assert len(lt) <= 4 and len(lt._seeds) == 8
    assert sum(len(d) for d in lt._by_key.values()) <= 4 * 4


def test_templates_expire_when_neither_seeded_nor_matched():
    lt = templates(ttl=100.0)
    lt.remember("a", 0.0, (1, 2, 3, 9))
    lt.remember("b", 0.0, (1, 2, 4, 9))
    lt.remember("c", 0.0, (5, 6, 7, 8))
    lt.spam("a", 1.0, share(0.01))
    [tp] = lt.spam("b", 2.0, share(0.01))
    lt.spam("c", 500.0, share(0.01))  # any later label expires what is stale
    assert len(lt) == 0 and lt.match((1, 2, 0, 9)) is None and not lt._by_key


def test_pickle_round_trip_keeps_templates_and_signups():
    lt = templates()
    lt.remember("a", 0.0, (1, 2, 3, 9))
    lt.remember("b", 0.0, (1, 2, 4, 9))
    lt.spam("a", 1.0, share(0.01))
    [tp] = lt.spam("b", 2.0, share(0.01))
    back = pickle.loads(pickle.dumps(lt))
    assert back.match((1, 2, 0, 9)).keys == tp.keys and back.keys_of("b") == (1, 2, 4, 9)


def test_a_template_acts_from_its_third_seed_and_seeds_count_once():
    lt = templates(min_seeds=3)
    for i, acc in enumerate("abcd"):
        lt.remember(acc, float(i), (1, 2, 10 + i, 9))
    lt.spam("a", 10.0, share(0.01))
    assert lt.spam("b", 11.0, share(0.01)) == [] and lt.match((1, 2, 0, 9)) is None  # two seeds: made, not active
    [tp] = lt.spam("c", 12.0, share(0.01))  # the third carries it (and pairs with both: counted once)
    assert tp.seeds == 3 and tp.active and lt.match((1, 2, 0, 9)) is tp
    assert lt.spam("d", 13.0, share(0.01)) == [] and tp.seeds == 4  # already active: not returned again


def test_a_template_whose_values_people_share_apart_does_not_act():
    def seeded(crowd: bool) -> LabelTemplates:
        lt = templates(min_seeds=3, min_concentration=0.4)
        for i, acc in enumerate("abc"):
            lt.remember(acc, float(i), (1, 20 + i, 3, 9))  # handle pattern 1, network 3
        if crowd:  # people on network 3 with other handles, people with handle 1 elsewhere
            for i in range(20):
                lt.remember(f"n{i}", 10.0 + i, (70 + i, 90 + i, 3, 9))
                lt.remember(f"h{i}", 10.0 + i, (1, 130 + i, 150 + i, 9))
        for acc in "abc":
            out = lt.spam(acc, 100.0, share(0.01))
        return lt, out
    lt, out = seeded(crowd=False)
    assert [tp.concentration for tp in out] == [1.0] and lt.match((1, 0, 3, 9)) is out[0]
    lt, out = seeded(crowd=True)
    assert out == [] and lt.match((1, 0, 3, 9)) is None
    [tp] = lt._templates.values()
    assert tp.dead and abs(tp.concentration - 3 / 23) < 1e-12


def _wave(lt, n=10, odd=0):
    """``n`` suspended members sharing a handle, a mail pattern and a flow (the last
    ``odd`` with another mail pattern), each on its own network; their account ids."""
    ids = [f"m{i}" for i in range(n)]
    for i, a in enumerate(ids):
        lt.remember(a, float(i), (1, 20 if i >= n - odd else 2, 100 + i, 9))
    return ids


def test_a_waves_suspended_members_make_a_template_of_what_most_of_them_carry():
    lt = templates()
    ids = _wave(lt, odd=1)
    lt.remember("x", 50.0, (1, 3, 7, 9))  # shares the handle, not the mail pattern
    tp = lt.from_wave("w1", ids, 100.0, share(0.01))
    assert tp is not None and tp.active and tp.origin == "w1" and sorted(tp.keys) == [1, 2, 9]
    assert tp.seeds == 10 and lt.carriers(tp) == ids[:9]
    assert lt.match((1, 2, 5, 9)) is tp and lt.match((1, 3, 5, 9)) is None
    # asked again it is renewed, not made twice; retiring the wave retires it
    assert lt.from_wave("w1", ids, 200.0, share(0.01)) is None and tp.last == 200.0 and len(lt) == 1
    assert lt.retire("w1") == 1 and tp.dead and lt.match((1, 2, 5, 9)) is None


def test_a_waves_template_needs_enough_members_shared_values_in_two_groups_and_rarity():
    lt = templates()
    ids = _wave(lt, n=7)
    assert lt.from_wave("w", ids, 10.0, share(0.01)) is None  # fewer than wave_min_members
    lt = templates()
    ids = _wave(lt, odd=2)  # 8 of 10 share the mail pattern: under wave_frac, the handle alone is left
    assert lt.from_wave("w", ids, 10.0, share(0.01)) is None
    lt = templates()
    ids = _wave(lt)
    assert lt.from_wave("w", ids, 10.0, share(0.11)) is None  # 0.11 ** 3 > wave_max_share 1e-3
    assert lt.from_wave("w", ids, 10.0, share(0.09)) is not None


def test_a_waves_template_is_blocked_by_a_benign_carrier_and_completes_a_label_template():
    lt = templates()
    ids = _wave(lt)
    lt.benign("m3", 5.0)
    assert lt.from_wave("w", ids, 10.0, share(0.01)) is None and not lt.active()
    lt = templates(min_seeds=3)
    ids = _wave(lt)
    lt.spam("m0", 5.0, share(0.01))
    [] = lt.spam("m1", 6.0, share(0.01))  # two seeds: a template that does not act yet
    [tp] = lt._templates.values()
    assert not tp.active and lt.from_wave("w", ids, 10.0, share(0.01)) is tp and tp.active


def test_a_template_whose_spam_labelled_carriers_outvote_a_benign_label_survives_it():
    lt = templates()  # label_error 0.2: one benign label is outvoted by five spam labels
    ids = _wave(lt, n=12)
    tp = lt.from_wave("w", ids, 10.0, share(0.01))
    for i, a in enumerate(ids[:4]):
        lt.spam(a, 20.0 + i, share(0.01))
    assert lt.benign(ids[5], 30.0) == 1 and tp.dead  # four spam labels do not outvote it
    lt = templates()
    ids = _wave(lt, n=12)
    tp = lt.from_wave("w", ids, 10.0, share(0.01))
    for i, a in enumerate(ids[:5]):
        lt.spam(a, 20.0 + i, share(0.01))
    assert lt.benign(ids[5], 30.0) == 0 and tp.active and lt.match((1, 2, 0, 9)) is tp
    assert lt.benign(ids[6], 31.0) == 1 and tp.dead  # two benign labels to five spam ones
    # an account's last label counts: a spam label after a benign one outvotes it
    lt = templates()
    ids = _wave(lt, n=12)
    lt.benign(ids[0], 5.0)
    for i, a in enumerate(ids[:5]):
        lt.spam(a, 6.0 + i, share(0.01))
    assert lt.match((1, 2, 0, 9)) is not None and not lt._benign.any()


def test_snapshots_from_before_wave_templates_restore():
    lt = templates()
    ids = _wave(lt)
    tp = lt.from_wave("w", ids, 10.0, share(0.01))
    state = dict(lt.__dict__)
    for k in ("wave_frac", "wave_min_members", "wave_max_share", "label_error", "_spam"):
        del state[k]
    old = LabelTemplates.__new__(LabelTemplates)
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert old.wave_min_members == LabelTemplates(GROUPS).wave_min_members and old.label_error == 0.2
    assert old._spam.shape == old._benign.shape and not old._spam.any()
    t_state = {k: getattr(tp, k) for k in tp.__slots__ if k != "origin"}
    back = type(tp).__new__(type(tp))
    back.__setstate__((None, t_state))
    assert back.origin is None and back.keys == tp.keys
