"""A thread-safe least-recently-used cache bounded by the total size of its values."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class LRU:
    """At most `max_size` in total, where each value weighs `size(value)` (default 1: a count).
    A value heavier than an eighth of the budget is not kept: it would push out everything else."""

    def __init__(self, max_size: int, size: Callable[[object], int] = lambda value: 1):
        self.max_size, self.size, self.total = max_size, size, 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        weight = self.size(value)
        with self._lock:
            if key in self._items or weight > self.max_size // 8:
                return
            self._items[key] = value
            self.total += weight
            while self.total > self.max_size:
                _, old = self._items.popitem(last=False)
                self.total -= self.size(old)

    def __len__(self) -> int:
        return len(self._items)
