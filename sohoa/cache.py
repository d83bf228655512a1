"""A small thread-safe cache whose entries expire: for answers that are costly and public."""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

V = TypeVar("V")


class TimedCache(Generic[V]):
    """Values kept ``max_age`` seconds. Bounded: when full it starts over, which costs a
    few recomputations and never memory."""

    def __init__(self, max_age: float, max_entries: int = 10_000) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, V]] = {}

    def get(self, key: str) -> V | None:
        with self._lock:
            found = self._entries.get(key)
        if found and time.monotonic() - found[0] < self.max_age:
            return found[1]
        return None

    def put(self, key: str, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (time.monotonic(), value)
