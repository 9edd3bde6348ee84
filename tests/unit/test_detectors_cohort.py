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


def _campaign(lk: CoActivityLinker, r: random.Random, t: float, n: int, gap: float, customers: list,
              post: str, organic_links: list, prefix: str = "bot", step: float = 0.5) -> dict:
    """``n`` new accounts, one every ``gap`` s, each following 3 customers and reposting
    ``post`` ``step`` s apart (organic traffic goes on around them); returns
    ``{account: when it signed up}`` for the accounts linked."""
    linked_at: dict = {}
    for i in range(n):
        acct = f"{prefix}{i}"
        start = t + gap * i
        for j, tg in enumerate(r.sample(customers, 3) + [post]):
            for a, b in lk.learn_one(acct, start + step * j, target=tg, follow=tg != post):
                for x in (a, b):
                    linked_at.setdefault(x, start)
        _organic(lk, r, start + 4 * step, start + gap, organic_links)
    return linked_at


def test_a_long_campaign_stays_linked_and_organic_traffic_does_not_link():
    r = random.Random(7)
    lk = CoActivityLinker(seed=3)
    organic_links: list = []
    t = _organic(lk, r, 0.0, 7200.0, organic_links)
    assert organic_links == []
    # a campaign: one new account every 20 s for 40 minutes, each following 3 of the
    # campaign's 5 customers and reposting its post (organic traffic goes on around it)
    linked_at = _campaign(lk, r, t, 120, 20.0, [f"cust-{i}" for i in range(5)], "campaign-post", organic_links,
                          step=3.0)
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


def test_a_campaign_on_new_targets_is_linked_on_a_young_baseline():
    # 40 minutes after start, most of what the baseline has seen is recent: a new
    # target's own burst used to be most of its history, and it never looked surprising
    r = random.Random(11)
    lk = CoActivityLinker(seed=5)
    organic_links: list = []
    t = _organic(lk, r, 0.0, 2400.0, organic_links)
    linked = _campaign(lk, r, t, 60, 5.0, [f"cust-{i}" for i in range(5)], "campaign-post", organic_links)
    assert sum(1 for i in range(60) if f"bot{i}" in linked) >= 40
    assert not [p for p in organic_links if not (p[0].startswith("bot") and p[1].startswith("bot"))]


def test_popular_targets_a_few_times_busier_than_usual_do_not_link():
    # an app-store feature: four times as many newcomers as usual follow 3 of the 5
    # accounts the app suggests, for 40 minutes; those accounts are popular, not specific
    # (learned as other activity: the same holds for posts)
    assert _feature(follow=False, busier=4.0, usual=0.01, calm=10800.0) == []


def _feature(follow: bool, busier: float, usual: float = 0.004, calm: float = 7200.0) -> list:
    """``calm`` seconds of organic traffic, then 40 minutes of an app-store feature in which
    ``busier`` times as many newcomers as usual (``usual`` of them) act on 3 of the 5
    targets the app shows them; the links made (``follow``: as follows)."""
    r = random.Random(5)
    lk = CoActivityLinker(seed=2)
    shown = [f"shown-{i}" for i in range(5)]
    links: list = []
    t, n = 0.0, 0
    while t < calm + 2400.0:
        busy = t >= calm
        acct = f"{'spike' if busy else 'o'}{n}"
        if r.random() < usual * (busier if busy else 1.0):
            for j, tg in enumerate(r.sample(shown, 3)):
                links += lk.learn_one(acct, t + 0.5 * j, target=tg, follow=follow)
        else:
            for j in range(3):
                links += lk.learn_one(acct, t + 0.5 * j, target=f"post-{r.randrange(20_000)}")
        t += 1.5
        n += 1
    return links


def test_accounts_followed_at_several_times_their_rate_do_not_link_but_posts_do():
    # an app suggests accounts per country: a feature that brings a small country's
    # newcomers makes its list several times as busy at once (fresh seed 314: 6.8 and 36
    # times, and 42 of an app-store crowd were suspended), while a farm's likes of its
    # own posts run 5 to 14 times a post's rate; an account followed many times its rate
    # (a farm's customer) still links
    assert _feature(follow=True, busier=9.0) == []
    assert len(_feature(follow=False, busier=9.0)) >= 50
    assert len(_feature(follow=True, busier=30.0)) >= 50


