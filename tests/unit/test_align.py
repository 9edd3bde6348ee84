"""The event-time aligner: per-partition ordered input, any interleaving, sorted output."""
import random

from hypothesis import given, settings, strategies as st

from streams.align import Aligner


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(0, 400), st.integers(0, 10_000))
def test_any_interleaving_comes_out_in_event_time_order(n_parts, n_events, seed):
    """With heartbeats saying what each partition holds, the release order is sorted
    whatever the arrival interleaving (here: random chunks per partition)."""
    rng = random.Random(seed)
    parts = [sorted(rng.uniform(0, 1000) for _ in range(n_events // n_parts)) for _ in range(n_parts)]
    clock = Clock()
    a = Aligner(idle_after=0.05, stall_after=5.0, clock=clock)
    for p, evs in enumerate(parts):  # stage 1 announces what Kafka holds
        a.heartbeat(p, read=-1, highwater=len(evs))
    pos = [0] * n_parts
    out = []
    while any(pos[p] < len(parts[p]) for p in range(n_parts)):
        p = rng.randrange(n_parts)
        for _ in range(rng.randint(1, 30)):
            if pos[p] < len(parts[p]):
                a.push(p, parts[p][pos[p]], parts[p][pos[p]], offset=pos[p])
                pos[p] += 1
        clock.t += 0.001
        out += a.pop_ready()
    clock.t += 10
    out += a.pop_ready()
    assert out == sorted(x for evs in parts for x in evs)
    assert a.pending() == 0


def test_quiet_partition_does_not_stall_others():
    clock = Clock()
    a = Aligner(idle_after=0.05, clock=clock)
    a.push("busy", 10.0, "x", offset=0)
    a.push("quiet", 1.0, "q", offset=0)
    assert a.pop_ready() == ["q"]          # quiet ran dry at ts 1: it holds x back for now
    clock.t = 1.0                          # ... but only for idle_after of wall clock
    assert a.pop_ready() == ["x"]


def test_partition_behind_holds_until_stall():
    clock = Clock()
    a = Aligner(idle_after=0.05, stall_after=5.0, clock=clock)
    a.heartbeat("slow", read=-1, highwater=3)   # three messages wait in Kafka
    a.push("fast", 50.0, "f", offset=0)
    clock.t = 4.0
    assert a.pop_ready() == []                  # waits: slow may hold older events
    clock.t = 5.5
    assert a.pop_ready() == ["f"]               # stage 1 stalled: do not wait forever


def test_invalid_messages_do_not_leave_a_partition_behind():
    """Stage 1 read offsets 0..2 but forwarded nothing (all invalid): caught up."""
    clock = Clock()
    a = Aligner(idle_after=0.05, clock=clock)
    a.heartbeat("p", read=2, highwater=3)
    a.push("q", 5.0, "e", offset=0)
    clock.t = 1.0
    assert a.pop_ready() == ["e"]


def test_buffer_cap_forces_release():
    clock = Clock()
    a = Aligner(max_buffer=3, clock=clock)
    a.heartbeat("never", read=-1, highwater=10)
    for i in range(5):
        a.push("p", float(i), i, offset=i)
    assert a.pop_ready() == [0, 1]              # over the cap: the oldest go regardless
    assert a.pending() == 3


def test_dead_owner_partition_holds_through_end_offsets():
    """The owner's last heartbeat said 'caught up', then it died while the producer kept
    writing: the detect loop's own end-offset poll keeps the partition behind, so newer
    events of other partitions wait for its new owner instead of overtaking."""
    clock = Clock()
    a = Aligner(idle_after=0.5, stall_after=20.0, clock=clock)
    a.push("dead", 10.0, "d0", offset=0)
    a.heartbeat("dead", read=0, highwater=1)     # caught up when last heard of
    assert a.pop_ready() == ["d0"]
    a.end_offset("dead", 5)                      # four more messages arrived in Kafka
    a.push("live", 30.0, "l0", offset=0)
    clock.t = 10.0                               # far past idle_after
    assert a.pop_ready() == []
    a.push("dead", 20.0, "d1", offset=1)         # the new owner forwards them
    clock.t = 10.1
    assert a.pop_ready() == ["d1"]               # still behind (offsets 2..4 unread): l0 waits
    for o, ts in ((2, 21.0), (3, 22.0), (4, 23.0)):
        a.push("dead", ts, f"d{o}", offset=o)
    clock.t = 11.0
    assert a.pop_ready() == ["d2", "d3", "d4", "l0"]
    a.end_offset("dead", 3)                      # a stale answer never moves the end back
    assert not a.behind("dead")
