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

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

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
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The cached value, or `make()` stored under `key` (two threads may both make it; one wins)."""
        value = self.get(key)
        return value if value is not None else self.put(key, make())

    def trim(self, keep: int) -> None:
        """Forget all but the `keep` most recently used values."""
        with self._lock:
            while len(self._data) > max(0, keep):
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
