"""Per-alias counters kept in process between flushes, and the record a flush writes."""
from __future__ import annotations

import json
import threading

from .keys import KIND_OTHER, OTHER

FORMAT_VERSION = 1

# Row layout: one list per namespace, counters by index (a list is cheaper to bump than a dict).
HITS, MISSES, SETS, ADDS, DELETES, INCRS, TOUCHES = range(7)
LETTERS = ("h", "m", "s", "a", "d", "i", "t")


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

    def add(self, name: str, kind: str, index: int, n: int = 1) -> None:
        with self.lock:
            row = self.table.get(name)
            if row is None:
                row = self.new_row(name, kind)
            row[index] += n

    def add_hits_misses(self, name: str, kind: str, hits: int, misses: int) -> None:
        with self.lock:
            row = self.table.get(name)
            if row is None:
                row = self.new_row(name, kind)
            row[HITS] += hits
            row[MISSES] += misses

    def new_row(self, name: str, kind: str) -> list[int]:
        """The row for a name not in the table; the caller holds the lock."""
        if name not in self.kinds:
            if len(self.kinds) >= self.max_namespaces:
                name = OTHER
                row = self.table.get(OTHER)
                if row is not None:
                    return row
            self.kinds.setdefault(name, KIND_OTHER if name == OTHER else kind)
        row = self.table[name] = [0, 0, 0, 0, 0, 0, 0]
        return row

    def take(self) -> dict[str, list[int]]:
        """Everything counted since the last take; the caller writes it, or gives it back on failure."""
        with self.lock:
            table, self.table = self.table, {}
        return table

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
        self.table = {}

    def record(self, table: dict[str, list[int]], host: str, pid: int, at: float) -> bytes:
        """One record line, docs/COUNTERS_FORMAT.md ("A record"). Zero counters are left out."""
        namespaces = {}
        for name, counts in table.items():
            entry: dict[str, object] = {"k": self.kinds.get(name, KIND_OTHER)}
            for letter, n in zip(LETTERS, counts):
                if n:
                    entry[letter] = n
            namespaces[name] = entry
        body = {"v": FORMAT_VERSION, "host": host, "pid": pid, "at": round(at, 3), "alias": self.alias, "ns": namespaces}
        # ASCII JSON is UTF-8, and escapes what could not be encoded (lone surrogates from odd keys).
        return (json.dumps(body, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")
