"""A bounded, thread-safe LRU cache: every process-wide cache in Placard is one of these, with a stated size.

A long-running process (the preview server, a campaign worker) builds thousands of designs; a cache
that only grows, or one cleared wholesale when full, is a memory leak or a cliff.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

__all__ = ["LRU"]


class LRU(Generic[V]):
    """Up to `maxsize` values by key; the least recently used goes first. `make` runs outside the lock."""

    def __init__(self, maxsize: int, *, weigh: Callable[[V], int] | None = None, max_weight: int | None = None):
        """`weigh` and `max_weight` bound the sum of the values' weights too (bytes, pixels): a few
        large values or many small ones, within one memory budget."""
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._weigh = weigh
        self._max_weight = max_weight
        self._weights: dict[Hashable, int] = {}
        self.weight = 0

    def get(self, key: Hashable) -> V | None:
        """The value for `key` (now the most recent), or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> V:
        """Store `value`, evicting the least recently used past `maxsize`; returns `value`."""
        with self._lock:
            self._forget(key)
            self._data[key] = value
            if self._weigh is not None:
                self._weights[key] = w = self._weigh(value)
                self.weight += w
            while len(self._data) > self.maxsize or (
                    self._max_weight is not None and self.weight > self._max_weight and len(self._data) > 1):
                self._forget(next(iter(self._data)))
        return value

    def _forget(self, key: Hashable) -> None:
        if self._data.pop(key, None) is not None:
            self.weight -= self._weights.pop(key, 0)

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The cached value, or `make()` stored under `key` (two threads may both make it; one wins)."""
        value = self.get(key)
        return value if value is not None else self.put(key, make())

    def trim(self, keep: int) -> None:
        """Forget all but the `keep` most recently used values."""
        with self._lock:
            while len(self._data) > max(0, keep):
                self._forget(next(iter(self._data)))

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()
            self._weights.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._data)
