"""One in-memory cache of computed figures, shared by every session and thread of a process.

Keys are hashable tuples (what was computed, its arguments, the version of the data and of the model it
depends on), so a changed input simply misses. The cache is bounded by the estimated bytes of what it
holds (least recently used out first) and computes each key once: a second caller asking for a key that
is being computed waits for that result instead of computing it again (50 sessions opening at once do
the work of one).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import cachetools
import polars as pl

T = TypeVar("T")
DEFAULT_BYTES = 1_000_000_000


def estimated_bytes(value: Any) -> int:
    """A rough size of ``value`` for the cache bound: Polars frames by their buffers, containers by their parts.

    >>> estimated_bytes(pl.DataFrame({"x": [1, 2, 3]})) >= 24
    True
    """
    if isinstance(value, pl.DataFrame | pl.Series):
        return max(int(value.estimated_size()), 64)
    if isinstance(value, pl.LazyFrame):
        return 4_096
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(estimated_bytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list | set | frozenset):
        return 64 + sum(estimated_bytes(v) for v in value)
    if isinstance(value, dict):
        return 64 + sum(estimated_bytes(v) for v in value.values())
    return 256


class FigureCache:
    """A thread-safe, size-bounded LRU cache that computes every key once (see the module docstring).

    ``calls`` counts the computations done, ``hits`` the answers served from the cache.

    Examples
    --------
    >>> cache = FigureCache(max_bytes=10_000)
    >>> cache.get_or_compute(("square", 3), lambda: 9), cache.get_or_compute(("square", 3), lambda: 0)
    (9, 9)
    >>> cache.calls, cache.hits
    (1, 1)
    """

    def __init__(self, max_bytes: int = DEFAULT_BYTES):
        self._items: cachetools.LRUCache = cachetools.LRUCache(maxsize=max_bytes, getsizeof=estimated_bytes)
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Event] = {}
        self.calls = 0
        self.hits = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value stored under ``key``, or ``compute()`` stored and returned (once, however many ask)."""
        while True:
            with self._lock:
                try:
                    value = self._items[key]
                except KeyError:
                    pass
                else:
                    self.hits += 1
                    return value
                waiting = self._pending.get(key)
                if waiting is None:
                    done = self._pending[key] = threading.Event()
                    break
            waiting.wait()  # someone else computes it: take their result (or compute it if they failed)
        try:
            value = compute()
            with self._lock:
                self.calls += 1
                try:
                    self._items[key] = value
                except ValueError:  # bigger than the whole cache: hand it out, keep nothing
                    pass
            return value
        finally:
            with self._lock:
                del self._pending[key]
            done.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


#: The process's figure cache: every Dataset uses it unless given another.
SHARED = FigureCache()