def test_a_burst_that_lasts_becomes_the_baseline():
    # hits held back while a target bursts are learned after ``hold``: customers that
    # stay this busy for hours are the new normal and stop linking their visitors (a
    # baseline that never learned them linked every newcomer who followed two of them)
    r = random.Random(3)
    lk = CoActivityLinker(seed=4, hold=1800.0)
    organic_links: list = []
    t = _organic(lk, r, 0.0, 7200.0, organic_links)
    linked = _campaign(lk, r, t, 300, 30.0, [f"cust-{i}" for i in range(4)], "news-post", organic_links, "fan")
    assert sum(1 for i in range(60) if f"fan{i}" in linked) >= 50  # its first half hour
    assert sum(1 for i in range(240, 300) if f"fan{i}" in linked) <= 6  # two hours on


def _protecting(lk: CoActivityLinker) -> CoActivityLinker:
    """``lk`` whose links protect the targets they were made on, as the engine's do once
    the wave their pairs form is flagged (:meth:`Engine._mark_targets`)."""
    learn = lk.learn_one

    def learn_and_protect(acct, t, target=None, text=None, follow=False):
        links = learn(acct, t, target=target, text=text, follow=follow)
        for a, b in links:
            for k in lk.shared(a, b):
                lk.protect(k, t)
        return links

    lk.learn_one = learn_and_protect
    return lk


def test_a_burst_that_lasts_stays_specific_while_a_flagged_wave_links_on_it():
    # the same campaign, but the engine has flagged the wave its pairs form: each link
    # protects the targets it was made on (what Engine._mark_targets does for a flagged
    # wave), so two hours on the campaign's later accounts are still linked
    r = random.Random(3)
    lk = _protecting(CoActivityLinker(seed=4, hold=1800.0))
    organic_links: list = []
    t = _organic(lk, r, 0.0, 7200.0, organic_links)
    linked = _campaign(lk, r, t, 300, 30.0, [f"cust-{i}" for i in range(4)], "news-post", organic_links, "fan")
    assert sum(1 for i in range(60) if f"fan{i}" in linked) >= 50
    assert sum(1 for i in range(240, 300) if f"fan{i}" in linked) >= 50


def test_a_flagged_campaign_that_pauses_is_still_linked_when_it_resumes():
    # fresh seed 336: a farm paused between bursts; the few hits of its stragglers were
    # no surprise and were learned, and an hour after its last link its held hits were
    # learned too: it was never linked again. While a flagged wave's links protect a
    # target (``protect_hold``), every hit of it is held back, bursting or not
    def run(**kw) -> tuple:
        r = random.Random(9)
        lk = _protecting(CoActivityLinker(seed=6, hold=1800.0, **kw))
        organic_links: list = []
        t = _organic(lk, r, 0.0, 7200.0, organic_links)
        customers = [f"cust-{i}" for i in range(4)]
        first = _campaign(lk, r, t, 60, 20.0, customers, "promo", organic_links, "a")
        t += 60 * 20.0
        for i in range(10):  # 50 minutes of stragglers: one customer each, every 5 minutes
            lk.learn_one(f"straggler{i}", t + 1.0, target=customers[i % 4], follow=True)
            t = _organic(lk, r, t + 1.5, t + 300.0, organic_links)
        second = _campaign(lk, r, t, 60, 20.0, customers, "promo", organic_links, "b")
        assert not [p for p in organic_links if p[0][0] not in "ab" or p[1][0] not in "ab"]
        return (sum(1 for i in range(60) if f"a{i}" in first), sum(1 for i in range(60) if f"b{i}" in second))

    first, second = run()
    assert first >= 50 and second >= 50
    first, second = run(protect_hold=1800.0)  # protected only as long as hits are held
    assert first >= 50 and second <= 10


def _quietly(lk: CoActivityLinker, r: random.Random, t: float, n: int, targets: tuple, prefix: str,
             links: list, follow: bool = False) -> tuple:
    """``n`` rounds five minutes apart, each a new account hitting every one of ``targets``
    (organic traffic goes on around them); returns (the time after, whether any of those
    hits was specific)."""
    hot = False
    for i in range(n):
        for tg in targets:
            lk.learn_one(f"{prefix}{tg}{i}", t, target=tg, follow=follow)
            hot = hot or lk.specific != []
        t = _organic(lk, r, t + 1.0, t + 300.0, links)
    return t, hot


