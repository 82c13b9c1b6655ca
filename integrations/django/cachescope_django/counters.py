"""Per-alias counters kept in process between flushes, and the record a flush writes."""
from __future__ import annotations

import bisect
import json
import threading

from .keys import KIND_OTHER, OTHER

FORMAT_VERSION = 1
# The timing extension's own version (docs/COUNTERS_FORMAT.md, "Timing"): a reader that knows v 1 but not this
# still reads the counts.
TIMING_VERSION = 1

# Latency buckets: inclusive upper bounds in nanoseconds (5 µs … 10 s, 1-2-5 steps), then one for everything longer.
BOUNDS_NS = tuple(us * 1000 for us in (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000,
                                       100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000))
BUCKETS = len(BOUNDS_NS) + 1
bucket_index = bisect.bisect_left  # bucket_index(BOUNDS_NS, ns): the first bound >= ns


def _bit_length_tables() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """bucket_index without a search, for the hot path: for ns with bit_length k, LOW[k] + (ns > EDGE[k]). Each
    [2**(k-1), 2**k) holds at most one bound (consecutive bounds are at least 2x apart): EDGE[k] is it, or past the range."""
    low, edge = [], []
    for k in range(65):
        start, end = (0, 0) if k == 0 else (1 << (k - 1), (1 << k) - 1)
        low.append(bisect.bisect_left(BOUNDS_NS, start))
        inside = [b for b in BOUNDS_NS if start <= b < end]
        edge.append(inside[0] if inside else 1 << 64)
    return tuple(low), tuple(edge)


LOW, EDGE = _bit_length_tables()

# Row layout: one list per namespace, counters by index (a list is cheaper to bump than a dict): the counters, then
# the get, set and other-call histograms, the recompute cost (sum in ns, count), and hits that saved no recompute.
HITS, MISSES, SETS, ADDS, DELETES, INCRS, TOUCHES = range(7)
LETTERS = ("h", "m", "s", "a", "d", "i", "t")
GET_HIST = 7
SET_HIST = GET_HIST + BUCKETS
OTHER_HIST = SET_HIST + BUCKETS
# A plain get's one increment: its latency bucket among the hits or among the misses, which counts the hit or miss
# too (the record sums them into h, m and lg). GET_HIST is for gets whose hit or miss is counted on its own.
HIT_HIST = OTHER_HIST + BUCKETS
MISS_HIST = HIT_HIST + BUCKETS
COST_NS = MISS_HIST + BUCKETS
COST_COUNT = COST_NS + 1
UNSAVING_HITS = COST_COUNT + 1
ROW_SIZE = UNSAVING_HITS + 1
ZERO_ROW = (0,) * ROW_SIZE
HISTOGRAMS = (("lg", GET_HIST), ("ls", SET_HIST), ("lo", OTHER_HIST))


