"""Co-activity links (detectors/cohort.py): the protected target baseline."""
from __future__ import annotations

import random

from detectors.cohort import CoActivityLinker


def _organic(lk: CoActivityLinker, r: random.Random, t0: float, t1: float, links: list) -> float:
    """Young organic accounts: mostly scattered targets, a tenth of the time one account
    every newcomer follows; two activities a second."""
    t = t0
    n = 0
    while t < t1:
        acct = f"o{n // 3}"
        target = "popular-1" if r.random() < 0.1 else f"post-{r.randrange(20_000)}"
        links += lk.learn_one(acct, t, target=target)
        t += 0.5
        n += 1
    return t


def test_a_long_campaign_stays_linked_and_organic_traffic_does_not_link():
    r = random.Random(7)
    lk = CoActivityLinker(seed=3)
    organic_links: list = []
    t = _organic(lk, r, 0.0, 7200.0, organic_links)
    assert organic_links == []
    # a campaign: one new account every 20 s for 40 minutes, each following 3 of the
    # campaign's 5 customers and reposting its post (organic traffic goes on around it)
    customers = [f"cust-{i}" for i in range(5)]
    linked_at: dict = {}
    for i in range(120):
        acct = f"bot{i}"
        start = t + 20.0 * i
        targets = r.sample(customers, 3) + ["campaign-post"]
        for j, tg in enumerate(targets):
            for a, b in lk.learn_one(acct, start + 3.0 * j, target=tg):
                for x in (a, b):
                    linked_at.setdefault(x, start)
        _organic(lk, r, start + 12.0, start + 20.0, organic_links)
    bots = [f"bot{i}" for i in range(120)]
    assert sum(1 for b in bots if b in linked_at) >= 110
    # the hits of the campaign never taught the baseline that its targets are normal:
    # accounts arriving after 30 minutes of it are still linked
    late = bots[90:]
    assert sum(1 for b in late if b in linked_at) >= 28
    assert not [p for p in organic_links if not (p[0].startswith("bot") and p[1].startswith("bot"))]


def test_warm_up_learns_everything_and_no_target_is_specific_before_it_ends():
    lk = CoActivityLinker(seed=1)
    links = []
    for i in range(200):  # a burst at cold start: nothing to compare it with yet
        links += lk.learn_one(f"a{i}", 10.0 + i, target="t1")
        links += lk.learn_one(f"a{i}", 10.5 + i, target="t2")
    assert links == []