def test_hits_of_a_protected_target_are_held_back_even_when_they_are_no_surprise():
    # two accounts a farm likes, hit at their usual rate (one hit every five minutes
    # each, among organic traffic) for three hours: learned. Then a flagged wave links on the
    # first (protect): for ``protect_hold`` none of its hits is learned, not even those
    # at its usual rate (a farm's stragglers between bursts); the second's still are
    r = random.Random(4)
    lk = CoActivityLinker(seed=8)
    organic_links: list = []
    t, _ = _quietly(lk, r, 0.0, 36, ("cust-a", "cust-b"), "s", organic_links, follow=True)
    a, b = (lk.targets(tg, None)[0] for tg in ("cust-a", "cust-b"))
    assert lk.specific == [] and lk.baseline(a) > 30 and lk.baseline(b) > 30
    before = lk.baseline(a), lk.baseline(b)
    lk.protect(a, t)
    t, hot = _quietly(lk, r, t, 15, ("cust-a", "cust-b"), "q", organic_links, follow=True)
    assert not hot  # no surprise
    assert lk.baseline(a) < before[0]  # decayed a little, learned nothing
    assert lk.baseline(b) > before[1] + 10
    assert organic_links == []


def test_a_burst_that_ends_is_learned_once_it_is_quiet():
    # a post liked once every five minutes for three hours goes viral among newcomers for
    # ten minutes (those hits held back: a burst), then is liked at its quiet rate again;
    # no flagged wave protects it. An hour (``hold``) after the burst began, the next quiet
    # hit has the held hits learned too: a burst that ended is history, not held back for
    # ever (the post would look bursting to the baseline at its next few likes)
    r = random.Random(2)
    lk = CoActivityLinker(seed=3)
    links: list = []
    t, _ = _quietly(lk, r, 0.0, 36, ("viral",), "early", links)
    key = lk.targets("viral", None)[0]
    before = lk.baseline(key)
    for i in range(60):
        lk.learn_one(f"fan{i}", t + 10.0 * i, target="viral")
    t = _organic(lk, r, t + 600.0, t + 900.0, links)
    assert lk.baseline(key) < before + 20  # most of the burst held back
    t, _ = _quietly(lk, r, t, 12, ("viral",), "late", links)
    assert lk.baseline(key) > before + 60


def test_a_long_near_identical_text_counts_as_two_shared_targets():
    # a farm posting one templated job offer per account shares no second target; a text
    # of long_text characters or more written alike by two accounts within the window links
    # them on its own, a short one (the replies a crowd writes to one post) does not
    offer = "Hiring! Work from home $800/week no experience needed, apply now https://t.ly/M2hVAS"
    assert len(offer) >= 60
    lk = CoActivityLinker(window=600, warmup=0, min_surprise=0.0, max_share=1.0, min_ratio=0.0)
    assert lk.learn_one("a", 100.0, text=offer) == []
    assert lk.learn_one("b", 130.0, text=offer.replace("800", "900")) == [("a", "b")]
    short = "can't believe what just happened!!"
    assert lk.learn_one("c", 200.0, target="post-1", text=short) == []
    assert lk.learn_one("d", 230.0, target="post-2", text=short) == []  # one text: one target
    assert lk.learn_one("e", 260.0, target="post-1", text=short) == []  # one activity: one target
    lk2 = CoActivityLinker(window=600, warmup=0, min_surprise=0.0, max_share=1.0, min_ratio=0.0,
                           long_text=len(offer) + 1)
    lk2.learn_one("a", 100.0, text=offer)
    assert lk2.learn_one("b", 130.0, text=offer.replace("800", "900")) == []


def test_posts_are_alike_in_their_words_not_their_links():
    # strip_links: a crowd sharing one page ends many different sentences with the same
    # long link; the text keys of a post (co-activity and the waves' lockstep tracker)
    # come from its words, and a post that is little more than a link has none
    from detectors.lockstep import LockstepTracker
    lk, tr = CoActivityLinker(seed=1), LockstepTracker(seed=1)
    for keys in (lambda x: lk.targets(None, x), lambda x: tr._target_keys(None, x)):
        goal = keys("what a goal, unbelievable finish!! https://tv-show.example.com/live/final?id=77")
        assert goal and goal == keys("what a goal, unbelievable finish!! https://another.example/x")
        other = keys("my cat just knocked the plant over again https://tv-show.example.com/live/final?id=77")
        assert not set(goal) & set(other)
        assert not keys("🔥 https://tv-show.example.com/live/final?id=77 🔥")