class Counters:
    """Counts for one alias in one process.

    The first ``max_namespaces`` distinct namespaces keep their name for the life of the process; any later one is
    counted under "(other)". So the table, and what a failed flush keeps, never hold more than max_namespaces + 1 rows.
    """

    __slots__ = ("alias", "max_namespaces", "lock", "table", "kinds")

    def __init__(self, alias: str, max_namespaces: int) -> None:
        self.alias = alias
        self.max_namespaces = max_namespaces
        self.lock = threading.Lock()
        self.table: dict[str, list[int]] = {}
        self.kinds: dict[str, str] = {}  # admitted names -> kind (the first kind seen wins)

    def add(self, name: str, kind: str, index: int, n: int = 1, slot: int = -1) -> None:
        """n of one counter, and (slot >= 0) one call in a latency bucket."""
        with self.lock:
            row = self.table.get(name)
            if row is None:
                row = self.new_row(name, kind)
            row[index] += n
            if slot >= 0:
                row[slot] += 1

    def observe(self, name: str, kind: str, index: int, slot: int, cost_ns: int = -1) -> None:
        """One call: its counter, its latency bucket (a row index), and a measured recompute cost (>= 0) if any."""
        with self.lock:
            row = self.table.get(name)
            if row is None:
                row = self.new_row(name, kind)
            row[index] += 1
            row[slot] += 1
            if cost_ns >= 0:
                row[COST_NS] += cost_ns
                row[COST_COUNT] += 1

    def get_or_set(self, name: str, kind: str, missed: bool, get_ns: int, set_ns: int = -1, cost_ns: int = -1) -> None:
        """A get_or_set: a hit, or a miss and a set; set_ns and cost_ns when they were timed (< 0: not)."""
        with self.lock:
            row = self.table.get(name)
            if row is None:
                row = self.new_row(name, kind)
            row[GET_HIST + bucket_index(BOUNDS_NS, get_ns)] += 1
            if not missed:
                row[HITS] += 1
                return
            row[MISSES] += 1
            row[SETS] += 1
            if set_ns >= 0:
                row[SET_HIST + bucket_index(BOUNDS_NS, set_ns)] += 1
            if cost_ns >= 0:
                row[COST_NS] += cost_ns
                row[COST_COUNT] += 1

    def add_hits_misses(self, name: str, kind: str, hits: int, misses: int, slot: int = -1) -> None:
        with self.lock:
            row = self.table.get(name)
            if row is None:
                row = self.new_row(name, kind)
            row[HITS] += hits
            row[MISSES] += misses
            if slot >= 0:
                row[slot] += 1

    def new_row(self, name: str, kind: str) -> list[int]:
        """The row for a name not in the table; the caller holds the lock."""
        if name not in self.kinds:
            if len(self.kinds) >= self.max_namespaces:
                name = OTHER
                row = self.table.get(OTHER)
                if row is not None:
                    return row
            self.kinds.setdefault(name, KIND_OTHER if name == OTHER else kind)
        row = self.table[name] = [0] * ROW_SIZE
        return row

    def take(self) -> dict[str, list[int]]:
        """Everything counted since the last take; the caller writes it, or gives it back on failure. The rows stay
        (zeroed), so the hot path may hold on to a key's row between flushes."""
        taken = {}
        with self.lock:
            for name, row in self.table.items():
                if any(row):
                    taken[name] = row[:]
                    row[:] = ZERO_ROW
        return taken

    def give_back(self, table: dict[str, list[int]]) -> None:
        """Merge counts a failed flush could not write. Names were admitted already: no growth past the cap."""
        with self.lock:
            for name, counts in table.items():
                row = self.table.get(name)
                if row is None:
                    self.table[name] = counts
                else:
                    for index, n in enumerate(counts):
                        row[index] += n

    def reset_after_fork(self) -> None:
        """In a forked child: the parent's counts are the parent's to flush; a lock held at fork time is dropped."""
        self.lock = threading.Lock()
        for row in self.table.values():
            row[:] = ZERO_ROW

    def record(self, table: dict[str, list[int]], host: str, pid: int, at: float) -> bytes:
        """One record line, docs/COUNTERS_FORMAT.md ("A record"). Zero counters are left out."""
        namespaces = {}
        for name, row in table.items():
            # A plain get's hit or miss lives in its latency bucket: summed back into h, m and lg here, off the hot path.
            hit_hist, miss_hist = row[HIT_HIST:MISS_HIST], row[MISS_HIST:COST_NS]
            plain_hits, plain_misses = sum(hit_hist), sum(miss_hist)
            entry: dict[str, object] = {"k": self.kinds.get(name, KIND_OTHER)}
            values = (row[HITS] + plain_hits, row[MISSES] + plain_misses, *row[SETS:GET_HIST])
            for letter, n in zip(LETTERS, values):
                if n:
                    entry[letter] = n
            get_hist = row[GET_HIST:SET_HIST]
            if plain_hits or plain_misses:
                get_hist = list(map(sum, zip(get_hist, hit_hist, miss_hist)))
            for letter, histogram in (("lg", get_hist), ("ls", row[SET_HIST:OTHER_HIST]), ("lo", row[OTHER_HIST:HIT_HIST])):
                if any(histogram):
                    while not histogram[-1]:
                        histogram.pop()
                    entry[letter] = histogram
            if row[COST_COUNT]:
                entry["rs"] = row[COST_NS] // 1000
                entry["rn"] = row[COST_COUNT]
            if row[UNSAVING_HITS]:
                entry["sh"] = values[HITS] - row[UNSAVING_HITS]
            namespaces[name] = entry
        body = {"v": FORMAT_VERSION, "tv": TIMING_VERSION, "host": host, "pid": pid, "at": round(at, 3),
                "alias": self.alias, "ns": namespaces}
        # ASCII JSON is UTF-8, and escapes what could not be encoded (lone surrogates from odd keys).
        return (json.dumps(body, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")
